"""The palette's maintenance toggle (issue 14 item 3): one command per action, offered by the
current state, run as a partial run that Home does not take for the screen's run; outside
the screen's window it asks why, as any run started there."""

from __future__ import annotations

import time

from maintui.core.site.listing import ScreenEntry, StepEntry
from maintui.tui.commands import MaintuiCommands, pick_maintenance
from maintui.tui.dialogs.confirm import ConfirmDialog
from maintui.tui.dialogs.text import ReasonDialog
from maintui.tui.screens.home import HomeScreen
from maintui.tui.screens.session import SessionScreen
from tests.cli.test_partial_runs import MONTHLY as PARTIAL_MONTHLY
from tests.conftest import stop_live_runners
from tests.core.helpers import rows
from tests.ui.conftest import settle
from tests.ui.screens.test_session import until

OUTSIDE = "Mon-Sun 00:00-00:01"  # a minute a day: outside it nearly always
# the CLI test's monthly screen (notice, maintenance on, maintenance off), with a window
MONTHLY = PARTIAL_MONTHLY.replace('schedule = "monthly"',
                                  f'schedule = "monthly"\nwindow = "{OUTSIDE}"')


def maintenance_commands(app) -> dict:
    return {c.text: c for c in MaintuiCommands(app.screen).commands()
            if c.text.startswith("Maintenance mode")}


def monthly(app):
    return next(s for s in app.board.screens if s.name == "monthly")


async def test_the_toggle_runs_one_step_as_a_partial_run_home_does_not_count(build, ui_site):
    now = time.localtime()
    if now.tm_hour == 0 and now.tm_min == 0:
        return  # inside the one-minute window: no reason asked (nothing to pin)
    ui_site.screen("monthly", MONTHLY)
    done = ui_site.run("run", "monthly", "--yes", "--outside-window", "--reason", "test")
    assert done.returncode == 0, done.stderr
    app = build(store=None)  # the site's real run log
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(app, pilot=pilot)
            before = monthly(app)
            assert before.last.id == 1 and before.due.state == "ok"
            offered = maintenance_commands(app)
            assert list(offered) == ["Maintenance mode on (monthly: maintenance-on)"]
            command = offered["Maintenance mode on (monthly: maintenance-on)"]
            assert command.help.startswith('runs maintenance-on of monthly alone ("Monthly '
                                           'maintenance"), not a whole monthly run')
            command.run()
            # outside the window the reason is asked first, as for any run started there
            await until(pilot, lambda: isinstance(app.screen, ReasonDialog))
            await pilot.press(*"users report errors", "enter")
            await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
            await pilot.press("y")
            await until(pilot, lambda: isinstance(app.screen, SessionScreen)
                        and app.screen.run_state == "succeeded")
            session = app.screen
            await until(pilot, lambda: "run 2 · maintenance-on only · succeeded"
                        in str(session.query_one("#session-head").render()))
            assert "flagged" not in str(session.query_one("#session-head").render())

            await pilot.press("h")
            await until(pilot, lambda: isinstance(app.screen, HomeScreen))
            await settle(app, pilot=pilot)
            after = monthly(app)
            assert after.last.id == 1 and after.due == before.due  # still run 1's "in 30d"
            assert app.board.runs[0].id == 2 and app.board.runs[0].scope == "maintenance-on only"
            # while it is on, only the way off is offered
            assert list(maintenance_commands(app)) == [
                "Maintenance mode off (monthly: maintenance-off)"]
            app.open_run(2)  # the run's own page says what it ran
            await until(pilot, lambda: "(monthly) · maintenance-on only" in str(
                app.screen.query_one("#run-header").render()) if app.screen.query(
                "#run-header") else False)
    finally:
        stop_live_runners(ui_site.db)
    assert rows(ui_site.db, "SELECT id, state, selection FROM runs ORDER BY id") == [
        (1, "succeeded", None), (2, "succeeded", '["maintenance-on"]')]
    started = rows(ui_site.db, "SELECT data FROM events WHERE run_id = 2 AND kind = 'session'")
    assert '"outside_window": "users report errors"' in started[0][0]


def _entry(name: str, *, kind: str = "session", schedule: str | None = None,
           window: str | None = None) -> ScreenEntry:
    step = StepEntry("maintenance-on", "On", "normal", (), "maintenance.mode", {"state": "on"})
    return ScreenEntry(name, name.title(), kind, schedule, (step,), window)


def test_the_toggle_runs_the_step_of_a_screen_without_a_window_then_triage():
    monthly = _entry("monthly", schedule="monthly", window="Sun 00:00-04:00")
    update, triage = _entry("update"), _entry("triage", kind="triage")
    recovery = _entry("recovery", kind="recovery")
    found = [(s, s.steps[0]) for s in (monthly, recovery, triage, update)]
    assert pick_maintenance(found)[0] is triage
    assert pick_maintenance(found[:2] + found[3:])[0] is recovery  # by name, then
    assert pick_maintenance(found[:1])[0] is monthly  # the only one, window and all
