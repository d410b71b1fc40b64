"""The logs screen, driven through Pilot at 80x24: tail, follow, pause, filters, missing files."""

from __future__ import annotations

import asyncio
import gc
import os
from collections.abc import Callable
from pathlib import Path

from rich.cells import cell_len
from rich.segment import Segment
from textual.app import App
from textual.strip import Strip
from textual.widgets import Input, Static

from maintui.core.logs import search
from maintui.core.logs.search import FileSearch
from maintui.core.logs.tail import EventKind, Line, LogEvent, LogUpdate
from maintui.tui.logs_app import LogsApp
from maintui.tui.logstatus import sources_line, status_line
from maintui.tui.models.logs import LogModel
from maintui.tui.screens.logs import GC_YOUNG, LogsScreen
from maintui.tui.widgets.log_view import _LEVEL_CLASS, LogView


async def until(pilot, condition: Callable[[], bool], timeout: float = 5.0) -> None:
    """Let the app run until `condition` holds (the follower thread works in real time)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        assert loop.time() < deadline, "timed out waiting for the screen"
        await pilot.pause(0.02)


def write(path: Path, lines: list[str]) -> None:
    with path.open("a") as f:
        f.write("".join(f"{line}\n" for line in lines))


def screen_text(app: App) -> str:
    """The log rows as drawn (source prefixes included), one per line."""
    view = app.screen.query_one(LogView)
    rows = (view.render_line(y) for y in range(view.size.height))
    return "\n".join("".join(segment.text for segment in row) for row in rows)


def visible(app: App) -> list[str]:
    view = app.screen.query_one(LogView)
    top = int(view.scroll_y)
    return [line.text for line in list(view.lines)[top : top + view.size.height]]


def status(app: App) -> str:
    return str(app.screen.query_one("#logs-status", Static).render())


def app_for(*paths: Path) -> LogsApp:
    return LogsApp({p.name: p for p in paths})


async def test_the_screen_shows_the_tail_of_a_file(tmp_path: Path):
    log = tmp_path / "app.log"
    write(log, [f"2024 INFO line {i}" for i in range(500)])
    app = app_for(log)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: "line 499" in screen_text(app))
        assert visible(app)[-1] == "2024 INFO line 499"
        assert "line 400" not in screen_text(app)
        assert "app.log: following" in status(app)


async def test_appended_lines_are_followed(tmp_path: Path):
    log = tmp_path / "app.log"
    write(log, [f"old {i}" for i in range(100)])
    app = app_for(log)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: "old 99" in screen_text(app))
        write(log, [f"new {i}" for i in range(30)])
        await until(pilot, lambda: visible(app)[-1:] == ["new 29"])
        assert "new 29" in screen_text(app)


async def test_scrolling_up_pauses_auto_scroll_and_end_resumes_it(tmp_path: Path):
    log = tmp_path / "app.log"
    write(log, [f"old {i}" for i in range(100)])
    app = app_for(log)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: "old 99" in screen_text(app))
        await pilot.press("pageup")
        shown = visible(app)
        write(log, [f"new {i}" for i in range(5)])
        await until(pilot, lambda: "5 new" in status(app))
        assert visible(app) == shown  # nothing moved under the operator
        assert "new 4" not in screen_text(app)
        await pilot.press("end")
        await until(pilot, lambda: visible(app)[-1:] == ["new 4"])
        assert "following" in status(app).splitlines()[0]


async def test_the_pause_key_freezes_the_view_until_pressed_again(tmp_path: Path):
    log = tmp_path / "app.log"
    write(log, ["first"])
    app = app_for(log)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: "first" in screen_text(app))
        await pilot.press("p")
        write(log, ["second"])
        await until(pilot, lambda: "1 new" in status(app))
        assert "second" not in screen_text(app)
        await pilot.press("p")
        await until(pilot, lambda: "second" in screen_text(app))


async def test_scrolling_past_the_top_reads_older_lines_from_the_file(tmp_path: Path):
    log = tmp_path / "app.log"
    write(log, [f"line {i}" for i in range(3000)])
    app = LogsApp({"app.log": log})
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: "line 2999" in screen_text(app))
        view = app.screen.query_one(LogView)
        first = view.lines[0].text  # the oldest line the follower handed over
        await pilot.press("home")
        await until(pilot, lambda: view.lines[0].text != first)
        texts = [line.text for line in view.lines]
        assert texts == [f"line {i}" for i in range(int(texts[0].split()[1]), 3000)]
        assert first in visible(app)  # what was on screen stays on screen


async def test_typing_a_filter_shows_only_matching_lines(tmp_path: Path):
    log = tmp_path / "app.log"
    write(log, ["alpha one", "beta two", "ALPHA three", "gamma"])
    app = app_for(log)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: "gamma" in screen_text(app))
        await pilot.press("slash", *"alpha", "enter")
        assert visible(app) == ["alpha one", "ALPHA three"]
        await pilot.press("escape")  # the view has focus again: escape clears the filter
        assert visible(app) == ["alpha one", "beta two", "ALPHA three", "gamma"]


async def test_a_regex_filter_and_a_bad_regex_that_is_reported_not_applied(tmp_path: Path):
    log = tmp_path / "app.log"
    write(log, ["timeout a", "timed out b", "fine c"])
    app = app_for(log)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: "fine c" in screen_text(app))
        await pilot.press("slash", *"/time(out|d)/")
        assert visible(app) == ["timeout a", "timed out b"]
        app.screen.query_one(Input).value = "/time(/"  # an unclosed group, pasted at once
        await pilot.pause()
        assert "bad regex" in status(app)
        assert app.screen.query_one(Input).has_class("-invalid")
        assert visible(app) == ["timeout a", "timed out b"]


async def test_level_keys_filter_by_minimum_level(tmp_path: Path):
    log = tmp_path / "app.log"
    write(log, ["DEBUG d", "INFO i", "WARNING w", "ERROR e", "CRITICAL c", "plain"])
    app = app_for(log)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: "plain" in screen_text(app))
        await pilot.press("e")
        assert visible(app) == ["ERROR e", "CRITICAL c"]
        await pilot.press("e", "l", "l")  # off, then INFO, then WARNING and above
        assert visible(app) == ["WARNING w", "ERROR e", "CRITICAL c"]
        assert "level ≥ WARNING" in status(app)


async def test_a_missing_file_says_waiting_for_file_then_shows_it_when_it_appears(tmp_path: Path):
    log = tmp_path / "later.log"
    app = app_for(log)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: "later.log: waiting for file" in status(app))
        write(log, ["it is here"])
        await until(pilot, lambda: "it is here" in screen_text(app))
        assert "later.log: following" in status(app)


async def test_sources_merge_and_can_be_shown_one_at_a_time(tmp_path: Path):
    a, b = tmp_path / "a.log", tmp_path / "b.log"
    write(a, ["from a"])
    write(b, ["from b"])
    app = app_for(a, b)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: "from b" in screen_text(app) and "from a" in screen_text(app))
        assert "a.log from a" in screen_text(app)  # merged lines carry their source
        await pilot.press("right_square_bracket")
        assert visible(app) == ["from a"]
        await pilot.press("right_square_bracket")
        assert visible(app) == ["from b"]


async def test_markup_and_escapes_in_a_log_are_shown_as_plain_text(tmp_path: Path):
    log = tmp_path / "app.log"
    write(log, ["[bold red]not markup[/] \x1b[31mred\x1b[0m"])
    app = app_for(log)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: "not markup" in screen_text(app))
        assert visible(app) == ["[bold red]not markup[/] red"]


def test_the_model_keeps_at_most_max_lines_per_source_and_in_the_window():
    model = LogModel(["s"], max_lines=50)
    lines = [Line("s", i, f"l{i}") for i in range(120)]
    model.add([LogUpdate("s", lines, [LogEvent("s", EventKind.OPENED, 0.0)])])
    assert len(model.rings["s"]) == 50 and len(model.window) == 50
    assert model.window[0].text == "l70" and model.status["s"] == "following"


def test_a_flood_is_windowed_in_bulk_as_line_by_line():
    def state(batch: int) -> tuple:
        model = LogModel(["a", "b"], max_lines=300)
        for k in range(0, 2000, batch):
            source = "ab"[k // 1000 % 2]  # a long run of each source, so one drops out
            model.add([LogUpdate(source, [Line(source, i, f"{source}{i}")
                                          for i in range(k, k + batch)], [])])
        return list(model.window), +model._count, model._floor

    bulk, by_line = state(500), state(25)  # 500 lines a batch: the bulk path
    assert bulk == by_line
    assert bulk[2]["a"] is not None and bulk[2]["b"] is None  # "a" left the window


def test_the_screen_takes_a_dict_of_names_to_paths(tmp_path: Path):
    screen = LogsScreen({"app": tmp_path / "a.log", "db": tmp_path / "b.log"})
    assert list(screen.files) == ["app", "db"]


async def test_rows_drawn_from_the_cache_follow_the_lines_and_the_theme(tmp_path: Path):
    """Cached rows are keyed by line, not row: a flood shifting the window redraws them."""
    log = tmp_path / "app.log"
    write(log, [f"ERROR first {i}" for i in range(30)])
    app = app_for(log)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: "first 29" in screen_text(app))
        view = app.screen.query_one(LogView)
        colour = view.render_line(0)._segments[0].style
        write(log, [f"ERROR second {i}" for i in range(30)])
        await until(pilot, lambda: "second 29" in screen_text(app))
        assert "first" not in screen_text(app)
        app.theme = "textual-light" if app.theme != "textual-light" else "nord"
        await pilot.pause()
        assert view.render_line(0)._segments[0].style != colour


async def test_an_ascii_row_drawn_in_one_strip_equals_the_measured_one(tmp_path: Path):
    """The flood's row (ASCII: cut and padded by length) is what the cell-measured drawing of
    any text gives, ellipses at the edges included, panned or not."""
    log = tmp_path / "app.log"
    write(log, ["INFO one"])
    app = app_for(log)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: "one" in screen_text(app))
        view = app.screen.query_one(LogView)
        base = view.rich_style
        for text in ("", "ERROR short", "x" * 200, "\tat a.B.c(B.java:1)"):
            line = Line("src", 0, text)
            style = view._style(_LEVEL_CLASS[line.level]) if line.level else base
            for prefix, width, scroll_x in ((0, 80, 0), (4, 80, 0), (0, 5, 0), (4, 3, 0),
                                            (4, 4, 0), (0, 80, 3), (4, 10, 2), (0, 6, 190)):
                fast = view._draw(line, prefix, base, False, scroll_x, width)
                head = [Segment("src".ljust(prefix), view._style("logview--source"))] \
                    if prefix and prefix < width else []
                measured = fast if prefix >= width else view._draw_cells(
                    head, text.expandtabs(4), style, base, scroll_x, width - prefix, prefix)
                assert fast.cell_length == width
                assert [(s.text, s.style) for s in fast.simplify()] == \
                    [(s.text, s.style) for s in measured.simplify()], (text, prefix, width)


async def test_status_is_only_set_when_it_changes(tmp_path: Path, monkeypatch):
    """Setting the status re-lays out the whole screen, so unchanged text is not set again."""
    calls: list[object] = []
    app = app_for(tmp_path / "app.log")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LogsScreen)
        monkeypatch.setattr(screen.query_one("#logs-status", Static), "update", calls.append)
        screen._show_status("bad regex")
        screen._show_status("bad regex")
        screen._show_status()
    assert len(calls) == 2


def test_maintui_logs_with_paths_opens_them_with_or_without_the_full_parser(monkeypatch):
    """`maintui logs PATH...` skips the parser (and its imports); with options it parses."""
    import maintui.cli as cli
    import maintui.tui.logs_app as logs

    opened: list[list[str]] = []
    monkeypatch.setattr(logs, "open_paths",
                        lambda paths, wait=False: opened.append(list(paths)) or 0)
    built = cli.build_parser
    calls: list[int] = []
    monkeypatch.setattr(cli, "build_parser", lambda: calls.append(1) or built())
    assert cli.main(["logs", "a.log", "b.log"]) == 0 and calls == []
    assert cli.main(["logs", "--config", "/nonexistent.toml", "a.log"]) == 0 and calls == [1]
    assert opened == [["a.log", "b.log"], ["a.log"]]


# -- issue 12: the whole file, records, time ----------------------------------------------------

def marked_text(app: App) -> str:
    """The text of the line a jump went to (drawn reversed)."""
    view = app.screen.query_one(LogView)
    return next(ln.text for ln in view.lines if (ln.source, ln.offset) == view.marked)


def java_lines(n: int, start: int = 0, errors_every: int = 0) -> list[str]:
    out = []
    for i in range(start, start + n):
        stamp = f"2024-06-01 {10 + i // 3600:02d}:{i // 60 % 60:02d}:{i % 60:02d},000"
        if errors_every and i % errors_every == 0:
            out += [f"{stamp} ERROR [main] a.B: job {i} failed",
                    "java.lang.IllegalStateException: boom", "\tat a.B.c(B.java:1)"]
        else:
            out.append(f"{stamp} INFO [main] a.B: job {i} done")
    return out


async def test_n_finds_a_match_far_outside_the_loaded_tail(tmp_path: Path):
    log = tmp_path / "app.log"
    write(log, java_lines(30_000))
    app = app_for(log)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: "job 29999 done" in screen_text(app))
        await pilot.press("slash", *"job 123")  # job 123, 1230-1239, 12300-12399
        # the whole file's matching lines, not only those in the loaded tail
        await until(pilot, lambda: len(app.screen.query_one(LogView).lines) == 111)
        jobs = [123, *range(1230, 1240), *range(12300, 12400)]  # the hits in file order
        await pilot.press("enter")  # kept (Escape would drop it): the match after the top line
        await until(pilot, lambda: "match " in status(app) and "searching" not in status(app))
        k = int(status(app).split("match ", 1)[1].split(" ", 1)[0])
        assert f"match {k} of 111 in app.log" in status(app)
        assert marked_text(app).endswith(f"job {jobs[k - 1]} done")
        assert len(app.screen.query_one(LogView).lines) == 111
        for j in range(k - 1, 0, -1):  # back to the first, far above the loaded tail
            await pilot.press("N")
            await until(pilot, lambda j=j: f"match {j} of" in status(app))
        assert marked_text(app).endswith("job 123 done")
        await pilot.press("n")
        await until(pilot, lambda: "match 2 of" in status(app))
        assert marked_text(app).endswith("job 1230 done")
        await pilot.press("slash", "escape")  # the filter cleared: following the end again
        await until(pilot, lambda: "job 29999 done" in screen_text(app))
        assert status(app).startswith("following")


async def test_next_error_jumps_record_by_record_and_the_level_filter_keeps_traces(tmp_path):
    log = tmp_path / "app.log"
    write(log, java_lines(5000, errors_every=100))
    app = app_for(log)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: "job 4999 done" in screen_text(app))
        await pilot.press("home")  # the top of what is loaded (from job 48xx on)
        await pilot.press("less_than_sign")
        await until(pilot, lambda: "error 49 of 50 in app.log" in status(app))
        assert "job 4800 failed" in visible(app)[3]
        await pilot.press("greater_than_sign")
        await until(pilot, lambda: "error 50 of 50" in status(app))
        await pilot.press("e")  # errors only: the stack trace lines stay with their record
        await until(pilot, lambda: all("INFO" not in t for t in visible(app)))
        shown = visible(app)
        assert any(t.startswith("\tat a.B") for t in shown)
        assert any("IllegalStateException" in t for t in shown)


async def test_g_jumps_to_a_time(tmp_path: Path):
    log = tmp_path / "app.log"
    write(log, java_lines(20_000))
    app = app_for(log)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: "job 19999 done" in screen_text(app))
        await pilot.press("g", *"2024-06-01 10:30:00", "enter")
        await until(pilot, lambda: any("2024-06-01 10:30:00" in t for t in visible(app)))
        assert "at 2024-06-01 10:30:00" in status(app)


async def test_all_is_merged_by_the_lines_own_times(tmp_path: Path):
    a, b = tmp_path / "a.log", tmp_path / "b.log"
    write(a, [f"2024-06-01 10:00:{s:02d},000 INFO [m] a: a{s}" for s in range(0, 40, 2)])
    write(b, [f"2024-06-01 10:00:{s:02d},000 INFO [m] b: b{s}" for s in range(1, 40, 2)])
    app = LogsApp({"a": a, "b": b})
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: "b39" in screen_text(app))
        view = app.screen.query_one(LogView)
        seconds = [int(line.text[17:19]) for line in view.lines]
        assert seconds == sorted(seconds) and len(seconds) == 40


async def test_a_filter_covers_the_whole_file_not_only_the_loaded_tail(tmp_path: Path):
    log = tmp_path / "app.log"
    lines = java_lines(30_000, errors_every=1000)
    early, late = 10, len(lines) - 20  # far above the loaded tail (200 lines), and in it
    assert "done" in lines[early] and "done" in lines[late]
    lines[early] = lines[early].replace("done", "needle early")
    lines[late] = lines[late].replace("done", "needle late")
    write(log, lines)
    app = app_for(log)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: "job 29999 done" in screen_text(app))
        await pilot.press("slash", *"needle")
        # at once from the loaded tail, then the whole file's, found in the background
        await until(pilot, lambda: [ln.text for ln in app.screen.query_one(LogView).lines]
                    == [lines[early], lines[late]])
        assert status(app).startswith("following")
        await pilot.press("escape", "escape", "e")  # the level filter over the whole file
        await until(pilot, lambda: sum("ERROR" in ln.text for ln in
                                       app.screen.query_one(LogView).lines) == 30)
        shown = [ln.text for ln in app.screen.query_one(LogView).lines]
        assert all("ERROR" in t or not t[:1].isdigit() for t in shown)
        assert sum(t.startswith("\tat a.B") for t in shown) == 30  # records stay whole


async def test_a_following_screen_collects_young_objects_less_often_then_as_before(
        tmp_path: Path):
    log = tmp_path / "app.log"
    write(log, ["INFO one"])
    before = gc.get_threshold()
    app = app_for(log)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: "one" in screen_text(app))
        assert gc.get_threshold() == (max(before[0], GC_YOUNG), *before[1:])
    assert gc.get_threshold() == before


async def test_a_level_filter_below_error_covers_the_whole_file(tmp_path: Path):
    """`l` to WARNING: the file's warnings and errors far above the loaded tail, with their
    stack traces (the whole-file level search reads a chunk's level words at once)."""
    log = tmp_path / "app.log"
    lines = java_lines(30_000, errors_every=1000)
    for at in (50, 15_000):  # far above the loaded tail (200 lines)
        lines[at] = lines[at].replace(" INFO ", " WARN ")
    write(log, lines)
    app = app_for(log)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: "job 29999 done" in screen_text(app))
        await pilot.press("l", "l")  # INFO, then WARNING
        await until(pilot, lambda: "level ≥ WARNING" in status(app)
                    and "filtering" not in status(app)
                    and sum(" WARN " in ln.text for ln in
                            app.screen.query_one(LogView).lines) == 2, timeout=10)
        shown = [ln.text for ln in app.screen.query_one(LogView).lines]
        assert sum(" ERROR " in t for t in shown) == 30
        assert sum(t.startswith("\tat a.B") for t in shown) == 30  # records stay whole
        assert not any(" INFO " in t for t in shown)
        assert shown.index(lines[50]) < shown.index(lines[15_000])  # in file order


