"""Every problem of the screen files and the run log, in full, in a scrollable dialog."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from maintui.tui import keys
from maintui.tui.widgets.keybar import KeyBar


class ProblemsDialog(ModalScreen[None]):
    """The home screen's problems line in full: one problem a paragraph, paths whole."""

    DEFAULT_CSS = """
    ProblemsDialog { align: center middle; }
    ProblemsDialog > VerticalScroll { width: 90%; height: auto; max-height: 90%;
        border: thick $error; border-title-color: $error; background: $surface; padding: 0 1; }
    ProblemsDialog .hint { color: $text-muted; margin-top: 1; }
    """
    BINDINGS = keys.for_screen("problems")

    def __init__(self, problems: tuple[str, ...]) -> None:
        super().__init__()
        self.problems = problems

    def compose(self) -> ComposeResult:
        with VerticalScroll() as box:
            box.border_title = f"Problems ({len(self.problems)})"
            for problem in self.problems:
                yield Static(Content(f"• {problem}"))
            yield Static("`maintui validate` lists them too; fix the file and it is read "
                         "again by itself.", classes="hint")
        yield KeyBar()

    def action_dismiss_problems(self) -> None:
        self.dismiss(None)
