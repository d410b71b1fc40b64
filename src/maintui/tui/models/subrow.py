"""A line of the session queue under a fleet step (its count line or one host), and the row
keys that tell a host's line from its step's own."""

from __future__ import annotations

from dataclasses import dataclass

SEP = "\x1f"  # between a step id and a host in a sub-row's key: in neither


@dataclass(frozen=True)
class SubRow:
    """One line under a step: its count line (`host` None) or one host."""

    key: str
    step_id: str
    host: str | None
    state: str
    text: str
    started: float | None = None
    ended: float | None = None


def sub_key(step_id: str, host: str | None) -> str:
    return f"{step_id}{SEP}{host or ''}"


def split_key(key: str) -> tuple[str, str | None]:
    """(step id, host or None) of a queue row key; a step's own row has no host."""
    step_id, _, host = key.partition(SEP)
    return step_id, host or None
