"""ReasonDialog: one line of text (a reason, a note), required unless optional."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from maintui.tui import keys
from maintui.tui.widgets.keybar import KeyBar


class ReasonDialog(ModalScreen["str | None"]):
    """One line of text; required unless `optional`."""

    DEFAULT_CSS = """
    ReasonDialog { align: center middle; }
    ReasonDialog > Vertical { width: 70; max-width: 100%; height: auto; border: thick $primary;
        background: $surface; padding: 0 1; }
    ReasonDialog .hint { color: $text-muted; }
    """
    BINDINGS = keys.for_screen("reason")

    def __init__(self, title: str, optional: bool = False, placeholder: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.optional = optional
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Content(self.title_text))
            yield Input(placeholder=self.placeholder or ("optional" if self.optional else "required"))
            # the same dialog asks why a run is aborted, a step skipped, a run started outside
            # its window, or takes a note: Enter confirms each, it does not just "save"
            yield Label("Enter to confirm · Escape to cancel", classes="hint")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if text or self.optional:
            self.dismiss(text)
        else:
            self.notify("a reason is required", severity="warning")

    def action_cancel(self) -> None:
        self.dismiss(None)
