"""A guided session through the console: the runner is a real detached process."""

from __future__ import annotations

import os
import time

from textual.app import App

from maintui.core.site.config import load_config
from maintui.tui.dialogs.confirm import ChecklistDialog, ConfirmDialog
from maintui.tui.dialogs.text import ReasonDialog
from maintui.tui.screens.session import SessionScreen
from maintui.tui.widgets.steps import StepQueue
from tests.core.helpers import rows, step_states

SESSION = """
title = "Monthly"
[[steps]]
id = "look"
title = "Look around"
run = "echo looking"
risk = "safe"
[[steps]]
id = "change"
title = "Make a change"
run = "echo changed > ${paths.work}/changed"
rollback = "rm ${paths.work}/changed; echo undone > ${paths.work}/undone"
after = ["look"]
[[steps]]
id = "optional"
title = "Optional tidy-up"
run = "echo tidy"
after = ["change"]
[[steps]]
id = "wipe"
title = "Wipe the cache"
run = "echo wiping; exit 5"
risk = "destructive"
after = ["optional"]
on_failure = "rollback"
"""


class Harness(App):
    def __init__(self, config, name: str) -> None:
        super().__init__()
        self.config, self.name_ = config, name

    def on_mount(self) -> None:
        self.push_screen(SessionScreen(self.config, self.name_))


async def until(pilot, predicate, timeout: float = 15.0) -> None:
    for _ in range(int(timeout / 0.1)):
        if predicate():
            return
        await pilot.pause(0.1)
    raise AssertionError("condition not reached in the console")


def dialog(app):
    """The session's dialog on top, once composed (a pushed dialog has no buttons yet)."""
    screen = app.screen
    kinds = ConfirmDialog | ChecklistDialog | ReasonDialog
    return screen if isinstance(screen, kinds) and screen.is_mounted else None


async def test_guided_session_confirm_skip_failure_and_rollback(site):
    site.screen("monthly", SESSION)
    app = Harness(load_config(site.config), "monthly")
    async with app.run_test(size=(80, 24)) as pilot:
        session = app.screen
        assert isinstance(session, SessionScreen)
        await pilot.press("r")  # start: `look` is safe and runs without asking
        await until(pilot, lambda: isinstance(dialog(app), ConfirmDialog))
        assert app.screen.view.step_id == "change"
        await pilot.press("y")  # normal risk: one key
        await until(pilot, lambda: isinstance(dialog(app), ConfirmDialog)
                    and app.screen.view.step_id == "optional")
        await pilot.press("s")  # skip, with a reason
        await until(pilot, lambda: isinstance(dialog(app), ReasonDialog))
        await pilot.press(*"not needed this month", "enter")
        await until(pilot, lambda: isinstance(dialog(app), ConfirmDialog)
                    and app.screen.view.step_id == "wipe")
        confirm = app.screen
        await pilot.press("y")  # a bare key does not confirm a destructive step
        await pilot.pause(0.3)
        assert app.screen is confirm
        assert app.focused is not None and app.focused.id == "cancel"
        await pilot.press("tab", "enter")  # Cancel → Run
        await until(pilot, lambda: session.run_state == "rolled_back")
        await pilot.pause(0.3)
    db = site.db
    assert step_states(db) == {"look": "rolled_back", "change": "rolled_back",
                               "optional": "skipped", "wipe": "failed"}
    assert (site.root / "work" / "undone").exists() and not (site.root / "work" / "changed").exists()
    assert ("skip", "optional", "not needed this month") in rows(
        db, "SELECT kind, step_id, reason FROM decisions")


async def test_a_second_console_on_the_same_run_watches_read_only(site):
    site.screen("monthly", SESSION)
    config = load_config(site.config)
    first = Harness(config, "monthly")
    async with first.run_test(size=(80, 24)) as pilot:
        await pilot.press("r")
        await until(pilot, lambda: isinstance(dialog(first), ConfirmDialog))
        from maintui.core.run.attach import Identity

        second = SessionScreen(config, "monthly")
        other = Identity("bob", "elsewhere", 1, "")
        import maintui.tui.screens.session as session_mod

        original = session_mod.Attachment

        class AsBob(original):
            def __init__(self, log, run_id, me=None):
                super().__init__(log, run_id, other)

        session_mod.Attachment = AsBob
        try:
            await first.push_screen(second)
            await until(pilot, lambda: second.run_id is not None and second.run_state != "")
        finally:
            session_mod.Attachment = original
        assert not second.driving
        me = Identity.here()
        assert second.driver_text == f"driven by {me.user}@{me.host} (pid {me.pid})"
        assert second.check_action("abort", ()) is None
        await first.pop_screen()


BLOCKED = """
title = "Blocked"
[[steps]]
id = "needs-room"
title = "Needs more disk than exists"
run = "echo ran > ${paths.work}/ran"
requires = { disk_free = "900T", disk_path = "${paths.work}" }
"""


