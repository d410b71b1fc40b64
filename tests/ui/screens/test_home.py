"""The home dashboard: gauges by threshold, disks, processes, screens and runs, banner."""

from __future__ import annotations

import pytest

from maintui.core.probes.base import Disk, Proc
from maintui.core.probes.fake import FakeProbe, fake_snapshot
from maintui.core.store.carryover import KV_VERIFIED_RESTORE
from maintui.core.store.rows import RunRow, StepRow
from maintui.tui.widgets import (
    DiskTable,
    ProcessTable,
    RecentRuns,
    ResourceGauges,
    ScreenList,
    SessionNotes,
)
from maintui.tui.widgets.gauges import spark
from maintui.tui.widgets.screens import ScreenProblems
from tests.ui.conftest import DAY, settle


def cells(table, key: str) -> list[str]:
    return [str(c) for c in table.get_row(key)]


def test_spark_scales_to_the_top_and_keeps_the_newest_at_the_right():
    assert spark([0, 50, 100], 5, 100) == "  ▁▅█"
    assert spark([10, 20, 30, 40], 2, 40) == "▇█"
    assert spark([], 3, 100) == "   "


async def test_gauges_take_the_level_of_their_thresholds(build):
    snap = fake_snapshot(cpu=96.0, memory=85.0, swap=1.0)
    app = build(probe=FakeProbe([snap]))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot=pilot)
        gauges = app.screen.query_one(ResourceGauges)
        assert gauges.level("cpu") == "critical"
        assert gauges.level("memory") == "warning"
        assert gauges.level("swap") == "ok"
        assert gauges.reading("cpu").text == "96%"


async def test_gauges_show_the_history_of_every_poll(build):
    probe = FakeProbe([fake_snapshot(cpu=v) for v in (10.0, 50.0, 90.0)])
    app = build(probe=probe)
    async with app.run_test(size=(80, 24)) as pilot:
        app.poller.stop()
        await app.poller.idle()
        probe.calls = 0  # replay the script from the start, whatever the first poll took
        await settle(app, polls=3, pilot=pilot)
        assert app.screen.query_one(ResourceGauges).reading("cpu").history == (10.0, 50.0, 90.0)


async def test_each_mount_gets_a_disk_row_coloured_by_the_disk_threshold(build):
    disks = (Disk("/", 40.0, 40, 100), Disk("/var", 91.0, 91, 100))
    app = build(probe=FakeProbe([fake_snapshot(disks=disks)]))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot=pilot)
        table = app.screen.query_one(DiskTable)
        assert table.labels == ["/", "/var"]
        assert table.level("disk:/var") == "critical" and table.level("disk:/") == "ok"


async def test_processes_sort_by_cpu_then_by_memory_with_m(build):
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot=pilot)
        table = app.screen.query_one(ProcessTable)
        assert [p.name for p in table.visible()][:2] == ["postgres", "app"]
        await pilot.press("m")
        assert [p.name for p in table.visible()][:2] == ["app", "postgres"]
        assert "memory" in str(table.border_title)


async def test_slash_filters_processes_and_escape_closes_the_filter(build):
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot=pilot)
        await pilot.press("slash", "s", "s", "h")
        table = app.screen.query_one(ProcessTable)
        assert [p.name for p in table.visible()] == ["sshd"]
        assert table.row_count == 1
        await pilot.press("escape")
        assert app.focused is table
        assert not app.screen.query_one("#process-filter").has_class("-open")


async def test_the_keys_typed_right_behind_slash_go_to_the_filter_not_to_the_list(build):
    """`/ma` as a laggy link sends it: every key queued before the first is handled. `m`
    behind `/` is the filter's text, not the sort by memory."""
    from textual import events

    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot=pilot)
        table = app.screen.query_one(ProcessTable)
        for key in ("slash", "m", "a"):
            app.post_message(events.Key(key, "/" if key == "slash" else key))
        await pilot.pause()
        assert app.screen.query_one("#process-filter").value == "ma"
        assert "memory" not in str(table.border_title)
        await pilot.press("slash")  # in the filter line, / is text
        assert app.screen.query_one("#process-filter").value == "ma/"


async def test_screens_show_their_last_outcome_and_due_state(build, clock):
    app = build()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot=pilot)
        table = app.screen.query_one(ScreenList)
        assert cells(table, "daily") == ["1 daily", "2h ago", "succeeded", "in 22h"]
        assert cells(table, "weekly")[2:] == ["failed", "due 1d"]  # succeeded 9 days ago
        assert cells(table, "monthly")[1:] == ["never", "", "due now"]
        assert cells(table, "triage")[3] == "—"  # no schedule, never due


