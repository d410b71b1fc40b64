"""Incident triage: the triage screen over the demo sandbox, incidents end to end, snapshots."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from maintui.core.clock import FakeClock
from maintui.core.incidents import model as inc
from maintui.core.logs.levels import Level
from maintui.core.logs.tail import Line
from maintui.core.probes.fake import FakeProbe, fake_snapshot
from maintui.core.site.config import load_config
from maintui.core.store.db import RunLog
from maintui.core.store.rows import StepRow
from maintui.demo.sandbox import build_sandbox
from maintui.tui.app import MaintuiApp, make_app
from maintui.tui.dialogs.confirm import ConfirmDialog
from maintui.tui.dialogs.incident import CloseIncidentDialog, OpenIncidentDialog, QuickActionDialog
from maintui.tui.dialogs.text import ReasonDialog
from maintui.tui.models.errors import ErrorFeed
from maintui.tui.screens.incident import IncidentScreen
from maintui.tui.screens.session import SessionScreen
from maintui.tui.screens.triage import TriageScreen
from maintui.tui.widgets import triage as tw
from maintui.tui.widgets.triage import CheckTable, ErrorTable, IncidentBar, failing_checks
from tests.conftest import stop_live_runners
from tests.core.helpers import rows
from tests.ui.conftest import settle
from tests.ui.screens.test_session import until

NOW = 1_717_243_200.0  # 2024-06-01 12:00 UTC: the sandbox, its logs and the clock agree
SIZES = [(80, 24), (120, 40)]
SNAP = {"taken": NOW - 600, "host": "db1", "elapsed": 0.4,
        "resources": {"cpu": {"percent": 97.0, "cores": 4}, "load": [3.9, 2.1, 1.2],
                      "load_per_core": 0.98, "memory": {"percent": 62.0, "used": 5 << 30,
                                                        "total": 8 << 30},
                      "swap": {"percent": 3.0}, "disks": [], "top_cpu": [], "top_memory": [],
                      "top_io": []},
        "logs": {"app": {"path": "logs/app.log", "available": True, "count": 2,
                         "lines": ["ERROR app.http: upstream timed out"] * 2}},
        "listeners": {"available": False, "reason": "access denied"},
        "dmesg": {"available": False, "reason": "dmesg: permission denied"},
        "levels": {"available": True, "items": [{"gauge": "cpu", "value": 97.0,
                                                 "level": "critical"}]}}


@pytest.fixture
def sandbox(tmp_path: Path):
    config = load_config(build_sandbox(tmp_path / "site", now=NOW))
    yield config
    stop_live_runners(config.store_path)


def app_for(config, clock: FakeClock | None = None) -> MaintuiApp:
    return make_app(config, probe=FakeProbe([fake_snapshot()]), clock=clock or FakeClock(NOW))


async def using_log(config, fn):
    """`fn(log)` against the sandbox's run log, on a connection of its own."""
    log = await RunLog.open(config.store_path)
    try:
        return await fn(log)
    finally:
        await log.close()


def with_log(config, fn):
    """`using_log` outside any event loop (the snapshot tests)."""
    return asyncio.run(using_log(config, fn))


async def seed_checks(log) -> None:
    """Run 1: a finished check run with one failed check and one warning; run 2: a failed daily."""
    async def go(db):
        await db.execute("INSERT INTO runs(id, screen, title, state, started, ended, user, host) "
                         "VALUES (1, 'triage', 'Incident triage', 'failed', ?, ?, 'ops', 'db1'), "
                         "(2, 'daily', 'Daily', 'failed', ?, ?, 'cron', 'db1')",
                         (NOW - 300, NOW - 290, NOW - 5000, NOW - 4900))
        for pos, (step, state) in enumerate((("resources", "succeeded"), ("health", "failed"),
                                             ("recent-errors", "succeeded"))):
            await db.execute("INSERT INTO steps(run_id, step_id, position, title, kind, risk, "
                             "state) VALUES (1, ?, ?, ?, 'action', 'safe', ?)",
                             (step, pos, step, state))
        await db.executemany("INSERT INTO findings(run_id, step_id, status, summary, ts) "
                             "VALUES (1, ?, ?, ?, ?)", [
                                 ("resources", "ok", "cpu 23%", NOW - 299),
                                 ("health", "critical", "http://localhost:8000/health: "
                                  "connection refused", NOW - 295),
                                 ("recent-errors", "warning", "app: 54 errors in the last 1 h",
                                  NOW - 292)])
    await log.write(go)


