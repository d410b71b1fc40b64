"""The logs screen from an operator's review: a text filter with a level filter keeps a stack
trace's matching lines (with their record's head shown for time and level), "All" searches and
jumps through every source by time, and Escape in the filter line drops the filter."""

from __future__ import annotations

import calendar
import time
from pathlib import Path

from maintui.core.logs.levels import Level
from maintui.tui.logs_app import LogsApp
from maintui.tui.widgets.keybar import KeyBar
from maintui.tui.widgets.log_view import LogView
from tests.ui.screens.test_logs import marked_text, status, until, write


def app_log(n: int, *, every: int = 40, start: int = 0, second: int = 0) -> list[str]:
    """A Python app's log as the demo writes it: INFO lines, a WARNING now and then, and an
    ERROR record every `every` lines whose traceback ends in `database is locked`."""
    out = []
    for i in range(start, start + n):
        stamp = f"2026-12-05 {i // 60 % 24:02d}:{i % 60:02d}:{second:02d},000"
        if i % every == every - 1:
            out += [f"{stamp} ERROR   app.db: failed to write event batch {i}",
                    "Traceback (most recent call last):",
                    '  File "/opt/app/app/db.py", line 88, in run',
                    "    con.execute(sql, rows)",
                    "sqlite3.OperationalError: database is locked"]
        elif i % 7 == 3:
            out.append(f"{stamp} WARNING app.http: cache hit ratio {i % 100}% is low")
        else:
            out.append(f"{stamp} INFO    app.http: request {i} served")
    return out


def two_logs(folder: Path) -> LogsApp:
    """`maintui logs` on two 600-line app logs, the worker's 30 s behind the app's."""
    a, b = folder / "app.log", folder / "worker.log"
    write(a, app_log(600))
    write(b, app_log(600, second=30))
    return LogsApp({"app": a, "worker": b})


def shown(app) -> list[str]:
    return [ln.text for ln in app.screen.query_one(LogView).lines]


def context(app) -> list[str]:
    view = app.screen.query_one(LogView)
    return [ln.text for ln in view.lines if (ln.source, ln.offset) in view.context]


async def test_a_text_filter_under_a_level_filter_keeps_the_stack_trace_lines_it_matches(
        tmp_path: Path):
    log = tmp_path / "app.log"
    write(log, app_log(400))  # 10 locked lines, all but the last far above the loaded tail
    app = LogsApp({"app.log": log})
    async with app.run_test(size=(120, 30)) as pilot:
        await until(pilot, lambda: "request 398 served" in "\n".join(shown(app)))
        for level in ("INFO", "WARNING", "ERROR"):  # l: ≥ INFO, ≥ WARNING, ≥ ERROR
            await pilot.press("l")
            assert f"level ≥ {level}" in status(app)
            if level == "INFO":
                await pilot.press("home", "slash", *"locked")
            # the continuation lines take their ERROR record's level: every one is kept,
            # each after its record's head (shown as context, not counted)
            await until(pilot, lambda: sum("locked" in t for t in shown(app)) == 10)
            assert "10 matching lines loaded · 440 in file" in status(app)
            heads = context(app)
            assert len(heads) == 10 and all(" ERROR " in t for t in heads)
            assert all(t.startswith("2026") or "locked" in t for t in shown(app))
            if level == "INFO":
                await pilot.press("enter")  # n from the top: a match, shown, not an empty view
                await until(pilot, lambda: "match " in status(app)
                            and "searching" not in status(app))
                assert "of 10 in app.log" in status(app)
                assert marked_text(app).endswith("database is locked")
                assert sum("locked" in t for t in shown(app)) == 10
                await pilot.press("n")
                await until(pilot, lambda: "match 2 of 10" in status(app)
                            or "match 3 of 10" in status(app))
        await pilot.press("l")  # every level again: the text alone, its heads still shown
        await until(pilot, lambda: "level" not in status(app)
                    and sum("locked" in t for t in shown(app)) == 10)