async def test_a_screen_becomes_overdue_when_a_whole_period_is_missed(build, clock):
    app = build()
    async with app.run_test(size=(120, 40)) as pilot:
        clock.advance(7 * DAY)  # weekly: last success ended ~16 days ago, so due ~9 days (floored)
        await settle(app, pilot=pilot)
        assert cells(app.screen.query_one(ScreenList), "weekly")[3] == "overdue 8d"


async def test_recent_runs_list_the_newest_first(build):
    app = build()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot=pilot)
        table = app.screen.query_one(RecentRuns)
        assert [str(table.get_row_at(i)[0]) for i in range(table.row_count)] == ["3", "2", "1"]
        assert cells(table, "2")[1:3] == ["weekly", "failed"]


async def test_a_broken_screen_file_is_named_and_the_others_still_listed(build, ui_site):
    ui_site.screen("broken", 'title = "Broken"\nschedule = "fortnightly"\n')
    app = build()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot=pilot)
        problems = app.screen.query_one(ScreenProblems)
        assert problems.display
        assert "broken.toml" in str(problems.render()) and "schedule" in str(problems.render())
        assert app.screen.query_one(ScreenList).row_count == 4


async def test_the_banner_shows_while_maintenance_mode_is_on(build, monkeypatch):
    state = {"on": True, "message": "DB upgrade", "impact": "read-only", "end": None}
    monkeypatch.setattr("maintui.tui.models.board.read_maintenance", lambda folder: state)
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot=pilot)
        banner = app.screen.query_one("#banner")
        assert banner.display and banner.has_class("-on")
        assert "DB upgrade" in str(banner.render()) and "read-only" in str(banner.render())


async def test_the_banner_is_hidden_when_maintenance_mode_is_off(build, monkeypatch):
    monkeypatch.setattr("maintui.tui.models.board.read_maintenance", lambda folder: {"on": False})
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot=pilot)
        assert not app.screen.query_one("#banner").has_class("-on")


async def test_only_the_gauge_lines_that_changed_are_redrawn(build):
    """A new sample repaints the lines whose text, level or bars moved, not the whole panel."""
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot=pilot)
        gauges = app.screen.query_one(ResourceGauges)
        series = app.poller.history.series
        assert gauges.show(fake_snapshot(), series) == 0
        assert gauges.show(fake_snapshot(cpu=99.0), series) == 1  # the CPU line only


async def test_process_lines_are_redrawn_only_when_their_text_changes(build):
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot=pilot)
        table = app.screen.query_one(ProcessTable)
        procs = (Proc(1, "a", "u", 1.0, 1.0), Proc(2, "b", "u", 0.5, 1.0))
        table.show(procs)
        assert table.show(procs) == 0
        assert table.show((Proc(1, "a", "u", 2.0, 1.0), procs[1])) == 1
        assert "2.0" in table.text(0)


async def test_the_process_list_is_asked_for_only_while_a_process_table_shows(build):
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        app.poller.stop()
        assert "processes" in app.poller._wanted()
        await pilot.press("l")  # Logs: no process table
        await pilot.pause()
        assert app.poller._wanted() == frozenset()


def skipped_monthly(run_log, clock) -> None:
    """The monthly screen's last run, finished a week ago, skipped review-alerts."""
    run_log.rows.append(RunRow(4, "monthly", "Monthly", "succeeded", clock.now() - 7 * DAY,
                               clock.now() - 7 * DAY + 60, "ops", "db1"))
    run_log.step_rows[4] = [
        StepRow(4, "vacuum", 0, "Vacuum", "shell", "low", "succeeded"),
        StepRow(4, "review-alerts", 1, "Review alert rules", "manual", "low", "skipped",
                reason="not needed this month")]


async def test_a_step_skipped_last_time_is_carried_over_on_home_with_its_reason(build, run_log,
                                                                                 clock):
    skipped_monthly(run_log, clock)
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot=pilot)
        notes = str(app.screen.query_one(SessionNotes).render())
        assert "Carried over monthly · review-alerts: not needed this month" in notes
        assert "vacuum" not in notes
        assert "not needed this month" in str(app.screen.query_one(SessionNotes).tooltip)


async def test_last_verified_restore_shows_its_age_and_backup(build, run_log, clock):
    run_log.kv[KV_VERIFIED_RESTORE] = {"ts": clock.now() - 3 * DAY, "ok": True,
                                       "backup": "/srv/backups/app-20240601.db.gz"}
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot=pilot)
        notes = app.screen.query_one(SessionNotes)
        assert "Last verified restore 3d ago (app-20240601.db.gz)" in str(notes.render())


