"""QuitDialog: quitting while this console drives a live run."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from maintui.tui import keys
from maintui.tui.widgets.keybar import KeyBar


class QuitDialog(ModalScreen[bool]):
    """Quitting while this console drives a run: the run goes on; say so, and how to return."""

    DEFAULT_CSS = """
    QuitDialog { align: center middle; }
    QuitDialog > Vertical { width: 70; max-width: 100%; height: auto; border: thick $warning;
        background: $surface; padding: 0 1; }
    QuitDialog .dialog--buttons { height: auto; margin-top: 1; align-horizontal: right; }
    QuitDialog Button { margin-left: 1; }
    """
    BINDINGS = keys.for_screen("quit")

    def __init__(self, runs: list[int], config: str = "") -> None:
        super().__init__()
        self.runs = runs
        self.config = config  # the --config this console was started with: the way back needs it

    def compose(self) -> ComposeResult:
        import shlex

        which = ", ".join(str(r) for r in self.runs)
        me = f"maintui --config {shlex.quote(self.config)}" if self.config else "maintui"
        with Vertical():
            yield Label(Content(f"This console drives run {which}."), classes="dialog--title")
            yield Static(Content(f"The run keeps going without it and waits at its next gate. "
                                 f"Come back with `{me} attach {self.runs[0]}` "
                                 f"(or just `{me}`). Quit now?"), id="quit-how")
            with Horizontal(classes="dialog--buttons"):
                yield Button("Stay", id="stay", variant="primary")
                yield Button("Quit", id="leave", variant="warning")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#stay").focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "leave")

    def action_stay(self) -> None:
        self.dismiss(False)

    def action_leave(self) -> None:
        self.dismiss(True)
