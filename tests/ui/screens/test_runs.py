"""History and run detail: runs listed and filtered, a run's steps, output, findings, notes."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Log

from maintui.core.site.config import SiteConfig, load_config
from maintui.core.store.db import RunLog
from maintui.tui.screens.run_detail import PAGE_CHUNKS, RunDetailScreen
from maintui.tui.screens.runs import EMPTY, HistoryApp, HistoryScreen
from maintui.tui.widgets.outcomes import OutcomeTable
from maintui.tui.widgets.problem import ProblemPanel
from tests.conftest import Site

CHECKS = """
title = "Example checks"
[[steps]]
id = "greet"
title = "Say hello"
run = "printf 'hello\\\\nworld\\\\n'"
risk = "safe"
[[steps]]
id = "broken"
title = "A failing check"
run = "echo about to fail; echo oops >&2; exit 3"
on_failure = "continue"
risk = "safe"
[[steps]]
id = "review"
title = "Review the alerts"
manual = true
"""
DAILY = """
title = "Daily"
[[steps]]
id = "ok"
title = "Quick check"
run = "printf '\\\\033[31m[bold]not markup[/bold]\\\\033[0m\\\\n'"
risk = "safe"
"""
T0 = 1_714_536_000.0  # 2024-05-01 04:00 UTC


def pin_times(db: Path) -> None:
    """Fixed times, user and host (the zone is UTC: tests/ui/conftest.py), so screenshots are the same on every machine."""
    con = sqlite3.connect(db)
    with con:
        con.execute("UPDATE runs SET started = ? + id * 3600, ended = ? + id * 3600 + 12.5, "
                    "user = 'alice', host = 'ops1'", (T0, T0))
        con.execute("UPDATE steps SET started = (SELECT started FROM runs WHERE id = run_id) "
                    "+ position, ended = (SELECT started FROM runs WHERE id = run_id) + position "
                    "+ 1.5 WHERE started IS NOT NULL")
        con.execute("UPDATE decisions SET ts = ? + 3700, user = 'alice', client = ''", (T0,))
        con.execute("UPDATE output SET ts = ?", (T0,))
        # Session events carry this machine's gauges (load, memory) into the report.
        con.execute("DELETE FROM events WHERE kind = 'session'")
    con.close()


async def add_notes(db: Path) -> None:
    log = await RunLog.open(db, create=False)
    try:
        await log.add_finding(1, "broken", {"status": "warning", "summary": "disk / at 85%"})
        await log.add_finding(1, "greet", {"status": "critical", "summary": "backup 3 days old"})
        await log.add_decision(1, "note", None, "checked the alerts by hand", "alice")
    finally:
        await log.close()


def record_runs(site: Site) -> Site:
    """Run 1: x (failed, with findings and a note); run 2: daily (succeeded)."""
    site.screen("x", CHECKS)
    site.screen("daily", DAILY)
    assert site.cli("run", "x", "--yes") == 1
    assert site.cli("run", "daily", "--yes") == 0
    asyncio.run(add_notes(site.db))
    pin_times(site.db)
    return site


@pytest.fixture
def runs(site: Site) -> Site:
    return record_runs(site)


def config(site: Site) -> SiteConfig:
    return load_config(site.config)


async def settle(pilot: Pilot) -> None:
    """Wait until every read the screens started has landed on screen."""
    for _ in range(3):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def keys(table: OutcomeTable) -> list[str]:
    return [k.value for k in table.rows]


async def test_history_lists_runs_newest_first_with_their_outcome(runs):
    app = HistoryApp(config(runs))
    async with app.run_test() as pilot:
        await settle(pilot)
        table = app.screen.query_one("#history-table", OutcomeTable)
        assert keys(table) == ["2", "1"]
        assert [str(table.get_cell("1", c)) for c in list(table.columns)[1:3]] == ["x", "failed"]


async def test_outcome_filter_cycles_and_narrows_the_runs(runs):
    app = HistoryApp(config(runs))
    async with app.run_test() as pilot:
        await settle(pilot)
        table = app.screen.query_one("#history-table", OutcomeTable)
        await pilot.press("f")  # succeeded
        await settle(pilot)
        assert keys(table) == ["2"]
        await pilot.press("f")  # failed
        await settle(pilot)
        assert keys(table) == ["1"]


async def test_screen_filter_and_text_filter_narrow_the_runs(runs):
    app = HistoryApp(config(runs))
    async with app.run_test() as pilot:
        await settle(pilot)
        table = app.screen.query_one("#history-table", OutcomeTable)
        await pilot.press("s")  # screens in name order: daily first
        await settle(pilot)
        assert keys(table) == ["2"]
        await pilot.press("s", "s")  # x, then all again
        await settle(pilot)
        await pilot.press("slash", *"fail")
        await settle(pilot)
        assert keys(table) == ["1"]
        await pilot.press("escape")  # clears the text filter, stays on the screen
        assert keys(table) == ["2", "1"]
        assert app.screen.query_one("#history-filter", Input).value == ""


async def test_enter_opens_the_run_and_shows_the_highlighted_steps_output(runs):
    app = HistoryApp(config(runs))
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, RunDetailScreen) and app.screen.run_id == 1
        output = app.screen.query_one("#run-output", Log)
        assert list(output.lines) == ["│ hello", "│ world"]
        await pilot.press("down")
        await settle(pilot)
        assert list(output.lines) == ["│ about to fail", "┊ oops"]
        notes = app.screen.query_one("#run-notes", OutcomeTable)
        assert [str(notes.get_row_at(i)[0]) for i in range(notes.row_count)] == [
            "critical", "warning", "note"]  # worst first
        steps = app.screen.query_one("#run-steps", OutcomeTable)
        assert str(steps.get_row("broken")[-1]).startswith("1 flagged · exit code 3")
        assert str(steps.get_row("greet")[-1]) == "1 flagged"
        await pilot.press("escape")
        assert isinstance(app.screen, HistoryScreen)


async def test_output_is_plain_text_never_markup_nor_escape_codes(runs):
    app = HistoryApp(config(runs))
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert list(app.screen.query_one("#run-output", Log).lines) == [
            "│ [bold]not markup[/bold]"]


async def test_full_output_starts_at_the_top_and_pages_on_with_n(runs):
    log = await RunLog.open(runs.db, create=False)
    await log.add_output([(2, "ok", "stdout", T0, 1, f"line {i}") for i in range(PAGE_CHUNKS + 20)])
    await log.close()
    app = HistoryApp(config(runs))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        output = app.screen.query_one("#run-output", Log)
        assert output.lines[-1] == f"│ line {PAGE_CHUNKS + 19}"  # the last lines first
        await pilot.press("o")
        await settle(pilot)
        assert output.line_count == PAGE_CHUNKS and output.lines[0] == "│ [bold]not markup[/bold]"
        await pilot.press("n")
        await settle(pilot)
        assert output.line_count == PAGE_CHUNKS + 21


async def test_an_empty_run_log_says_how_to_record_a_run(site: Site):
    log = await RunLog.open(site.db)
    await log.close()
    app = HistoryApp(config(site))
    async with app.run_test() as pilot:
        await settle(pilot)
        assert app.screen.has_class("-empty")
        assert str(app.screen.query_one("#history-empty").render()) == EMPTY


async def test_a_damaged_run_log_shows_a_problem_panel_instead_of_crashing(site: Site):
    site.db.parent.mkdir()
    site.db.write_text("this is not a database " * 100)
    app = HistoryApp(config(site))
    async with app.run_test() as pilot:
        await settle(pilot)
        panel = app.screen.query_one(ProblemPanel)
        assert panel.has_class("-shown") and "damaged or not a SQLite database" in str(panel.render())
        assert app.is_running


async def test_a_missing_run_log_is_reported_then_read_once_a_run_made_it(site: Site):
    app = HistoryApp(config(site))
    async with app.run_test() as pilot:
        await settle(pilot)
        panel = app.screen.query_one(ProblemPanel)
        assert "does not exist yet" in str(panel.render())
        site.screen("daily", DAILY)
        await asyncio.to_thread(site.run, "run", "daily", "--yes")
        await pilot.press("r")
        await settle(pilot)
        assert not panel.has_class("-shown")
        assert keys(app.screen.query_one("#history-table", OutcomeTable)) == ["1"]


async def test_a_store_given_by_the_app_is_used_and_left_open(runs):
    log = await RunLog.open(runs.db, create=False)
    try:
        app = HistoryApp(config(runs), store=log)
        async with app.run_test() as pilot:
            await settle(pilot)
            await pilot.press("escape")  # the screen goes, the app's run log stays
        assert [r.id for r in await log.runs()] == [2, 1]
    finally:
        await log.close()


async def test_the_screen_closes_the_run_log_it_opened_when_it_goes(runs):
    app = HistoryApp(config(runs))
    async with app.run_test() as pilot:
        await settle(pilot)
        screen = app.screen
        assert screen._store is not None
        await pilot.press("escape")
        await pilot.pause()
        assert screen._store is None


async def test_in_the_console_history_is_the_runs_section_with_no_back_key(build):
    app = build()  # the console over the shared fake run log (three runs)
    async with app.run_test() as pilot:
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
        assert keys(app.screen.query_one("#history-table", OutcomeTable)) == ["3", "2", "1"]
        assert "back" not in {b.binding.action for b in app.screen.active_bindings.values()
                              if app.screen.check_action(b.binding.action, ())}


async def open_run_1(pilot: Pilot) -> None:
    await settle(pilot)
    await pilot.press("down", "enter")
    await settle(pilot)


class TestHistorySnapshots:
    @pytest.mark.parametrize("size", [(80, 24), (120, 40)])
    def test_history_screen(self, runs, snap_compare, size):
        assert snap_compare(HistoryApp(config(runs)), terminal_size=size, run_before=settle)

    @pytest.mark.parametrize("size", [(80, 24), (120, 40)])
    def test_run_detail_screen(self, runs, snap_compare, size):
        assert snap_compare(HistoryApp(config(runs)), terminal_size=size, run_before=open_run_1)
