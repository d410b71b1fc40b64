"""Dialogs with a text field and more after it, under keys sent in one burst (a laggy link,
pasted keys): Tab moves the focus before the next key is handled, as when typed slowly."""

from __future__ import annotations

from textual import events
from textual.app import App
from textual.screen import ModalScreen
from textual.widgets import Input

from maintui.core.run.stepview import StepView
from maintui.tui.dialogs.confirm import ConfirmDialog
from maintui.tui.dialogs.rollback import RollbackDialog
from maintui.tui.dialogs.text import ReasonDialog


class Host(App[None]):
    def __init__(self, dialog: ModalScreen) -> None:
        super().__init__()
        self.dialog = dialog

    def on_mount(self) -> None:
        self.push_screen(self.dialog)


def burst(app: App, *keys: str) -> None:
    """The keys queued at once: none waits for the one before it to be handled."""
    for key in keys:
        app.post_message(events.Key(key, key if len(key) == 1 else None))


def value(app: App, field: str) -> str:
    return app.screen.query_one(f"#{field}", Input).value


async def test_the_next_field_gets_what_is_typed_right_after_tab():
    """The step id, Tab, the approver's name: in a burst the name's first letters went into
    the step id field, so neither answer was what was typed."""
    view = StepView("vacuum", "Compact", "critical", command="sqlite3 app.db VACUUM",
                    approver=True)
    app = Host(ConfirmDialog(view))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"vacuum")
        burst(app, "tab", *"alice")
        await pilot.pause()
        assert (value(app, "typed"), value(app, "approver")) == ("vacuum", "alice")


async def test_a_dialog_key_right_after_tab_off_the_last_field_is_the_dialogs():
    """Tab from the typed id to the buttons, then `s` (skip): the skip's reason dialog opens;
    in a burst `s` was typed into the id instead."""
    view = StepView("drop-cache", "Drop the page cache", "critical", command="sync")
    app = Host(ConfirmDialog(view))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"drop")
        burst(app, "tab", "s")
        await pilot.pause()
        assert isinstance(app.screen, ReasonDialog)
        assert app.screen_stack[-2].query_one("#typed", Input).value == "drop"


async def test_the_rollback_reason_keeps_what_was_typed_before_tab():
    app = Host(RollbackDialog(7, "failed", [("vacuum", "restore app.db")]))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"disk full")
        burst(app, "tab", "x")  # on the Cancel button: x does nothing
        await pilot.pause()
        assert value(app, "reason") == "disk full"
