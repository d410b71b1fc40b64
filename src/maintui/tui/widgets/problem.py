"""ProblemPanel: what went wrong reading the run log or a file, shown in place of a crash."""

from __future__ import annotations

from textual.widgets import Static


class ProblemPanel(Static):
    """Says what went wrong reading the run log or a file, instead of crashing."""

    BORDER_TITLE = "Problem"

    DEFAULT_CSS = """
    ProblemPanel { display: none; height: auto; margin: 1 1; padding: 0 1;
                   border: round $error; border-title-color: $error; }
    ProblemPanel.-shown { display: block; }
    """