def stub_checks(monkeypatch) -> list[list[str]]:
    """The checks never really run: every spawn returns the seeded check run (run 1)."""
    calls: list[list[str]] = []

    def spawn(config_path, screen, extra=None, timeout=20.0):
        calls.append([screen, *(extra or [])])
        return 1

    monkeypatch.setattr("maintui.tui.screens.triage.spawn_runner", spawn)
    return calls


async def open_triage(pilot) -> TriageScreen:
    """`t`, then one deterministic poll, and the first refresh of the incident and checks."""
    await pilot.press("t")
    await until(pilot, lambda: isinstance(pilot.app.screen, TriageScreen))
    screen = pilot.app.screen
    await settle(pilot.app, polls=3, pilot=pilot)
    await until(pilot, lambda: screen.query_one(ErrorTable).row_count > 0
                and "run 1" in str(screen.query_one(CheckTable).border_subtitle))
    return screen


# -- pure parts ---------------------------------------------------------------------------------

def test_error_lines_that_differ_only_in_numbers_group_together_newest_first(tmp_path):
    log = tmp_path / "app.log"
    log.write_text("2024-06-01 10:00:00 ERROR app: order 17 failed for 'alice'\n"
                   "2024-06-01 10:01:00 INFO app: fine\n"
                   "2024-06-01 10:02:00 ERROR app: order 932 failed for 'bob'\n"
                   "2024-06-01 10:03:00 ERROR db: disk full\n")
    feed = ErrorFeed({"app": log})
    try:
        groups = feed.refresh()
        assert [(g.pattern, g.count, g.newest) for g in groups] == [
            ("disk full", 1, "2024-06-01 10:03"),
            ("order <*> failed for <*>", 2, "2024-06-01 10:02")]
        with log.open("a") as fh:  # followed after the first read: new lines count too
            fh.write("2024-06-01 10:04:00 ERROR app: order 5 failed for 'carol'\n")
        assert feed.refresh()[0] == groups[1].__class__("app", "order <*> failed for <*>", 3,
                                                        "2024-06-01 10:04")
    finally:
        feed.close()


def test_a_traceback_counts_once_by_its_exception_line(tmp_path):
    log = tmp_path / "app.log"
    log.write_text("Traceback (most recent call last):\n  File \"x.py\", line 3, in f\n"
                   "    boom()\nKeyError: 'order'\n")
    feed = ErrorFeed({"app": log})
    try:
        assert [(g.pattern, g.count) for g in feed.refresh()] == [("KeyError", 1)]
    finally:
        feed.close()


def test_failing_checks_are_findings_not_ok_and_failed_steps_without_findings():
    steps = [StepRow(1, "health", 0, "Health", "action", "safe", "failed"),
             StepRow(1, "db", 1, "DB check", "action", "safe", "timed_out", reason="timed out")]
    findings = [{"step_id": "health", "status": "critical", "summary": "refused"},
                {"step_id": "disk", "status": "ok", "summary": "fine"}]
    assert [(c.step_id, c.status, c.summary) for c in failing_checks(steps, findings)] == [
        ("health", "critical", "refused"), ("db", "timed_out", "timed out")]


def test_is_error_ignores_warnings():
    from maintui.tui.models.errors import is_error

    assert not is_error(Line("app", 0, "WARNING slow", Level.WARNING))
    assert is_error(Line("app", 0, "CRITICAL down", Level.CRITICAL))


# -- the screen ---------------------------------------------------------------------------------

async def test_t_opens_triage_with_the_failing_checks_of_the_run_it_started(sandbox, monkeypatch):
    calls = stub_checks(monkeypatch)
    await using_log(sandbox, seed_checks)
    app = app_for(sandbox)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_triage(pilot)
        table = screen.query_one(CheckTable)
        assert [table.get_row_at(i)[0] for i in range(table.row_count)] == ["health",
                                                                           "recent-errors"]
        assert calls == []  # looking is read-only: the last check run is shown, none started
        await pilot.press("R")  # the operator starts the checks
        await until(pilot, lambda: calls == [["triage", "--only", "tag:check", "--yes"]])


