"""The screen chooser: which of the site's screen files of one kind (triage, recovery) to use
when there are several. Arrows and Enter pick one; Escape cancels."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from maintui.tui import keys
from maintui.tui.dialogs.incident import DIALOG_CSS
from maintui.tui.dialogs.pick import PickDialog
from maintui.tui.widgets.keybar import KeyBar

TEXT_WIDTH = 64  # the dialog's 72 columns less its border, padding and the list's own


class ScreenChooserDialog(PickDialog):
    """A list of screen files (name and title); dismissed with the name picked, or None."""

    DEFAULT_CSS = DIALOG_CSS.format(name="ScreenChooserDialog") + """
    ScreenChooserDialog OptionList { height: auto; max-height: 12; }
    """
    BINDINGS = keys.for_screen("dialog")

    def __init__(self, title: str, screens: list[tuple[str, str]], hint: str) -> None:
        super().__init__()
        self.heading, self.screens, self.hint = title, screens, hint  # (name, title)

    def compose(self) -> ComposeResult:
        width = max(len(name) for name, _ in self.screens) + 2
        room = max(10, TEXT_WIDTH - width)  # one line per screen: a long title is cut
        with Vertical():
            yield Label(Content(self.heading), classes="dialog--title")
            yield OptionList(*(Option(Content.assemble(
                (f"{name:<{width}}", "bold"), title if len(title) <= room
                else title[: room - 1] + "…"), id=name) for name, title in self.screens))
            yield Label(Content(self.hint), classes="hint")
        yield KeyBar()