async def test_a_blocked_precondition_waits_in_the_console_and_can_be_skipped(site):
    site.screen("blocked", BLOCKED)
    app = Harness(load_config(site.config), "blocked")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("r")
        await until(pilot, lambda: isinstance(dialog(app), ConfirmDialog))
        await pilot.press("enter")  # normal risk: Run is focused
        await until(pilot, lambda: isinstance(dialog(app), ConfirmDialog)
                    and app.screen.view.blocked)
        shown = str(app.screen.query_one("#requires").render())
        assert "✗ free on" in shown and "needs 900.0T" in shown
        await pilot.press("s")
        await until(pilot, lambda: isinstance(dialog(app), ReasonDialog))
        await pilot.press(*"no room this week", "enter")
        await until(pilot, lambda: app.screen.run_state == "succeeded")
    assert step_states(site.db) == {"needs-room": "skipped"}
    assert not (site.root / "work" / "ran").exists()


# one step, and a window of a minute a day: outside it nearly always
WINDOWED = """
title = "Windowed"
window = "Mon-Sun 00:00-00:01"
[[steps]]
id = "a"
title = "A"
run = "true"
risk = "safe"
"""


async def test_starting_outside_the_window_asks_why_and_records_it(site):
    site.screen("windowed", WINDOWED)
    import time as _t

    if _t.localtime().tm_hour == 0 and _t.localtime().tm_min == 0:
        return  # inside the one-minute window: nothing to ask (and nothing to pin)
    app = Harness(load_config(site.config), "windowed")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("r")
        await until(pilot, lambda: isinstance(dialog(app), ReasonDialog))
        await pilot.press(*"disk nearly full", "enter")
        await until(pilot, lambda: app.screen.run_state == "succeeded")
    import json

    events = rows(site.db, "SELECT data FROM events WHERE kind = 'session'")
    start = json.loads(events[0][0])
    assert start["outside_window"] == "disk nearly full"
    report = next((site.root / "state" / "reports").glob("windowed-1-*.md")).read_text()
    assert "Started outside the window:** disk nearly full" in report


async def test_quitting_while_driving_a_run_asks_first_and_the_run_goes_on(site):
    from maintui.tui.app import make_app
    from maintui.tui.dialogs.quit import QuitDialog

    site.screen("monthly", SESSION)
    app = make_app(load_config(site.config))
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: any(s.name == "monthly" for s in app.poller.catalog.screens))
        app.action_open_screen("monthly")
        await until(pilot, lambda: isinstance(app.screen, SessionScreen))
        await pilot.press("r")
        await until(pilot, lambda: isinstance(dialog(app), ConfirmDialog))
        await pilot.press("escape")  # leave the gate open
        await pilot.press("ctrl+q")
        await until(pilot, lambda: isinstance(app.screen, QuitDialog))
        assert app.screen.runs == [1]
        await pilot.press("escape")  # stay
        assert not isinstance(app.screen, QuitDialog) and app.is_running
    assert rows(site.db, "SELECT state FROM runs") == [("waiting",)]


async def test_an_interrupted_run_is_offered_for_resume_and_marked_done(site):

    from maintui.core.run.launch import spawn_runner
    from maintui.tui.dialogs.confirm import InterruptedDialog
    from tests.core.helpers import kill_runner_mid_step

    site.screen("slow", """
title = "Slow"
[[steps]]
id = "long"
title = "Long step"
run = "for i in 1 2 3 4 5 6 7 8 9 10; do echo tick-$i; sleep 0.3; done"
risk = "safe"
verify = "true"
[[steps]]
id = "next"
title = "Next"
run = "echo next"
risk = "safe"
""")
    run_id = spawn_runner(site.config, "slow")
    kill_runner_mid_step(site.db, run_id)  # the runner dies mid-step
    app = Harness(load_config(site.config), "slow")
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, InterruptedDialog))
        assert app.screen.step_id == "long" and app.screen.has_verify
        await pilot.press("d")
        await until(pilot, lambda: getattr(app.screen, "run_state", "") == "succeeded")
    assert step_states(site.db, run_id) == {"long": "succeeded", "next": "succeeded"}
    assert rows(site.db, "SELECT reason FROM steps WHERE step_id = 'long'") == [
        ("marked done by the operator after an interruption",)]


async def test_a_step_running_past_its_usual_p95_asks_the_operator(site):
    from maintui.tui.dialogs.confirm import OverrunDialog

    site.screen("usual", """
title = "Usual"
[[steps]]
id = "work"
title = "Usually quick"
run = "test -e ${paths.work}/slow && sleep 3; echo done"
risk = "safe"
""")
    for _ in range(3):  # three quick runs make its history
        assert site.run("run", "usual", "--yes", "--quiet").returncode == 0
    (site.root / "work" / "slow").touch()
    app = Harness(load_config(site.config), "usual")
    async with app.run_test(size=(80, 24)) as pilot:
        session = app.screen
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, OverrunDialog))
        assert "usually takes" in app.screen.text
        await pilot.press("e")  # extend: do not ask again for this step
        await until(pilot, lambda: session.run_state == "succeeded")
        assert not isinstance(app.screen, OverrunDialog)


