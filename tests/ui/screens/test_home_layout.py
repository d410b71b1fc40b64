"""Home at 80x24 and 120x40: problems do not hide the screens, the filter line says what it is
and how to leave it, and the board follows a run's end without waiting a board interval."""

from __future__ import annotations

import asyncio

import pytest

from maintui.core.store.rows import RunRow
from maintui.tui.dialogs.problems import ProblemsDialog
from maintui.tui.widgets import ProcessTable, RecentRuns, ScreenList
from maintui.tui.widgets.keybar import KeyBar
from maintui.tui.widgets.screens import ScreenProblems
from tests.ui.conftest import settle

SIZES = [(80, 24), (120, 40)]


def broken_files(site, problems: int) -> None:
    """Screen files with `problems` problems in all: one TOML syntax error, then unknown keys."""
    site.screen("broken", "[[steps]\n")
    if problems > 1:
        keys = "".join(f"bogus_{n} = 1\n" for n in range(problems - 1))
        site.screen("badkey", f'title = "Bad"\n{keys}')


def key_line(app) -> str:
    bar = app.screen.query_one(KeyBar)
    return " ".join(f"{key.key_display} {key.description}" for key in bar.query("FooterKey"))


async def wait_for(pilot, done, seconds: float = 3.0) -> None:
    """Let the app's own poller run until `done()` (the test's clock is fake; time is not)."""
    for _ in range(int(seconds / 0.02)):
        if done():
            return
        await pilot.pause(0.02)
    assert done()


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
@pytest.mark.parametrize("problems", [1, 3, 10])
async def test_problems_take_one_line_and_every_screen_stays_in_view(build, ui_site, size,
                                                                     problems):
    broken_files(ui_site, problems)
    app = build()
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot=pilot)
        assert len(app.poller.board.problems) == problems
        line = app.screen.query_one(ScreenProblems)
        assert line.display and line.outer_size.height == 1
        text = str(line.render())
        assert f"⚠ {problems} problem" in text and "p shows" in text
        # the first problem, its file named without the site's folders
        first = app.poller.board.problems[0].rsplit("/", 1)[-1]
        assert first in text and str(ui_site.root) not in text
        screens = app.screen.query_one(ScreenList)
        assert screens.row_count == 4  # the test site's screens, the broken ones not among them
        # every row in view: header, four screens, the border above and below
        assert screens.outer_size.height >= screens.row_count + 3
        assert "p Problems" in key_line(app)


async def test_p_shows_every_problem_in_full_and_escape_goes_back(build, ui_site):
    broken_files(ui_site, 10)
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot=pilot)
        before = app.focused
        await pilot.press("p")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ProblemsDialog)
        shown = " ".join(str(s.render()) for s in dialog.query("Static"))
        for problem in app.poller.board.problems:  # whole, folders and all
            assert problem in shown
        assert key_line(app) == "esc Close"
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.query_one(ScreenList) and app.focused is before


async def test_without_problems_p_is_not_in_the_key_line_and_does_nothing(build):
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot=pilot)
        assert not app.screen.query_one(ScreenProblems).display
        assert "Problems" not in key_line(app)
        await pilot.press("p")
        await pilot.pause()
        assert not isinstance(app.screen, ProblemsDialog)


async def test_the_filter_line_is_labelled_shows_its_keys_and_leaves_the_screens_alone(build):
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot=pilot)
        screens = app.screen.query_one(ScreenList)
        rows = screens.outer_size.height
        await pilot.press("slash", "s", "s", "h")
        await pilot.pause()
        assert "filter processes" in str(app.screen.query_one("#filter-label").render())
        assert app.screen.query_one("#filter-row").display
        # while typing, the letters of the key line would be typed: its way out shows instead
        assert key_line(app).startswith("esc Clear ⏎ Keep")
        assert screens.outer_size.height == rows
        table = app.screen.query_one(ProcessTable)
        assert [p.name for p in table.visible()] == ["sshd"]
        await pilot.press("enter")  # keep: the list stays filtered, its title says by what
        await pilot.pause()
        assert app.focused is table and not app.screen.query_one("#filter-row").display
        assert [p.name for p in table.visible()] == ["sshd"] and "/ssh" in str(table.border_title)
        await pilot.press("slash", "escape")  # clear: every process again
        await pilot.pause()
        assert app.focused is table and table.filter == ""
        assert len(table.visible()) > 1 and "/" not in str(table.border_title)


def live_run(run_id: int, now: float, state: str = "running") -> RunRow:
    return RunRow(run_id, "daily", "Daily", state, now - 60, None if state == "running" else now,
                  "ops", "db1")


async def test_a_live_runs_end_shows_at_the_next_poll_not_a_board_interval_later(build, run_log,
                                                                                clock):
    run_log.rows.append(live_run(4, clock.now()))
    app = build()
    poller = app.poller
    poller._interval, poller._board_every = 0.02, 10_000  # a board read only at the first poll
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: poller.board_read)
        assert poller.board.runs[0].state == "running"
        run_log.rows[-1] = live_run(4, clock.now(), "failed")  # the run ends
        await wait_for(pilot, lambda: poller.board.runs[0].state == "failed")
        runs = app.screen.query_one(RecentRuns)
        await pilot.pause()
        assert "failed" in str(runs.render_line(1))


async def test_coming_back_to_home_reads_the_board_at_once(build, run_log, clock):
    app = build()
    poller = app.poller
    poller._interval, poller._board_every = 0.02, 10_000
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: poller.board_read)
        await pilot.press("question_mark")  # another screen on top: the board is not read
        await pilot.pause()
        run_log.rows.append(live_run(4, clock.now(), "failed"))  # a run ended meanwhile
        await asyncio.sleep(0.1)
        assert all(r.id != 4 for r in poller.board.runs)
        await pilot.press("escape")
        await wait_for(pilot, lambda: poller.board.runs[0].id == 4)


async def test_coming_back_to_triage_reads_the_board_at_once(build, run_log, clock):
    app = build()
    poller = app.poller
    poller._interval, poller._board_every = 0.02, 10_000
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: poller.board_read)
        await pilot.press("t")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "TriageScreen")
        await pilot.press("question_mark")
        await pilot.pause()
        run_log.rows.append(live_run(4, clock.now(), "failed"))
        await asyncio.sleep(0.1)
        assert all(r.id != 4 for r in poller.board.runs)
        await pilot.press("escape")
        await wait_for(pilot, lambda: poller.board.runs[0].id == 4)