async def test_a_new_keystroke_cancels_the_whole_file_filter_of_the_last(tmp_path: Path,
                                                                        monkeypatch):
    log = tmp_path / "app.log"
    write(log, java_lines(200_000))
    runs: list[tuple[int, int]] = []  # (bytes searched, file size) per whole-file search
    run = FileSearch.run

    def spy(self, progress=None, cancelled=lambda: False):
        hits = run(self, progress, cancelled)
        runs.append((hits.size, log.stat().st_size))
        return hits

    monkeypatch.setattr(FileSearch, "run", spy)
    monkeypatch.setattr(search, "CHUNK", 16 << 10)  # a slow search: keys come in meanwhile
    app = app_for(log)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: "job 199999 done" in screen_text(app))
        await pilot.press("slash")
        field = app.screen.query_one(Input)
        for typed in ("job 1", "job 12", "job 123", "job 1234", "job 12345 "):  # fast typing
            field.value = typed
        await until(pilot, lambda: "filtering" not in status(app) and runs, timeout=20)
        await until(pilot, lambda: [ln.text for ln in app.screen.query_one(LogView).lines]
                    == ["2024-06-01 13:25:45,000 INFO [main] a.B: job 12345 done"])
        # the searches for the earlier values were cancelled, before or while they ran
        assert sum(done == size for done, size in runs) < 5