async def test_manual_items_take_done_with_a_note_or_not_done_with_a_reason(site):
    site.screen("checklist", """
title = "Checklist"
[[steps]]
id = "alerts"
title = "Review alerts"
manual = true
[[steps]]
id = "certs"
title = "Check certificates by hand"
manual = true
""")
    app = Harness(load_config(site.config), "checklist")
    async with app.run_test(size=(80, 24)) as pilot:
        session = app.screen
        await pilot.press("r")
        await until(pilot, lambda: isinstance(dialog(app), ChecklistDialog)
                    and app.screen.view.step_id == "alerts")
        await pilot.press(*"all reviewed with Sam", "enter")  # Enter in the note: done
        await until(pilot, lambda: isinstance(dialog(app), ChecklistDialog)
                    and app.screen.view.step_id == "certs"
                    and app.screen.query("#not_done"))  # composed, not only pushed
        await pilot.click("#not_done")  # without a note it is refused
        await pilot.pause(0.2)
        assert isinstance(dialog(app), ChecklistDialog)
        await pilot.press(*"the vault was down")
        await pilot.click("#not_done")
        await until(pilot, lambda: session.run_state == "succeeded")
    assert rows(site.db, "SELECT step_id, state, reason FROM steps ORDER BY position") == [
        ("alerts", "succeeded", "all reviewed with Sam"),
        ("certs", "not_done", "the vault was down")]  # issue 10 item 14: not done, not skipped


async def test_a_normal_gate_shows_the_plan_and_steps_passed_with_warnings_are_flagged(site):
    old = site.root / "work" / "old.tmp"
    old.parent.mkdir(exist_ok=True)
    old.write_text("stale")
    os.utime(old, (time.time() - 10 * 86400,) * 2)
    site.screen("tidy", """
title = "Tidy"
[[steps]]
id = "tidy"
title = "Move old temp files aside"
action = "files.cleanup"
with = { dir = "${paths.work}", trash = "${paths.work}/../trash", older_than_days = 1 }
[[steps]]
id = "maintenance"
title = "Enter maintenance mode"
action = "maintenance.mode"
with = { state = "on", message = "testing" }
risk = "safe"
after = ["tidy"]
[[steps]]
id = "status"
title = "Maintenance mode status"
action = "maintenance.mode"
with = { state = "status" }
risk = "safe"
after = ["maintenance"]
""")
    app = Harness(load_config(site.config), "tidy")
    async with app.run_test(size=(80, 24)) as pilot:
        session = app.screen
        await pilot.press("r")
        await until(pilot, lambda: isinstance(dialog(app), ConfirmDialog))
        gate = app.screen.view
        assert gate.risk == "normal"
        assert any("old.tmp" in line for line in gate.plan), gate.plan
        await pilot.press("y")
        await until(pilot, lambda: session.run_state == "succeeded")
        queue = session.query_one(StepQueue)
        # the check that finds maintenance mode ON flags it; the step that turned it on, as
        # the operator confirmed, is not flagged for doing so
        await until(pilot, lambda: queue.levels == {"status": "warning"})
        assert str(queue.get_cell("status", "icon")) == "!"
        assert str(queue.get_cell("maintenance", "icon")) == "✓"
        assert str(queue.get_cell("tidy", "icon")) == "✓"
        assert "1 flagged" in str(session.query_one("#session-head").render())


async def test_after_each_dialog_closes_the_step_list_has_focus_and_the_detail_shows_the_gate(site):
    """Issue 14 item 2: a gate, a note and the abort question each hand focus
    back to the step list (an arrow works at once), and the detail pane follows the step
    waiting at the gate, wherever the cursor was."""
    from maintui.tui.widgets.steps import StepDetail

    site.screen("monthly", SESSION)
    app = Harness(load_config(site.config), "monthly")
    async with app.run_test(size=(80, 24)) as pilot:
        session = app.screen
        queue, detail = session.query_one(StepQueue), session.query_one(StepDetail)
        await pilot.press("end")  # the cursor away from the step that will wait
        await pilot.press("r")
        await until(pilot, lambda: isinstance(dialog(app), ConfirmDialog))
        assert app.screen.view.step_id == "change"
        assert "Make a change" in str(detail.render())  # the pane follows the gate
        await pilot.press("escape")  # leave the gate open, the step still waiting
        await until(pilot, lambda: app.screen is session)
        assert app.focused is queue and queue.cursor_key == "change"
        for key in ("n", "a"):  # a note, then the abort question: each closed with escape
            await pilot.press(key)
            await until(pilot, lambda: app.screen is not session)
            await pilot.press("escape")
            await until(pilot, lambda: app.screen is session)
            assert app.focused is queue, key
        await pilot.press("down")  # arrows work at once
        assert queue.cursor_key == "optional" and "Optional tidy-up" in str(detail.render())