async def test_looking_at_triage_never_writes_a_run(sandbox, monkeypatch):
    """Opening Triage, leaving and opening it again starts no run: the history stays as it was."""
    calls = stub_checks(monkeypatch)
    before = rows(sandbox.store_path, "SELECT id FROM runs ORDER BY id")
    async with app_for(sandbox).run_test(size=(80, 24)) as pilot:
        for _ in range(2):
            await pilot.press("t")
            await until(pilot, lambda: isinstance(pilot.app.screen, TriageScreen))
            await settle(pilot.app, polls=3, pilot=pilot)
            table = pilot.app.screen.query_one(CheckTable)
            await until(pilot, lambda t=table: "R runs" in str(t.border_subtitle))
            await pilot.press("h")
    assert calls == []
    assert rows(sandbox.store_path, "SELECT id FROM runs ORDER BY id") == before


async def test_the_open_incident_survives_leaving_and_reopening_the_console(sandbox, monkeypatch):
    calls = stub_checks(monkeypatch)
    await using_log(sandbox, seed_checks)
    clock = FakeClock(NOW)
    async with app_for(sandbox, clock).run_test(size=(80, 24)) as pilot:
        await open_triage(pilot)
        await pilot.press("o")
        await until(pilot, lambda: isinstance(pilot.app.screen, OpenIncidentDialog))
        await pilot.press(*"API answers 502", "tab", "up", "enter")
        await until(pilot, lambda: pilot.app.screen.incident is not None)
        await pilot.press("h", "t")
        assert pilot.app.screen.incident.severity == "sev2"
        await pilot.press("R")  # checks run while an incident is open are attached to it
        await until(pilot, lambda: calls[-1][-2:] == ["--incident", "INC-20240601-120000"])
    opened = await using_log(sandbox, inc.open_incident_now)
    assert (opened.id, opened.title) == ("INC-20240601-120000", "API answers 502")
    clock.advance(720)
    async with app_for(sandbox, clock).run_test(size=(80, 24)) as pilot:
        screen = await open_triage(pilot)
        bar = str(screen.query_one(IncidentBar).render())
        assert "INC-20240601-120000" in bar and "open 12m" in bar


def footer(app) -> list[str]:
    from textual.widgets._footer import FooterKey

    return [k.description for k in app.screen.query(FooterKey)]


async def test_the_footer_shows_only_the_keys_that_can_act_and_fits_i_and_m_at_80(sandbox,
                                                                                 monkeypatch):
    """Review: with no incident `n Note` and `c Close` were shown (and only toasted) while `i`
    and `m`, which work, were left out at 80 columns."""
    stub_checks(monkeypatch)
    async with app_for(sandbox).run_test(size=(80, 24)) as pilot:
        await pilot.press("t")
        await until(pilot, lambda: isinstance(pilot.app.screen, TriageScreen))
        await settle(pilot.app, polls=3, pilot=pilot)
        shown = footer(pilot.app)
        assert {"Open", "Incident", "Sort", "Checks"} <= set(shown), shown
        assert not {"Note", "Close", "Snap"} & set(shown), shown
        await pilot.press("n")  # hidden: it does nothing, no dialog
        await pilot.pause()
        assert not isinstance(pilot.app.screen, ReasonDialog)
        await pilot.press("o")
        await until(pilot, lambda: isinstance(pilot.app.screen, OpenIncidentDialog))
        await pilot.press(*"API down", "enter")
        await until(pilot, lambda: getattr(pilot.app.screen, "incident", None) is not None)
        await pilot.pause()
        shown = footer(pilot.app)
        assert {"Note", "Snap", "Close", "Incident", "Checks", "Recovery"} <= set(shown), shown
        assert "Open" not in shown


def test_a_maintenance_check_older_than_the_mode_is_superseded_by_the_mode_now():
    """Review: the header said `maintenance mode off` while the checks said it was ON, from an
    older run: a result the mode changed after says what the mode is now."""
    failing = [tw.CheckResult("process", "critical", "demoapp: 0 running"),
               tw.CheckResult("maintenance-status", "warning", "maintenance mode is ON since …")]
    now = NOW
    later = {"on": False, "changed": NOW - 60}
    out = tw.superseded(failing, {"maintenance-status"}, later, NOW - 300, now)
    assert out[0] == failing[0]
    assert (out[1].status, out[1].summary) == ("stale", "now off: changed at 11:59, after this run")
    # the mode not changed since the run: the result stands
    assert tw.superseded(failing, {"maintenance-status"}, {"on": True, "changed": NOW - 900},
                         NOW - 300, now) == failing