async def test_the_whole_file_filter_in_all_is_merged_by_time(tmp_path: Path):
    logs = []
    for name, phase in (("a.log", 0), ("b.log", 250)):
        lines = java_lines(3000)
        for i in range(phase, 3000, 500):  # needles at 0, 500, … and 250, 750, …
            lines[i] = lines[i].replace("done", "needle")
        logs.append(tmp_path / name)
        write(logs[-1], lines)
    app = app_for(*logs)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: "job 2999 done" in screen_text(app))
        await pilot.press("slash", *"needle")
        await until(pilot, lambda: len(app.screen.query_one(LogView).lines) == 12)
        shown = [(ln.source, int(ln.text.split("job ")[1].split()[0]))
                 for ln in app.screen.query_one(LogView).lines]
        assert [job for _, job in shown] == list(range(0, 3000, 250))
        assert [s for s, _ in shown] == ["a.log", "b.log"] * 6


async def test_previous_error_waits_for_the_search_to_pass_the_line_it_starts_from(tmp_path):
    """`<` from the end of a file several search chunks long: the search reads from the top,
    so the first errors it finds are not the previous one; the view waits for that."""
    log = tmp_path / "app.log"
    write(log, java_lines(250_000, errors_every=100))  # ~12 MB, 2,500 errors
    app = app_for(log)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: "job 249999 done" in screen_text(app))
        await pilot.press("home", "less_than_sign")
        await until(pilot, lambda: "error " in status(app) and " of " in status(app), timeout=30)
        assert "error 1 of" not in status(app)
        await until(pilot, lambda: "searching" not in status(app), timeout=30)
        assert "error 2,499 of 2,500 in app.log" in status(app), status(app)  # the one above