@pytest.mark.parametrize("record", [None, "stale", "failed"])
async def test_a_missing_stale_or_failed_restore_test_is_a_warning(build, run_log, clock,
                                                                    record):
    if record is not None:
        run_log.kv[KV_VERIFIED_RESTORE] = {"ts": clock.now() - (9 if record == "stale" else 1) * DAY,
                                           "ok": record == "stale", "backup": "/b/app.db.gz"}
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot=pilot)
        notes = app.screen.query_one(SessionNotes)
        line = notes.restore_line(app.poller.board.restore, clock.now())
        expected = {None: "never", "stale": "9d ago (older than 8d)", "failed": "failed 1d ago"}
        assert expected[record] in line.plain
        warning = notes.get_component_rich_style("notes--warning", partial=True)
        assert any(span.style == str(warning) for span in line.spans)


async def test_a_long_screen_name_gets_the_room_a_wider_panel_has():
    from textual.app import App

    from maintui.core.site.schedule import DueStatus
    from maintui.tui.models.board import ScreenStatus

    screens = (ScreenStatus("quarterly", "Quarterly", "session", "quarterly", None,
                            DueStatus("never", None, None)),)

    class One(App):
        def compose(self):
            yield ScreenList()

    app = One()
    async with app.run_test(size=(40, 5)) as pilot:
        table = app.query_one(ScreenList)
        table.show(screens, 0.0)
        await pilot.pause()
        narrow = table.render_line(1).text
        await pilot.resize_terminal(80, 5)
        await pilot.pause()
        wide = table.render_line(1).text
    assert "1 quarterly" not in narrow and "1 quarter…" in narrow  # 80x24: cut, and says so
    assert "1 quarterly " in wide and "due now" in wide


async def test_the_first_paint_says_loading_screens_not_no_screen_files(build):
    """Before the first read of the screen files the list says it is loading, not empty."""
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        app.poller.stop()
        await pilot.pause()  # the list comes with the frame after the first (HomeScreen._draw_rest)
        screens = app.screen.query_one(ScreenList)
        screens.show((), 0.0, loading=not app.poller.board_read)
        assert app.poller.board_read is False or screens.row_count
        if not app.poller.board_read:
            assert screens.border_subtitle == "loading screens…"
        await settle(app, pilot=pilot)
        assert app.poller.board_read
        assert screens.border_subtitle != "loading screens…"


async def test_covered_by_a_dialog_the_dashboard_draws_nothing_until_it_is_back(build):
    """A sample taken while help covers home is not drawn (it would repaint the whole dialog)."""
    probe = FakeProbe([fake_snapshot(cpu=10.0), fake_snapshot(cpu=90.0)])
    app = build(probe=probe)
    async with app.run_test(size=(80, 24)) as pilot:
        app.poller.stop()
        await app.poller.idle()
        probe.calls = 0
        await settle(app, pilot=pilot)
        gauges = app.screen.query_one(ResourceGauges)
        first = gauges.reading("cpu").text
        assert first == "10%"
        await pilot.press("question_mark")
        await app.poller.poll_now()
        await pilot.pause()
        assert gauges.reading("cpu").text == first
        await pilot.press("escape")
        await pilot.pause()
        assert gauges.reading("cpu").text != first


async def test_a_focus_move_repaints_the_two_lists_not_the_whole_screen(build):
    """Tab marks only the widget losing and the one gaining focus dirty (not Header, gauges…)."""
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot=pilot)
        app.screen.query_one(ScreenList).focus()
        await pilot.pause()
        repainted: list[str] = []
        original = type(app.screen)._compositor_refresh

        def spy(screen) -> None:
            repainted.extend(type(w).__name__ for w in screen._dirty_widgets)
            original(screen)

        type(app.screen)._compositor_refresh = spy
        try:
            await pilot.press("tab")
            await pilot.pause()
        finally:
            type(app.screen)._compositor_refresh = original
        assert "HomeScreen" not in repainted
        assert {"ScreenList", "RecentRuns"} <= set(repainted)


async def test_the_first_frame_is_the_upper_half_and_the_rest_comes_in_its_kept_place(build):
    """The first frame written holds the gauges and processes; the lower half, the filter line
    and the key line come with the next, in the rows kept for them, the screens list focused."""
    from textual.widgets import Footer

    from maintui.tui.widgets import KeyBar

    app = build()
    first: list[dict] = []
    display = type(app)._display

    def watched(self, screen, update) -> None:
        if update is not None and not first and not self._batch_count and screen is self.screen:
            first.append({"kinds": {type(w).__name__ for w in screen.walk_children()},
                          "regions": {name: screen.query_one(f"#{name}").region
                                      for name in ("top", "bottom", "resources", "processes")},
                          "focused": self.focused})
        display(self, screen, update)

    type(app)._display = watched
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(app, pilot=pilot)
            home = app.screen
            assert first, "no frame was written"
            frame = first[0]
            assert {"ResourceGauges", "DiskTable", "ProcessTable", "Header"} <= frame["kinds"]
            assert not {"ScreenList", "RecentRuns", "SessionNotes", "FilterBox"} & frame["kinds"]
            assert frame["focused"] is None
            assert frame["regions"]["bottom"].height >= 6  # kept for the lower half
            for name, region in frame["regions"].items():  # nothing moved when it came
                assert home.query_one(f"#{name}").region == region, name
            assert app.focused is home.query_one(ScreenList)
            assert home.query_one(RecentRuns).row_count and home.query_one(SessionNotes)
            assert home.query_one(KeyBar).region.y == 23 and not home.query("#keys-slot")
            assert isinstance(home.query_one(KeyBar), Footer)
            await pilot.press("slash", "s", "s", "h")  # the filter line works as before
            assert [p.name for p in home.query_one(ProcessTable).visible()] == ["sshd"]
    finally:
        type(app)._display = display