async def test_all_searches_and_jumps_to_a_time_through_every_source_by_time(tmp_path: Path):
    a, b = tmp_path / "app.log", tmp_path / "worker.log"
    write(a, app_log(600))
    write(b, app_log(600, every=35, second=30))
    app = LogsApp({"app": a, "worker": b})
    async with app.run_test(size=(120, 30)) as pilot:
        await until(pilot, lambda: "request 597 served" in "\n".join(shown(app)))
        await pilot.press("slash", *"cache hit", "enter")
        await until(pilot, lambda: "match " in status(app) and "searching" not in status(app))
        total = sum("cache hit" in t for t in app_log(600)) + sum(
            "cache hit" in t for t in app_log(600, every=35))
        assert f"of {total} in all" in status(app)
        sources = {ln.source for ln in app.screen.query_one(LogView).lines}
        assert sources == {"app", "worker"}  # the jump shows both sources' matches
        times = [t[:19] for t in shown(app)]
        assert times == sorted(times)  # merged by time
        # n walks the merged order: one match after the other, whichever file holds it
        seen = []
        for _ in range(6):
            before = marked_text(app)
            await pilot.press("n")
            await until(pilot, lambda before=before: marked_text(app) != before)
            seen.append(app.screen.query_one(LogView).marked[0])
            stamp = marked_text(app)[:19]
            assert stamp >= before[:19]
        assert set(seen) == {"app", "worker"}
        await pilot.press("slash", "escape", "g", *"2026-12-05 03:00", "enter")
        await until(pilot, lambda: "all at 2026-12-05 03:00:00" in status(app))
        lines = app.screen.query_one(LogView).lines
        assert {ln.source for ln in lines} == {"app", "worker"}
        assert marked_text(app)[:16] == "2026-12-05 03:00"


async def test_escape_in_the_filter_line_drops_the_filter_and_its_keys_are_shown(tmp_path):
    log = tmp_path / "app.log"
    write(log, app_log(100))
    app = LogsApp({"app.log": log})
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: "request 99 served" in "\n".join(shown(app)))
        every = len(shown(app))
        await pilot.press("slash", *"request 9")
        bar = app.screen.query_one(KeyBar)
        await pilot.pause()
        keys = " ".join(f"{k.key_display} {k.description}" for k in bar.query("FooterKey"))
        assert keys.startswith("esc Clear ⏎ Keep")
        await pilot.press("enter", "slash")  # kept, then back in the line: Escape drops it
        hits = sum("request 9" in t for t in app_log(100))
        await until(pilot, lambda: len(shown(app)) == hits)
        await pilot.press("escape")
        await until(pilot, lambda: len(shown(app)) == every)
        assert app.screen.query_one("#logs-filter").value == ""
        assert app.screen.focused is app.screen.query_one(LogView)


async def test_the_line_count_says_loaded_of_the_files_lines_whatever_the_filter(
        tmp_path, monkeypatch):
    from maintui.tui.screens import logs

    monkeypatch.setattr(logs, "COUNT_NOW", 0)  # counted in a worker, as a big file is
    lines = app_log(3000)  # 3,300 lines: the view loads the last 200
    log = tmp_path / "app.log"
    write(log, lines)
    app = LogsApp({"app.log": log})
    async with app.run_test(size=(120, 30)) as pilot:
        await until(pilot, lambda: "· 3,300 in file" in status(app))
        assert "200 lines loaded · 3,300 in file" in status(app)
        await pilot.press("l")  # ≥ INFO: every line again, found in the whole file
        await until(pilot, lambda: "matching lines loaded · 3,300 in file" in status(app)
                    and int(status(app).split(" matching")[0].split()[-1].replace(",", ""))
                    > 200)
        await pilot.press("e")  # errors: fewer lines than in the file, never more
        errors = sum(not t.startswith("2026") or " ERROR " in t for t in lines)
        await until(pilot, lambda: f"{errors:,} matching lines loaded · 3,300 in file"
                    in status(app))
        write(log, ["2026-12-05 23:59:00,000 INFO    app.http: one more"])
        await until(pilot, lambda: "· 3,301 in file" in status(app))  # followed: counted


SHARED = Path(__file__).resolve().parents[3].parent / "shared" / "logs"


async def test_json_lines_are_shown_as_time_level_message_and_v_shows_them_as_written():
    path = SHARED / "lnav_logfile_json.json"
    app = LogsApp({path.name: path})
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: "· 14 in file" in status(app))
        view = app.screen.query_one(LogView)
        rows = ["".join(s.text for s in view.render_line(y)) for y in range(view.size.height)]
        stamp = time.strftime("%m-%d %H:%M:%S", time.localtime(
            calendar.timegm((2013, 9, 6, 20, 0, 48, 0, 0, 0))))
        # at 80 columns the message is in view: time, level, message, as lnav shows them
        first = next(r for r in rows if "trace test" in r)
        assert first.startswith(f"{stamp} DEBUG    trace test")
        assert any("INFO     Starting up service" in r for r in rows)  # its colour codes gone
        await pilot.press("v")  # the lines as written
        rows = ["".join(s.text for s in view.render_line(y)) for y in range(view.size.height)]
        assert any(r.startswith('{"ts": "2013-09-06T20:00:48.124817Z"') for r in rows)
        await pilot.press("v", "slash", *"steve@")  # a field not shown is still searched
        await until(pilot, lambda: len(view.lines) == 1)
        assert "Shutting down service" in "".join(s.text for s in view.render_line(0))