# -- 80 columns: long lines, odd characters, binary files, the status line -----------------


def rows(app: App) -> list[Strip]:
    view = app.screen.query_one(LogView)
    return [view.render_line(y) for y in range(view.size.height)]


async def test_a_long_line_ends_in_an_ellipsis_and_the_arrows_pan_to_the_rest(tmp_path: Path):
    log = tmp_path / "app.log"
    long = "2026-12-05 10:00:00 INFO GET /api/v1/items call " + "x" * 60 + " called by dave"
    write(log, [long, "short"])
    app = app_for(log)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: "short" in screen_text(app))
        first, second = screen_text(app).splitlines()[:2]
        assert first.endswith("x…") and "dave" not in first  # cut, and it says so
        assert first == "12-05 10:00:00 INFO GET /api/v1/items call ".ljust(79, "x") + "…"
        assert second.rstrip() == "short"
        await until(pilot, lambda: "←→ Pan" in key_bar(app))
        await pilot.press("right")  # half the width a press, `…` where the line goes on left
        panned = screen_text(app).splitlines()[0]
        assert panned.startswith("…") and panned.rstrip().endswith("called by dave")
        await pilot.press("left")
        assert screen_text(app).splitlines()[0] == first


def key_bar(app: App) -> str:
    from maintui.tui.widgets.keybar import KeyBar
    bar = app.screen.query_one(KeyBar)
    return " ".join(f"{key.key_display} {key.description}" for key in bar.query("FooterKey"))