async def test_at_80x24_skips_carried_over_take_one_line_so_the_screens_keep_their_rows():
    """Review: two `Carried over` lines left 6 of 9 screens in view at 80x24."""
    from textual.app import App

    from maintui.core.store.carryover import Skipped, VerifiedRestore

    carried = {"monthly": (Skipped("review-alerts", "Review", "not needed"),
                           Skipped("tls", "Renew TLS", "done by hand"))}

    class Notes(App):
        def compose(self):
            yield SessionNotes()

    for size, lines in (((80, 24), 2), ((120, 40), 3)):
        app = Notes()
        async with app.run_test(size=size) as pilot:
            notes = app.query_one(SessionNotes)
            notes.show(carried, VerifiedRestore(None), 0.0)
            await pilot.pause()
            text = str(notes.render())
            assert len(text.splitlines()) == lines, text
            if lines == 2:
                assert "monthly · review-alerts +1 more: not needed" in text


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
async def test_until_the_board_is_read_the_lists_say_loading_and_their_headers_never_jump(
        build, run_log, size):
    """Review: for ~0.3 s Recent runs said `no runs yet` with run 1 in the log, and both
    headers were drawn at widths the data then changed (`Screen  Last` → `Screen       Last`).
    Until the first read they say loading and draw no header; after it, one header."""
    import asyncio

    gate = asyncio.Event()
    read = run_log.runs

    async def slow_runs(*args, **kw):
        await gate.wait()  # the first read of the run log takes its time
        return await read(*args, **kw)

    run_log.runs = slow_runs
    app = build()
    headers: dict[str, set[str]] = {"screens": set(), "runs": set()}

    def seen() -> None:
        for name in headers:
            line = app.screen.query_one(f"#{name}").render_line(0).text
            if line.strip():
                headers[name].add(line)

    async with app.run_test(size=size) as pilot:
        for _ in range(100):  # the lists come a frame after the first, then the board
            await pilot.pause(0.01)
            if app.screen.query("#runs") and app.screen.query_one(RecentRuns).border_subtitle:
                break
        runs, screens = app.screen.query_one(RecentRuns), app.screen.query_one(ScreenList)
        assert not app.poller.board_read
        assert runs.border_subtitle == "loading…" and "no runs" not in runs.border_subtitle
        assert screens.border_subtitle == "loading screens…"
        notes = app.screen.query_one(SessionNotes)
        assert "restore" not in str(notes.render())  # not `… restore never`: not read yet
        seen()
        assert headers == {"screens": set(), "runs": set()}  # none drawn at guessed widths
        gate.set()
        for _ in range(100):
            await pilot.pause(0.01)
            if app.poller.board_read and runs.row_count:
                break
        await pilot.pause()
        seen()
        app.poller.stop()
        await app.poller.poll_now()
        await pilot.pause()
        seen()
        assert runs.row_count == 3 and runs.border_subtitle == ""
        assert "Last verified restore" in str(notes.render())
        assert len(headers["screens"]) == 1 and len(headers["runs"]) == 1, headers
        assert headers["screens"].pop().split()[:2] == ["Screen", "Last"]


async def test_an_empty_run_log_says_no_runs_yet_once_it_is_read(build, run_log):
    run_log.rows.clear()
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot=pilot)
        runs = app.screen.query_one(RecentRuns)
        assert runs.border_subtitle == "no runs yet"
        assert runs.render_line(0).text.split() == ["#", "Screen", "Outcome", "When"]


@pytest.mark.filterwarnings("error::RuntimeWarning")  # no never-awaited coroutine at exit
async def test_a_quit_typed_ahead_of_the_first_frame_leaves_no_traceback(build):
    """The lower half is mounted after the first frame; a quit already waiting by then (keys
    typed ahead over a slow link) closes the console without an error or a warning."""
    app = build()
    cls, display = type(app), type(app)._display

    def quit_at_the_first_frame(self, screen, update):
        display(self, screen, update)
        if update is not None and not self._batch_count and self.is_running:
            self.exit(0)

    cls._display = quit_at_the_first_frame
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
    finally:
        cls._display = display
    assert app.return_code == 0 and app._exception is None