async def test_a_2_mb_line_is_shown_cut_with_a_marker_and_a_match_past_the_cut_is_shown(
        tmp_path: Path):
    log = tmp_path / "big.log"
    write(log, ["before", "x" * 2_000_000 + " end", "after"])
    app = LogsApp({log.name: log})
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: "· 3 in file" in status(app))
        view = app.screen.query_one(LogView)
        row = "".join(s.text for s in view.render_line(1))
        assert row.endswith("x… [cut: 2.0 MB line]") and len(row) == 80
        await pilot.press("slash", "space", *"end")  # only past the cut: found in the file, shown
        await until(pilot, lambda: len(view.lines) == 1)
        assert "1 matching line loaded" in status(app)
        await pilot.press("enter")
        await until(pilot, lambda: "match 1 of 1" in status(app))
        assert [ln.text[:3] for ln in view.lines] == ["xxx"]
        assert "".join(s.text for s in view.render_line(0)).endswith("[cut: 2.0 MB line]")


async def test_maintui_logs_file_has_help_and_no_source_key_with_one_file(tmp_path: Path):
    from maintui.tui.screens.help import HelpScreen

    log = tmp_path / "app.log"
    write(log, app_log(10))
    app = LogsApp({log.name: log})
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: "in file" in status(app))
        bar = app.screen.query_one(KeyBar)
        await until(pilot, lambda: bool(bar.query("FooterKey")))
        keys = " ".join(f"{k.key_display} {k.description}" for k in bar.query("FooterKey"))
        assert "Source" not in keys and "? Help" in keys
        await pilot.press("right_square_bracket")  # does nothing, says nothing wrong
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))
        text = " ".join(str(w.render()) for w in app.screen.query("Static"))
        assert "Filter the lines" in text and "Jump to a time" in text
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, HelpScreen))


def test_maintui_logs_with_a_path_that_does_not_exist_exits_2_unless_told_to_wait(
        tmp_path: Path, capsys, monkeypatch):
    from maintui.cli import main
    from maintui.tui import logs_app as logs

    opened = []
    monkeypatch.setattr(logs.LogsApp, "run", lambda self: opened.append(self.sources))
    assert logs.open_paths([str(tmp_path / "nope.log")]) == 2
    err = capsys.readouterr().err
    assert "nope.log: no such file" in err and "--wait" in err
    assert opened == []
    assert logs.open_paths([str(tmp_path / "nope.log")], wait=True) == 0  # followed when made
    assert list(opened[0]) == ["nope.log"]
    try:
        main(["logs", "--help"])
    except SystemExit:
        pass
    out = capsys.readouterr().out
    assert "PATH" in out and "log files to follow" in out and "--wait" in out


def test_the_errors_list_shows_the_date_of_an_error_last_seen_before_today():
    from maintui.tui.widgets.triage import last_seen

    assert last_seen("2026-12-05 16:38", today="2026-12-05") == "16:38"
    assert last_seen("2026-12-04 16:38", today="2026-12-05") == "12-04"
    assert last_seen("", today="2026-12-05") == ""


async def test_a_followed_stack_trace_line_that_matches_comes_with_its_records_head(tmp_path):
    log = tmp_path / "app.log"
    write(log, app_log(30))  # no error record yet
    app = LogsApp({log.name: log})
    async with app.run_test(size=(120, 30)) as pilot:
        await until(pilot, lambda: "· 30 in file" in status(app))
        await pilot.press("slash", *"locked")
        await until(pilot, lambda: "0 matching lines loaded" in status(app))
        record = app_log(10, start=30)[-5:]  # the ERROR record of 39, its traceback
        write(log, record)
        await until(pilot, lambda: any("locked" in t for t in shown(app)))
        assert shown(app) == [record[0], record[-1]]
        assert context(app) == [record[0]]
        assert "1 matching line loaded" in status(app)



async def test_enter_right_after_the_filter_shrank_the_list_goes_to_the_first_match(
        tmp_path: Path):
    """A burst (`/`, then `payment` and Enter at once): Enter is handled after the filter
    shrank the list but before the view scrolled to its new end, so the top line must not
    be read at the old scroll position (it was an IndexError)."""
    from textual.widgets import Input

    app = two_logs(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: "in files" in status(app))
        view = app.screen.query_one(LogView)
        await until(pilot, lambda: view.scroll_y > 300)  # at the end of the merged tails
        await pilot.press("slash")
        field = app.screen.query_one("#logs-filter", Input)
        with field.prevent(Input.Changed):
            field.value = "request 59"
        app.screen._filter_typed(Input.Changed(field, field.value))  # no refresh between
        app.screen.action_close_filter()
        assert len(view.lines) < view.scroll_y  # the position left from the longer list
        await until(pilot, lambda: "match 1 of" in status(app))
        assert "request 59" in marked_text(app)


