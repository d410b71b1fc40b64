"""TakeOverDialog: drive a run another console drives, saying who drives it now."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Label, Static

from maintui.tui import keys
from maintui.tui.dialogs.confirm import Choice, _Dialog


class TakeOverDialog(_Dialog):
    """Who drives the run now; taking over makes that console a watcher at once."""

    DEFAULT_CSS = "TakeOverDialog { align: center middle; }"
    BINDINGS = keys.for_screen("takeover")

    def __init__(self, run_id: int, driver: str) -> None:
        super().__init__()
        self.run_id, self.driver = run_id, driver

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog -destructive"):
            yield Label(Content(f"Take over run {self.run_id}?"), classes="dialog--title")
            yield Static(Content(f"It is {self.driver}. Taking over makes this console the "
                                 "one that confirms, skips, aborts and rolls back; the other "
                                 "becomes a watcher at once, and a gate open there closes."))
            with Horizontal(classes="dialog--buttons"):
                yield Button("Not now", id="cancel")
                yield Button("Take over", id="take", variant="warning")

    def on_mount(self) -> None:
        self.query_one("#cancel").focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(Choice("take_over") if event.button.id == "take" else None)

    def action_take(self) -> None:
        self.dismiss(Choice("take_over"))
