"""The logs screen, driven through Pilot at 80x24: tail, follow, pause, filters, missing files."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from textual.app import App
from textual.widgets import Input, Static

from maintui.core.logs import search
from maintui.core.logs.search import FileSearch
from maintui.core.logs.tail import EventKind, Line, LogEvent, LogUpdate
from maintui.tui.models.logs import LogModel
from maintui.tui.screens.logs import LogsApp, LogsScreen
from maintui.tui.widgets.log_view import LogView


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
    import maintui.tui.screens.logs as logs

    opened: list[list[str]] = []
    monkeypatch.setattr(logs, "open_paths", lambda paths: opened.append(list(paths)) or 0)
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
        await pilot.press("escape", "home", "n")  # the next match after the top line
        await until(pilot, lambda: "match 2 of" in status(app))
        assert marked_text(app).endswith("job 1230 done")
        await until(pilot, lambda: "searching" not in status(app))
        assert "match 2 of 111 in app.log" in status(app)
        assert len(app.screen.query_one(LogView).lines) == 111
        await pilot.press("N")
        await until(pilot, lambda: "match 1 of" in status(app))
        assert marked_text(app).endswith("job 123 done")
        await pilot.press("escape")  # the filter cleared: following the end again
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