async def test_a_json_file_created_after_the_screen_opened_is_shown_by_its_fields(tmp_path):
    """`maintui logs --wait FILE`: the file's format is judged when it appears."""
    path = tmp_path / "events.json"
    app = LogsApp({path.name: path})
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: "waiting" in status(app))
        write(path, [f'{{"time": "2026-12-05T13:13:{i:02d}Z", "level": "warn", '
                     f'"msg": "event number {i}"}}' for i in range(30)])
        view = app.screen.query_one(LogView)
        await until(pilot, lambda: len(view.lines) == 30)
        shown = {time.strftime("%m-%d %H:%M:%S", time.localtime(calendar.timegm(
            (2026, 12, 5, 13, 13, i, 0, 0, 0)))) + f" WARNING  event number {i}"
            for i in range(30)}  # as a restart shows them
        rows = ["".join(s.text for s in view.render_line(y)).rstrip()
                for y in range(view.size.height)]
        assert len(rows) > 10 and set(rows) <= shown
        assert all(ln.level is Level.WARNING for ln in view.lines)
        await pilot.press("v")  # as written
        rows = ["".join(s.text for s in view.render_line(y)) for y in range(view.size.height)]
        assert any(r.startswith('{"time": "2026-12-05T13:13:29Z"') for r in rows)


async def test_a_filter_in_all_shows_the_files_older_matches_merged_by_time_with_the_tail(
        tmp_path: Path):
    """A busy file's older matches (found in the whole file) are newer than a quiet file's
    loaded lines: they go among them by time, not all before them."""
    app_path, worker_path = tmp_path / "app.log", tmp_path / "worker.log"
    write(app_path, app_log(600))  # 00:00 to 09:59, the tail from about 06:50
    write(worker_path, [f"2026-12-05 {3 + k // 60:02d}:{k % 60:02d}:30,000 INFO    "
                        f"worker.jobs: request {k} served" for k in range(150)])
    app = LogsApp({"app": app_path, "worker": worker_path})
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: "in files" in status(app))
        await pilot.press("slash", *"served")
        await until(pilot, lambda: "filtering" not in status(app)
                    and shown(app)[0].startswith("2026-12-05 00:00:00"))
        stamps = [t[11:19] for t in shown(app)]
        assert stamps == sorted(stamps)
        assert len([t for t in shown(app) if "worker.jobs" in t]) == 150
        await pilot.press("escape")  # every line: the read back on scrolling up is merged too
        await until(pilot, lambda: "matching" not in status(app))
        for _ in range(3):
            await pilot.press("home")
            await pilot.pause(0.3)
        stamps = [ln.text[11:19] for ln in app.screen.query_one(LogView).lines
                  if ln.text[:4] == "2026"]
        assert stamps == sorted(stamps)


async def test_maintui_logs_help_says_which_files_and_v_is_in_the_key_line_for_json(tmp_path):
    from maintui.tui.screens.help import HelpScreen

    def footer(app) -> str:
        return " ".join(f"{k.key_display} {k.description}"
                        for k in app.screen.query_one(KeyBar).query("FooterKey"))

    text, events = tmp_path / "app.log", tmp_path / "events.json"
    write(text, app_log(10))
    app = LogsApp({text.name: text, events.name: events})  # the JSON file comes later
    async with app.run_test(size=(100, 24)) as pilot:
        await until(pilot, lambda: "in files" in status(app) and "Filter" in footer(app))
        assert "Raw" not in footer(app)  # no JSON or logfmt source: v does nothing
        write(events, ['{"time": "2026-12-05T13:13:00Z", "level": "warn", "msg": "event"}'])
        await until(pilot, lambda: "v Raw" in footer(app))
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))
        assert app.screen.query_one("#help").border_title == \
            "Help · Logs: follow app.log, events.json"


async def test_a_filter_typed_in_one_burst_behind_the_slash_goes_to_the_filter(tmp_path):
    """`/payment⏎` as a terminal sends it: every key queued before the first is handled.
    The keys behind / go to the filter (not to the view, where p pauses and e filters
    errors), and Enter goes to a match of the whole text."""
    from textual import events
    from textual.widgets import Input

    app = two_logs(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: "in files" in status(app))
        for key, char in [("slash", "/"), *((c, c) for c in "request 59"), ("enter", "\r")]:
            app.post_message(events.Key("space" if char == " " else key, char))
        await until(pilot, lambda: "match 1 of" in status(app))
        assert app.screen.query_one("#logs-filter", Input).value == "request 59"
        assert "request 59" in marked_text(app)
        assert "level" not in status(app) and not app.screen.query_one("#logs-filter").has_focus
