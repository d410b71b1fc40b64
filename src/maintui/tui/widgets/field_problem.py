"""FieldProblem: a dialog's line under its fields that says what is wrong with an answer.

Said inside the dialog, not in a toast: a toast outlives the dialog and lies over the next
one's buttons (a skip reason's toast covered the following gate's Run)."""

from __future__ import annotations

from textual.widgets import Static


class FieldProblem(Static):
    """Hidden until `say`; `clear` (or typing, which dialogs answer with it) hides it again."""

    DEFAULT_CSS = """
    FieldProblem { display: none; height: auto; color: $text-warning; text-style: bold; }
    FieldProblem.-shown { display: block; }
    """

    def say(self, text: str) -> None:
        """Show `text` (bold, so it stands out without colour too)."""
        self.update(text)
        self.add_class("-shown")

    def clear(self) -> None:
        if self.has_class("-shown"):
            self.remove_class("-shown")

    @property
    def text(self) -> str:
        """What it says now ('' when hidden)."""
        return str(self.content) if self.has_class("-shown") else ""