async def test_no_row_takes_more_cells_than_the_view_and_odd_characters_are_written_out(
        tmp_path: Path):
    log = tmp_path / "app.log"
    write(log, ["wide 日本語テキスト" * 8, "zero\u200bwidth \u202ertl mark e\u0301 \ue000 pua",
                "\tTAB" + "é" * 100, "\x1b]0;title\x07 \x1b[2J cleared"])
    app = app_for(log)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: "TAB" in screen_text(app))
        view = app.screen.query_one(LogView)
        width = view.scrollable_content_region.width
        for x in (0, 5, 39, 400):
            view.scroll_to(x=x, animate=False, immediate=True)
            assert {row.cell_length for row in rows(app)} == {width}, x
        view.scroll_to(x=0, animate=False, immediate=True)
        text = screen_text(app)
        assert "zero\\u200bwidth \\u202ertl mark e\u0301 \\ue000 pua" in text
        assert "^[]0;title^G ^[[2J cleared" in text  # shown, never sent to the terminal
        assert text.splitlines()[0].endswith("…")


async def test_a_binary_file_says_binary_file_not_shown_instead_of_mojibake(tmp_path: Path):
    binary, text = tmp_path / "binary.bin", tmp_path / "app.log"
    binary.write_bytes(os.urandom(200_000))
    write(text, ["2026-12-05 10:00:00 INFO hello"])
    app = app_for(binary, text)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: "binary.bin: binary file, not shown" in status(app))
        assert "hello" in screen_text(app) and "\ufffd" not in screen_text(app)
        await pilot.press("right_square_bracket")  # the binary file alone: says why it is empty
        assert visible(app) == []
        assert screen_text(app).splitlines()[0].startswith(f"{binary}: binary file, not shown"[:60])
        await pilot.press("slash", "x", "enter")  # nothing to search in it
        await until(pilot, lambda: "binary file, not searched" in status(app))


