"""The console where an operator decides: the session's detail and confirmation dialog show a
step's class, estimate, tags, impact and class policy; the policy's typed word, approver and
ticket are entered at the gate and recorded with the decision; findings show in the detail."""

from __future__ import annotations

from textual.widgets import Button, Input

from maintui.core.run.stepview import StepView
from maintui.core.site.config import load_config
from maintui.tui.dialogs.confirm import ConfirmDialog
from maintui.tui.widgets.steps import StepDetail, StepQueue
from tests.core.helpers import rows
from tests.ui.screens.test_session import Harness, dialog, until
from tests.ui.test_snapshots_dialogs import DialogApp, settle

SCREEN = """
title = "Change"
[[steps]]
id = "check"
title = "Look first"
risk = "safe"
class = "preventive"
run = '''
echo "::warning title=Index,file=/srv/db/app.db::index bloated 40%"
'''
[[steps]]
id = "fix"
title = "Repair the index"
run = "echo fixed > ${paths.work}/fixed"
class = "corrective"
estimate = "5m"
tags = ["db"]
impact = "the app is read-only while it runs"
after = ["check"]
"""
POLICY = '[classes.corrective]\nfriction = "typed"\nword = "REPAIR"\napprover = true\nticket = true\n'


def _text(widget) -> str:
    return str(widget.render())


async def test_the_gate_asks_for_the_word_the_approver_and_the_ticket_and_records_them(site):
    site.add_config(POLICY)
    site.screen("change", SCREEN)
    app = Harness(load_config(site.config), "change")
    async with app.run_test(size=(80, 24)) as pilot:
        session = app.screen
        detail = session.query_one(StepDetail)
        await pilot.press("r")
        await until(pilot, lambda: isinstance(dialog(app), ConfirmDialog))
        confirm = app.screen
        assert confirm.view.step_id == "fix" and confirm.inputs == ["typed", "approver", "ticket"]
        body = " ".join(_text(s) for s in confirm.query("Static"))
        assert "class corrective" in body and "takes about 5m00s" in body and "tags db" in body
        assert "impact the app is read-only while it runs" in body
        assert "corrective policy: type 'REPAIR', approver, ticket" in body
        assert "policy corrective policy" not in body  # it names itself once
        run = confirm.query_one("#run", Button)
        await pilot.press("y")  # no bare key confirms while something must be entered
        await pilot.press(*"fix", "enter")  # the step id is not this class's word
        await pilot.pause(0.2)
        assert app.screen is confirm and run.disabled
        assert app.focused is confirm.query_one("#typed", Input)
        confirm.query_one("#typed", Input).value = ""
        await pilot.press(*"REPAIR", "enter")  # Enter moves on to what is still needed
        assert app.focused is confirm.query_one("#approver", Input)
        await pilot.press(*"alice", "enter", *"CHG-42")
        await pilot.pause(0.1)
        assert not run.disabled
        await pilot.press("enter")
        await until(pilot, lambda: session.run_state == "succeeded", timeout=40)
        # the first step's finding, worst first, with its file, in the detail pane
        await pilot.press("up")
        await until(pilot, lambda: "index bloated" in _text(detail))
        # wrapped to the pane (a path breaks after a `/`): read as words
        assert "Index: index bloated 40% · file: /srv/db/app.db" in " ".join(_text(detail).split())
    assert rows(site.db, "SELECT kind, reason FROM decisions WHERE step_id = 'fix'") == [
        ("confirm", "approver: alice; ticket: CHG-42")]
    assert (site.root / "work" / "fixed").exists()


async def test_the_detail_pane_shows_class_estimate_tags_and_impact_before_a_run(site):
    site.add_config(POLICY)
    site.screen("change", SCREEN)
    app = Harness(load_config(site.config), "change")
    async with app.run_test(size=(120, 40)) as pilot:
        detail = app.screen.query_one(StepDetail)
        await pilot.press("down")
        await until(pilot, lambda: "Repair the index" in _text(detail)
                    and "corrective" in _text(detail))
        text = _text(detail)
        assert "gate type 'REPAIR' + approver and ticket" in text
        assert "kind corrective · about 5m00s · tags db" in text
        queue = app.screen.query_one(StepQueue)  # the queue: what to expect before it runs
        assert str(queue.get_cell("fix", "took")) == "~5m00s"
        assert str(queue.get_cell("check", "took")) == ""
        assert "impact the app is read-only while it runs" in text
        assert "gate type 'REPAIR' + approver and ticket" in text


async def test_a_critical_steps_typed_id_still_works_and_names_are_optional_without_a_policy():
    app = DialogApp(ConfirmDialog(StepView("drop", "Drop the cache", "critical",
                                           command="echo 3 > /proc/sys/vm/drop_caches")))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        confirm = app.screen
        assert confirm.inputs == ["typed"] and not confirm.query("#approver")
        await pilot.press(*"drop", "enter")
        await pilot.pause(0.1)
        assert app.screen is not confirm


async def test_an_approver_with_a_semicolon_cannot_forge_the_ticket_at_the_gate(site):
    site.add_config(POLICY)
    site.screen("change", SCREEN)
    app = Harness(load_config(site.config), "change")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("r")
        await until(pilot, lambda: isinstance(dialog(app), ConfirmDialog))
        confirm = app.screen
        run = confirm.query_one("#run", Button)
        # the dialog focuses its first field once mounted, and Enter moves on when its
        # Submitted message is handled: type into each field once it has the focus
        await until(pilot, lambda: app.focused is confirm.query_one("#typed", Input))
        await pilot.press(*"REPAIR", "enter")
        await until(pilot, lambda: app.focused is confirm.query_one("#approver", Input))
        await pilot.press(*"bob; ticket: none", "enter")
        await pilot.pause(0.1)
        # the ticket is still empty: the approver's text names none, and Run stays off
        assert app.focused is confirm.query_one("#approver", Input) and run.disabled
        await pilot.press("tab", *"CHG-1", "enter")
        await pilot.pause(0.1)
        assert app.screen is confirm and run.disabled
        assert app.focused is confirm.query_one("#approver", Input)
        confirm.query_one("#approver", Input).value = "bob"
        await pilot.pause(0.1)
        assert not run.disabled
        await pilot.press("escape")
    assert not (site.root / "work" / "fixed").exists()
