"""ReasonDialog: one line of text (a reason, a note), required unless optional."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from maintui.tui import keys
from maintui.tui.dialogs.fields import settled
from maintui.tui.widgets.field import Field
from maintui.tui.widgets.field_problem import FieldProblem
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

    def __init__(self, title: str, optional: bool = False, placeholder: str = "",
                 missing: str = "a reason is required: type why, then Enter") -> None:
        super().__init__()
        self.title_text = title
        self.optional = optional
        self.placeholder = placeholder
        self.missing = missing  # what an empty Enter is told (a note is no reason)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Content(self.title_text))
            yield Field(placeholder=self.placeholder or ("optional" if self.optional else "required"))
            yield FieldProblem()  # what is wrong with the answer, said here (a toast outlives us)
            # the same dialog asks why a run is aborted, a step skipped, a run started outside
            # its window, or takes a note: Enter confirms each, it does not just "save"
            yield Label("Enter to confirm · Escape: not now, nothing changes", classes="hint")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)  # Enter remapped away in [keys]
    def _submitted(self, event: Input.Submitted) -> None:
        self._answer(event.value)  # as it was at Enter, not with the keys behind it

    async def action_submit(self) -> None:
        """Enter (keys.SUBMIT, as it arrives): the text, when given or optional."""
        await settled(self.focused)
        self._answer(self.query_one(Input).value)

    def _answer(self, text: str) -> None:
        text = text.strip()
        if text or self.optional:
            self.dismiss(text)
        else:
            self.query_one(FieldProblem).say(self.missing)

    @on(Input.Changed)
    def _typing(self) -> None:
        self.query_one(FieldProblem).clear()

    def key_description(self, action: str) -> str | None:
        return "Confirm" if action == "submit" else None  # Enter in the field (keys.SUBMIT)

    def action_cancel(self) -> None:
        self.dismiss(None)