async def test_the_status_lines_fit_80_columns_by_priority_with_an_ellipsis(tmp_path: Path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    binary = tmp_path / "binary.bin"
    binary.write_bytes(os.urandom(20_000))
    logs = [tmp_path / f"service-with-a-long-name-{i}.log" for i in range(4)]
    for log in logs:
        write(log, ["2026-12-05 10:00:00 INFO up"])
    app = app_for(*logs, fifo, binary)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: "fifo: unreadable" in status(app) and "binary" in status(app))
        view_line, sources = status(app).split("\n")
        assert cell_len(sources) <= 80 and cell_len(view_line) <= 80
        # "All": the sources in trouble first, the rest counted
        assert sources.startswith("fifo: unreadable: not a regular file")
        assert sources.endswith("+4 following, 1 binary") or "following" in sources
        await pilot.press(*["right_square_bracket"] * 2)  # the second source, selected
        view_line, sources = status(app).split("\n")
        assert sources.startswith("service-with-a-long-name-1.log: following")
        assert cell_len(sources) <= 80
        app.screen._show_status("x" * 200)  # a long problem: cut with an ellipsis
        view_line = status(app).split("\n")[0]
        assert view_line.startswith("following · ") and view_line.endswith("x…")
        assert cell_len(view_line) == 80


