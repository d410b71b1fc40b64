"""A modal list to pick one entry from: what the screen chooser and the quick actions share."""

from __future__ import annotations

from textual import on
from textual.screen import ModalScreen
from textual.widgets import OptionList


class PickDialog(ModalScreen["str | None"]):
    """Its OptionList has the focus; Enter dismisses with the option's id, Escape with None.
    A subclass composes the list (and says what the ids are)."""

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
