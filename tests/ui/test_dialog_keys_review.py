"""A dialog's key line says what Enter and Tab do where the focus is, and what is wrong with an
answer is said inside the dialog, under its field: not in a toast that outlives the dialog and
lies over the next one's buttons (an operator review at 80x24)."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from maintui.tui.widgets.field_problem import FieldProblem
from tests.ui.test_snapshots_dialogs import DIALOGS, DialogApp, footer_text, settle

FIELDS = ["confirm-critical", "checklist", "rollback", "reason", "open-incident",
          "close-incident"]


async def test_a_destructive_gate_says_tab_reaches_run_and_what_enter_presses():
    app = DialogApp(DIALOGS["confirm-destructive"]())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert footer_text(app) == "esc Not now ⏎ Not now tab to Run s Skip"
        await pilot.press("tab")
        await settle(pilot)
        assert footer_text(app).startswith("esc Not now ⏎ Run ")


@pytest.mark.parametrize("name", FIELDS)
async def test_every_dialog_with_a_text_field_says_what_enter_does_in_it(name):
    app = DialogApp(DIALOGS[name]())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.focused, Input)
        shown = footer_text(app)
        assert "⏎ " in shown and "⏎ Submit" not in shown, shown


async def test_a_wrong_word_at_a_critical_gate_is_said_in_the_dialog():
    app = DialogApp(DIALOGS["confirm-critical"]())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        dialog = app.screen
        await pilot.press(*"drop-cach", "enter")
        await pilot.pause()
        assert app.screen is dialog  # not run
        problem = dialog.query_one(FieldProblem)
        assert problem.text == "type drop-cache exactly (you typed drop-cach)"
        assert problem.region.height == 1 and dialog.region.contains_region(problem.region)
        assert not app._notifications
        await pilot.press("e")  # typing again: the stale problem goes
        await pilot.pause()
        assert problem.text == "" and not problem.display
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is not dialog  # the right word runs it


@pytest.mark.parametrize(("name", "keys", "said"), [
    ("reason", ["enter"], "a reason is required"),
    ("rollback", ["enter"], "say why the run is rolled back"),
    ("checklist", ["tab", "n"], "not done needs a note"),
    ("open-incident", ["enter"], "an incident needs a title"),
    ("close-incident", ["enter"], "closing needs a summary"),
])
async def test_a_missing_answer_is_said_under_the_field_not_in_a_toast(name, keys, said):
    app = DialogApp(DIALOGS[name]())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        dialog = app.screen
        await pilot.press(*keys)
        await pilot.pause()
        assert app.screen is dialog
        assert dialog.query_one(FieldProblem).text.startswith(said)
        assert not app._notifications  # nothing left to cover the next dialog