async def test_the_checks_say_which_run_they_are_from_and_cut_names_with_an_ellipsis(
        sandbox, monkeypatch):
    calls = stub_checks(monkeypatch)
    await using_log(sandbox, seed_checks)

    async def long_names(log):
        async def go(db):
            await db.execute("UPDATE findings SET step_id = 'maintenance-status-of-the-site', "
                             "summary = ? WHERE step_id = 'recent-errors'", ("x" * 200,))
        await log.write(go)
    await using_log(sandbox, long_names)
    async with app_for(sandbox).run_test(size=(80, 24)) as pilot:
        await pilot.press("t")
        await until(pilot, lambda: isinstance(pilot.app.screen, TriageScreen))
        table = pilot.app.screen.query_one(CheckTable)
        await until(pilot, lambda: table.row_count == 2)
        assert str(table.border_subtitle).startswith("as of run 1 (failed) at 11:55, 4m ago")
        name, _, finding = table.get_row_at(1)
        assert name.endswith("…") and len(name) == CheckTable.MAX_CHECK
        assert finding.endswith("…") and len(finding) < 60
    assert calls == []


async def test_a_hidden_triage_screen_reads_no_logs(sandbox, monkeypatch):
    stub_checks(monkeypatch)
    await using_log(sandbox, seed_checks)
    monkeypatch.setattr("maintui.tui.screens.triage.REFRESH", 0.05)
    async with app_for(sandbox).run_test(size=(80, 24)) as pilot:
        screen = await open_triage(pilot)
        reads = []
        monkeypatch.setattr(screen._feed, "refresh", lambda: reads.append(1) or [])
        await pilot.press("h")
        await pilot.pause(0.3)
        hidden = len(reads)
        await pilot.pause(0.3)
        assert len(reads) == hidden <= 1  # at most the refresh already under way
        await pilot.press("t")
        await until(pilot, lambda: len(reads) > hidden)


async def test_maintui_triage_opens_the_console_on_the_triage_section(sandbox, monkeypatch):
    from maintui.cli import main

    stub_checks(monkeypatch)
    built: list[MaintuiApp] = []
    monkeypatch.setattr(MaintuiApp, "run", lambda self: built.append(self))
    assert main(["--config", str(sandbox.path), "triage"]) == 0

    async with built[0].run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: isinstance(pilot.app.screen, TriageScreen))
        assert pilot.app.current_mode == "triage"


# -- an incident end to end, with real runners ------------------------------------------------

async def test_an_incident_from_open_to_report_records_everything_on_its_timeline(sandbox):
    app = app_for(sandbox)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("t")
        await until(pilot, lambda: isinstance(app.screen, TriageScreen))
        triage = app.screen
        await pilot.press("R")  # the checks run only when the operator starts them
        await until(pilot, lambda: "passed" in str(triage.query_one(CheckTable).border_subtitle)
                    or "failing" in str(triage.query_one(CheckTable).border_subtitle))
        await pilot.press("o", *"Orders fail", "enter")
        await until(pilot, lambda: triage.incident is not None)
        incident = triage.incident.id
        await pilot.press("s")  # diagnostics, taken live in a thread
        await until(pilot, lambda: rows(sandbox.store_path, "SELECT 1 FROM incident_events "
                                        "WHERE kind = 'snapshot'"))
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, ReasonDialog))
        await pilot.press(*"payments provider is down", "enter")
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, QuickActionDialog))
        await pilot.press("enter")  # the first quick action: restart the service
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        assert app.screen.view.step_id == "restart"
        await pilot.press("y")  # normal risk: the standard one-key confirmation
        await until(pilot, lambda: isinstance(app.screen, SessionScreen)
                    and app.screen.run_state == "succeeded")
        await pilot.press("escape", "c")
        await until(pilot, lambda: isinstance(app.screen, CloseIncidentDialog))
        await pilot.press(*"restarted the app; orders flow again", "enter")
        await until(pilot, lambda: isinstance(app.screen, IncidentScreen)
                    and app.screen.incident is not None)
    kinds = [k for (k,) in rows(sandbox.store_path, "SELECT kind FROM incident_events "
                                "WHERE incident_id = ? ORDER BY id", (incident,))]
    assert kinds[0] == "opened" and kinds[-1] == "closed"
    assert {"snapshot", "note", "action", "decision", "step"} <= set(kinds)
    report = (sandbox.reports_dir / f"{incident}.md").read_text()
    assert "payments provider is down" in report and "quick action restart started" in report
    assert "## Diagnostics snapshots" in report and "restarted the app" in report
    assert "run 2 step restart: succeeded" in report or "step restart: succeeded" in report


