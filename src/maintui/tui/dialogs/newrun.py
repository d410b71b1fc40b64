"""NewRunDialog: `r` on a session whose run has ended starts another run; ask first."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Label, Static

from maintui.core.states import label
from maintui.tui import keys
from maintui.tui.dialogs.confirm import Choice, _Dialog


class NewRunDialog(_Dialog):
    """Names the run that ended and how, so `r` never starts a new run unannounced."""

    DEFAULT_CSS = "NewRunDialog { align: center middle; }"
    BINDINGS = keys.for_screen("new_run")

    def __init__(self, screen: str, run_id: int, state: str, window: str = "") -> None:
        super().__init__()
        self.screen_name, self.run_id, self.state, self.window = screen, run_id, state, window

    def compose(self) -> ComposeResult:
        then = (f" It is outside the screen's window ({self.window}): the next question asks "
                "why it starts now." if self.window else "")
        with Vertical(classes="dialog"):
            yield Label(Content(f"Start a new run of {self.screen_name}? "
                                f"(run {self.run_id} ended: {label(self.state)})"),
                        classes="dialog--title")
            yield Static(Content(f"Run {self.run_id} stays as it ended; a new run starts "
                                 "from the first step." + then), id="new-run-what")
            with Horizontal(classes="dialog--buttons"):
                yield Button("Not now", id="cancel")
                yield Button("New run", id="start", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#cancel").focus()  # Enter alone does not start a run

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(Choice("new_run") if event.button.id == "start" else None)

    def action_start(self) -> None:
        self.dismiss(Choice("new_run"))
