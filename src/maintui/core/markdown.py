"""Markdown pieces shared by the run and incident reports, so both read the same."""

from __future__ import annotations


def cell(text: str) -> str:
    """Text made safe for one table cell: no column breaks, no line breaks."""
    return (text or "").replace("|", "\\|").replace("\n", " ")
