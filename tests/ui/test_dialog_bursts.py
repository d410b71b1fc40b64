"""Dialogs with a text field and more after it, under keys sent in one burst (a laggy link,
pasted keys): Tab and Enter move the focus (or close the dialog) before the next key is
handled, as when typed slowly."""

from __future__ import annotations

import pytest
from textual import events
from textual.app import App
from textual.screen import ModalScreen, Screen
from textual.widgets import Input

from maintui.core.run.stepview import StepView
from maintui.core.site.config import load_config
from maintui.tui.dialogs.confirm import ChecklistDialog, ConfirmDialog
from maintui.tui.dialogs.incident import CloseIncidentDialog, OpenIncidentDialog
from maintui.tui.dialogs.rollback import RollbackDialog
from maintui.tui.dialogs.text import ReasonDialog
from tests.core.helpers import rows
from tests.ui.screens.test_session import Harness, dialog, until


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


async def test_the_next_field_gets_what_is_typed_right_after_enter():
    """The step id, Enter, the approver's name in one burst: Enter moves on as the key arrives,
    so the name lands in the approver's field, not behind the id."""
    view = StepView("vacuum", "Compact", "critical", command="sqlite3 app.db VACUUM",
                    approver=True, ticket=True)
    app = Host(ConfirmDialog(view))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"vacuum")
        burst(app, "enter", *"alice", "enter", *"CHG-7")
        await pilot.pause()
        assert [value(app, f) for f in ("typed", "approver", "ticket")] == [
            "vacuum", "alice", "CHG-7"]


class Beneath(Screen[None]):
    """The screen a dialog opens over: it keeps the keys it gets."""

    def __init__(self) -> None:
        super().__init__()
        self.got: list[str] = []

    def on_key(self, event: events.Key) -> None:
        self.got.append(event.key)


class Over(App[None]):
    """A dialog over a screen; `results` has what each dialog closed with."""

    def __init__(self, dialog: ModalScreen) -> None:
        super().__init__()
        self.dialog, self.beneath, self.results = dialog, Beneath(), []

    def on_mount(self) -> None:
        self.push_screen(self.beneath)
        self.push_screen(self.dialog, self.results.append)


@pytest.mark.parametrize("make", [
    lambda: ReasonDialog("Skip fix: why?"),
    lambda: CloseIncidentDialog("INC-1", "API answers 502"),
    lambda: RollbackDialog(7, "failed", [("vacuum", "restore app.db")]),
    lambda: ChecklistDialog(StepView("look", "Look at the graphs", "safe", manual=True)),
    lambda: ConfirmDialog(StepView("vacuum", "Compact", "critical", command="VACUUM")),
    lambda: OpenIncidentDialog(),
], ids=["reason", "close_incident", "rollback", "checklist", "confirm", "open_incident"])
async def test_keys_right_after_the_enter_that_closes_a_dialog_go_to_the_screen_beneath(make):
    """The last field, Enter, more keys in one burst: the dialog closes with what was typed
    and the keys after it reach the screen beneath, as when typed slowly (not a closed field)."""
    dialog = make()
    app = Over(dialog)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()  # the dialog has focused its field
        text = "vacuum" if isinstance(dialog, ConfirmDialog) else "disk full"
        burst(app, *text, "enter", "x", "y")
        await pilot.pause()
        assert app.screen is app.beneath and app.beneath.got == ["x", "y"]
        assert len(app.results) == 1 and app.results[0] is not None


GATED = """
title = "Gated"
[[steps]]
id = "wipe"
title = "Wipe the cache"
run = "sleep 1; echo wiped > ${paths.work}/wiped"
risk = "critical"
[[steps]]
id = "tidy"
title = "Tidy up"
run = "echo tidy"
risk = "safe"
after = ["wipe"]
"""


async def test_r_right_behind_the_enter_that_confirms_does_not_ask_the_same_gate_again(site):
    """The step id, Enter, `r` in one burst: Enter confirms and closes the dialog, `r` reaches
    the session before its poll saw the answer; it must not put the answered gate up again
    (a second confirmation of a step already confirmed)."""
    site.screen("gated", GATED)
    app = Harness(load_config(site.config), "gated")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("r")
        await until(pilot, lambda: isinstance(dialog(app), ConfirmDialog))
        session = app.screen_stack[-2]
        await pilot.pause()
        burst(app, *"wipe", "enter", "r")
        await pilot.pause(0.3)
        assert not isinstance(dialog(app), ConfirmDialog)
        await until(pilot, lambda: session.run_state == "succeeded", timeout=40)
    assert rows(site.db, "SELECT kind, step_id FROM decisions") == [("confirm", "wipe")]
    assert (site.root / "work" / "wiped").exists()


async def test_y_right_behind_the_enter_that_gives_a_skips_reason_does_not_run_the_step():
    """`s`, the reason, Enter, `y` in one burst on a normal gate: Enter closes the reason and
    then the gate with the skip; the `y` behind it must not confirm the step the reason skips
    (the gate is on top again between the two)."""
    app = Over(ConfirmDialog(StepView("vacuum", "Compact", "normal", command="VACUUM")))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("s")
        await until(pilot, lambda: isinstance(app.screen, ReasonDialog))
        burst(app, *"disk full", "enter", "y")
        await pilot.pause(0.2)
        assert app.screen is app.beneath
        assert [(c.kind, c.reason) for c in app.results] == [("skip", "disk full")]


async def test_a_backspace_right_before_enter_is_applied_before_enter_reads_the_field():
    """A typo mended in the burst: the field's own keys (Backspace, arrows) apply in order with
    the letters, before the Enter behind them reads the field (the app would run them last)."""
    view = StepView("vacuum", "Compact", "critical", command="VACUUM", approver=True)
    app = Host(ConfirmDialog(view))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        burst(app, *"vacuumx", "backspace", "enter", *"alixe", "backspace", "backspace",
              *"ce", "left", "left", "delete", "end")
        await pilot.pause()
        assert (value(app, "typed"), value(app, "approver")) == ("vacuum", "alie")
    app = Over(ReasonDialog("Skip fix: why?"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        burst(app, *"disk fullx", "backspace", "enter")
        await pilot.pause()
        assert app.results == ["disk full"]