# -- snapshots ----------------------------------------------------------------------------------

class TestTriageScreen:
    @pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
    def test_triage_with_an_open_incident_and_failing_checks(self, snap_compare, sandbox,
                                                             monkeypatch, size):
        stub_checks(monkeypatch)

        async def seed(log):
            await seed_checks(log)
            await inc.open_incident(log, "Orders fail with 502", "sev2", user="ops", now=NOW - 720)

        with_log(sandbox, seed)
        assert snap_compare(app_for(sandbox), terminal_size=size, run_before=open_triage)


class TestIncidentScreen:
    @pytest.mark.parametrize(("size", "tab"), [((80, 24), "3"), ((120, 40), "3"), ((80, 24), "1")],
                             ids=["report-80x24", "report-120x40", "timeline-80x24"])
    def test_a_closed_incident(self, snap_compare, sandbox, monkeypatch, size, tab):
        stub_checks(monkeypatch)

        async def seed(log):
            found = await inc.open_incident(log, "Orders fail with 502", "sev2", user="ops",
                                            now=NOW - 1800)
            await inc.add_timeline(log, found.id, "note", "payments provider is down",
                                   user="ops", now=NOW - 1500)
            await inc.add_timeline(log, found.id, "snapshot", "cpu 97% · 2 log errors", SNAP,
                                   user="ops", now=NOW - 600)
            await inc.close_incident(log, found.id, "provider recovered; no action needed",
                                     user="ops", now=NOW - 60)

        with_log(sandbox, seed)

        async def run_before(pilot) -> None:
            await open_triage_without_checks(pilot)
            await pilot.press("i")
            await until(pilot, lambda: isinstance(pilot.app.screen, IncidentScreen)
                        and pilot.app.screen.incident is not None)
            await pilot.press(tab)
            await pilot.pause(0.3)

        assert snap_compare(app_for(sandbox), terminal_size=size, run_before=run_before)


async def open_triage_without_checks(pilot) -> None:
    await pilot.press("t")
    await until(pilot, lambda: isinstance(pilot.app.screen, TriageScreen))
    await settle(pilot.app, polls=1, pilot=pilot)


# -- which triage and recovery screen files (kind = "triage" / "recovery") --------------------

DB_TRIAGE = '''
title = "Database triage"
kind = "triage"

[[steps]]
id = "db-check"
title = "Database quick check"
action = "sqlite.integrity"
with = { db = "${app.db}", quick = true }
risk = "safe"
tags = ["check"]

[[steps]]
id = "vacuum"
title = "Vacuum the database"
action = "sqlite.optimize"
with = { db = "${app.db}", operations = ["vacuum"] }
risk = "normal"
'''

RESTORE_CONFIG = '''
title = "Put the configuration back from its archive"
kind = "recovery"

[[steps]]
id = "list"
title = "List the newest configuration archive"
action = "backups.restore_test"
with = { dir = "${paths.backups}", pattern = "config-*.tar.gz" }
risk = "safe"
'''


def add_screen(config, name: str, text: str) -> None:
    (config.screens_dir / f"{name}.toml").write_text(text)


def chooser_names(screen) -> list[str]:
    from textual.widgets import OptionList

    options = screen.query_one(OptionList)
    return [options.get_option_at_index(i).id for i in range(options.option_count)]


async def test_t_with_two_triage_screens_asks_which_and_escape_stays_home(sandbox, monkeypatch):
    from maintui.tui.dialogs.choose import ScreenChooserDialog
    from maintui.tui.screens.home import HomeScreen

    calls = stub_checks(monkeypatch)
    add_screen(sandbox, "db-triage", DB_TRIAGE)
    async with app_for(sandbox).run_test(size=(80, 24)) as pilot:
        await pilot.press("t")
        await until(pilot, lambda: isinstance(pilot.app.screen, ScreenChooserDialog))
        assert chooser_names(pilot.app.screen) == ["db-triage", "triage"]
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(pilot.app.screen, HomeScreen))
        assert pilot.app.current_mode == "home" and "triage" not in pilot.app._modes
        await pilot.press("t")
        await until(pilot, lambda: isinstance(pilot.app.screen, ScreenChooserDialog))
        await pilot.press("enter")  # the first: db-triage
        await until(pilot, lambda: isinstance(pilot.app.screen, TriageScreen))
        triage = pilot.app.screen
        assert triage.screen_name == "db-triage"
        assert triage.query_one(CheckTable).border_title == "Failing checks · db-triage"
        await pilot.press("R")
        await until(pilot, lambda: calls == [["db-triage", "--only", "tag:check", "--yes"]])
        await pilot.press("a")  # its quick actions are db-triage's other steps
        await until(pilot, lambda: isinstance(pilot.app.screen, QuickActionDialog))
        assert [a[0] for a in pilot.app.screen.actions] == ["vacuum"]