def test_the_sources_line_puts_the_selected_first_and_counts_what_does_not_fit():
    state = {"app": "following", "worker": "following", "fifo": "unreadable: not a regular file",
             "binary.bin": "binary file, not shown", "esc.log": "following"}

    def line(selected, width):
        return "".join(text for text, _ in sources_line(state, selected, width))

    assert line(None, 200) == ("fifo: unreadable: not a regular file · binary.bin: binary file,"
                               " not shown · app: following · worker: following · esc.log:"
                               " following")
    assert line(None, 80) == "fifo: unreadable: not a regular file · +3 following, 1 binary"
    assert line("esc.log", 30) == "esc.log: following · +2 follo…"
    for width in range(3, 120):
        assert cell_len(line(None, width)) <= width and cell_len(line("app", width)) <= width
    assert [w for _, w in sources_line(state, "fifo", 80)][:2] == ["", "unreadable"]


def test_the_view_line_drops_the_lowest_priorities_first():
    parts = [(0, "following", "s"), (6, "648 lines", ""), (5, "level ≥ ERROR", ""),
             (1, "bad regex", "e")]
    assert status_line(parts, 80) == [("following", "s"), (" · ", ""), ("648 lines", ""),
                                      (" · ", ""), ("level ≥ ERROR", ""), (" · ", ""),
                                      ("bad regex", "e")]
    got = "".join(text for text, _ in status_line(parts, 30))
    assert got == "following · level… · bad regex"


async def test_b_shows_a_binary_file_as_escaped_text_on_request(tmp_path: Path):
    binary = tmp_path / "binary.bin"
    binary.write_bytes(b"\x00\x01\xff\xfe\x1b\x00" * 3000 + b"\nMAGIC\xff\x00\x07\n")
    app = app_for(binary)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: "binary file, not shown" in status(app))
        assert visible(app) == []
        await pilot.press("b")
        await until(pilot, lambda: "binary file, shown as text" in status(app))
        assert visible(app)[-1] == "MAGIC\\xff\u2400^G"  # escaped, never sent as it is
        assert {row.cell_length for row in rows(app)} == {app.screen.query_one(
            LogView).scrollable_content_region.width}
        await pilot.press("b")
        await until(pilot, lambda: "not a binary file" in status(app))