async def test_a_triage_screen_picked_on_home_opens_the_console_on_it(sandbox, monkeypatch):
    stub_checks(monkeypatch)
    add_screen(sandbox, "db-triage", DB_TRIAGE)
    async with app_for(sandbox).run_test(size=(80, 24)) as pilot:
        await settle(pilot.app, polls=1, pilot=pilot)
        pilot.app.open_screen("db-triage")
        await until(pilot, lambda: isinstance(pilot.app.screen, TriageScreen))
        assert pilot.app.screen.screen_name == "db-triage"
        pilot.app.open_screen("triage")  # the other one: the console is built again for it
        await until(pilot, lambda: isinstance(pilot.app.screen, TriageScreen)
                    and pilot.app.screen.screen_name == "triage")
        await pilot.press("h", "t")  # t goes back to the one chosen last, no question asked
        await until(pilot, lambda: isinstance(pilot.app.screen, TriageScreen))
        assert pilot.app.screen.screen_name == "triage"


async def test_without_a_triage_screen_the_console_opens_and_says_what_is_missing(
        sandbox, monkeypatch):
    calls = stub_checks(monkeypatch)
    (sandbox.screens_dir / "triage.toml").unlink()
    async with app_for(sandbox).run_test(size=(80, 24)) as pilot:
        await pilot.press("t")
        await until(pilot, lambda: isinstance(pilot.app.screen, TriageScreen))
        table = pilot.app.screen.query_one(CheckTable)
        assert 'kind = "triage"' in str(table.border_subtitle)
        await pilot.press("R")
        await pilot.pause()
        assert calls == [] and any('kind = "triage"' in str(n.message)
                                   for n in pilot.app._notifications)


async def test_the_recovery_key_asks_which_of_two_recovery_screens_and_starts_it(
        sandbox, monkeypatch):
    from maintui.tui.dialogs.choose import ScreenChooserDialog

    calls = stub_checks(monkeypatch)
    add_screen(sandbox, "restore-config", RESTORE_CONFIG)
    async with app_for(sandbox).run_test(size=(80, 24)) as pilot:
        await pilot.press("t")
        await until(pilot, lambda: isinstance(pilot.app.screen, TriageScreen))
        await pilot.press("v")
        await until(pilot, lambda: isinstance(pilot.app.screen, ScreenChooserDialog))
        assert chooser_names(pilot.app.screen) == ["recovery", "restore-config"]
        await pilot.press("escape")  # cancelled: nothing started
        await until(pilot, lambda: isinstance(pilot.app.screen, TriageScreen))
        assert calls == []
        await pilot.press("v")
        await until(pilot, lambda: isinstance(pilot.app.screen, ScreenChooserDialog))
        await pilot.press("down", "enter")
        await until(pilot, lambda: calls == [["restore-config"]])
        await until(pilot, lambda: isinstance(pilot.app.screen, SessionScreen))


async def test_the_recovery_key_without_a_recovery_screen_says_how_to_mark_one(
        sandbox, monkeypatch):
    calls = stub_checks(monkeypatch)
    recovery = sandbox.screens_dir / "recovery.toml"
    recovery.write_text(recovery.read_text().replace('kind = "recovery"', ""))
    async with app_for(sandbox).run_test(size=(80, 24)) as pilot:
        await pilot.press("t")
        await until(pilot, lambda: isinstance(pilot.app.screen, TriageScreen))
        await pilot.press("v")
        await until(pilot, lambda: any('kind = "recovery"' in str(n.message)
                                       for n in pilot.app._notifications))
        assert calls == [] and isinstance(pilot.app.screen, TriageScreen)
