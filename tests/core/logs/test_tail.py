"""The log follower: opening huge files at the end, reading back, following, surviving rotation."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from maintui.core.ansi import clean, strip_ansi
from maintui.core.logs.follow import Follower
from maintui.core.logs.levels import Level, LevelTracker, LineFilter, level_of
from maintui.core.logs.tail import EventKind, Line, LogFile, LogState, LogUpdate


def kinds(update: LogUpdate) -> list[EventKind]:
    return [e.kind for e in update.events]


def texts(lines: list[Line]) -> list[str]:
    return [line.text for line in lines]


@pytest.fixture(scope="module")
def big_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """~50 MB, 500k numbered lines."""
    path = tmp_path_factory.mktemp("big") / "big.log"
    block = "".join(f"2024-01-01 10:00:00 INFO line {i:07d} {'x' * 70}\n" for i in range(10_000))
    with path.open("w") as f:
        for b in range(50):
            f.write(block.replace("line 0", f"line {b:02d}", 10_000) if b else block)
    return path


def numbered(path: Path, count: int, start: int = 0) -> list[str]:
    lines = [f"line {i}" for i in range(start, start + count)]
    with path.open("a") as f:
        f.write("".join(f"{line}\n" for line in lines))
    return lines


# -- opening at the end, reading back ------------------------------------------------------


def test_a_50mb_file_opens_at_its_end_reading_only_a_few_chunks(big_log: Path):
    log = LogFile(big_log)
    last = log.tail(30)
    expected = big_log.read_bytes()[-3_000_000:].decode().splitlines()[-30:]
    assert texts(last) == expected
    assert log.bytes_read < 256 * 1024
    assert log.state is LogState.FOLLOWING


def test_the_kth_line_from_the_end_is_found_without_reading_the_rest(big_log: Path):
    log = LogFile(big_log)
    log.tail(1)
    line = log.line_from_end(400_000)
    all_lines = big_log.read_text().splitlines()
    assert line is not None and line.text == all_lines[-400_000]
    assert len(log._index) <= log._index.max_chunks  # bounded however far back it went


def test_reading_back_across_chunk_boundaries_matches_the_file_exactly(tmp_path: Path):
    path = tmp_path / "a.log"
    expected = numbered(path, 1000)
    log = LogFile(path, chunk_size=64, max_chunks=4)  # many tiny chunks, a tiny cache
    got = log.tail(7)
    while len(got) < 1000:
        older = log.lines_before(got[0], 13)
        assert older, "ran out before the first line"
        got = older + got
    assert texts(got) == expected
    assert [line.offset for line in got[:3]] == [0, 7, 14]
    assert log.lines_before(got[0], 5) == []


def test_lines_before_a_byte_offset_are_the_complete_lines_ending_there(tmp_path: Path):
    path = tmp_path / "a.log"
    path.write_text("aa\nbb\ncc\ndd\n")
    log = LogFile(path)
    log.tail(1)
    assert texts(log.lines_before(7, 10)) == ["aa", "bb"]  # 7 is inside "cc"
    assert texts(log.lines_before(6, 1)) == ["bb"]


def test_lines_before_a_line_of_a_replaced_file_returns_nothing(tmp_path: Path):
    path = tmp_path / "a.log"
    numbered(path, 10)
    log = LogFile(path)
    anchor = log.tail(1)[0]
    path.write_text("")  # truncated: offsets of the old content mean nothing now
    log.poll()
    assert log.lines_before(anchor, 5) == []


# -- following ---------------------------------------------------------------------------


def test_appended_lines_are_delivered_in_order_with_their_offsets(tmp_path: Path):
    path = tmp_path / "a.log"
    numbered(path, 5)
    log = LogFile(path)
    log.tail(5)
    assert kinds(log.poll()) == [EventKind.OPENED]
    new = numbered(path, 3, start=5)
    update = log.poll()
    assert texts(update.lines) == new
    assert update.lines[0].offset == len("".join(f"line {i}\n" for i in range(5)))


def test_a_partial_line_at_eof_is_held_until_its_newline_arrives(tmp_path: Path):
    path = tmp_path / "a.log"
    path.write_text("one\ntw")
    log = LogFile(path)
    assert texts(log.tail(5)) == ["one"]
    assert log.poll().lines == []
    with path.open("a") as f:
        f.write("o")
    assert log.poll().lines == []
    with path.open("a") as f:
        f.write("\nthr")
    update = log.poll()
    assert texts(update.lines) == ["two"] and update.lines[0].offset == 4


def test_a_flood_is_read_in_bounded_batches_flagged_more(tmp_path: Path):
    path = tmp_path / "a.log"
    path.write_text("")
    log = LogFile(path)
    log.tail(1)
    numbered(path, 300_000)  # ~3.5 MB: more than one read
    first = log.poll()
    assert first.more and 0 < len(first.lines) < 300_000
    total = len(first.lines)
    while (update := log.poll()).more or update.lines:
        total += len(update.lines)
    assert total == 300_000


def test_a_backlog_beyond_the_limit_jumps_to_the_end_and_says_so(tmp_path: Path):
    path = tmp_path / "a.log"
    path.write_text("")
    log = LogFile(path, max_backlog=1 << 20)
    log.tail(1)
    numbered(path, 400_000)
    update = log.poll()
    assert EventKind.SKIPPED in kinds(update)
    rest = update.lines
    while (more := log.poll()).lines:
        rest += more.lines
    assert rest[-1].text == "line 399999" and len(rest) < 200_000


def test_a_64k_line_is_cut_with_a_marker_and_the_next_line_is_intact(tmp_path: Path):
    path = tmp_path / "a.log"
    path.write_text("")
    log = LogFile(path)
    log.tail(1)
    with path.open("a") as f:
        f.write("A" * 65536 + "\nafter\n")
    update = log.poll()
    assert len(update.lines) == 2
    assert update.lines[0].text.startswith("A" * 8192) and "cut 57344 bytes" in update.lines[0].text
    assert update.lines[1].text == "after" and update.lines[1].offset == 65537


def test_a_long_line_written_in_pieces_is_cut_the_same_way(tmp_path: Path):
    path = tmp_path / "a.log"
    path.write_text("")
    log = LogFile(path, max_line=100)
    log.tail(1)
    for _ in range(5):
        with path.open("a") as f:
            f.write("B" * 60)
        assert log.poll().lines == []
    with path.open("a") as f:
        f.write("\n")
    (line,) = log.poll().lines
    assert line.text == "B" * 100 + " …[cut 200 bytes]"


# -- rotation, truncation, deletion, unreadable -------------------------------------------


def test_rotation_finishes_the_old_file_then_follows_the_new_one(tmp_path: Path):
    path = tmp_path / "app.log"
    numbered(path, 2)
    log = LogFile(path)
    log.tail(2)
    log.poll()
    with path.open("a") as f:
        f.write("last of old\n")
    path.rename(tmp_path / "app.log.1")
    path.write_text("first of new\n")
    update = log.poll()
    assert kinds(update) == [EventKind.ROTATED]
    assert texts(update.lines) == ["last of old", "first of new"]
    assert update.lines[1].generation > update.lines[0].generation
    assert log.state is LogState.FOLLOWING


def test_truncation_restarts_from_the_top(tmp_path: Path):
    path = tmp_path / "a.log"
    numbered(path, 50)
    log = LogFile(path)
    log.tail(5)
    log.poll()
    path.write_text("fresh\n")
    update = log.poll()
    assert kinds(update) == [EventKind.TRUNCATED]
    assert texts(update.lines) == ["fresh"] and update.lines[0].offset == 0


def test_a_deleted_file_is_waited_for_and_followed_from_its_start_when_back(tmp_path: Path):
    path = tmp_path / "a.log"
    path.write_text("before\ntail-without-newline")
    log = LogFile(path)
    log.tail(5)
    log.poll()
    path.unlink()
    gone = log.poll()
    assert kinds(gone) == [EventKind.MISSING] and log.state is LogState.WAITING
    assert texts(gone.lines) == ["tail-without-newline"]  # the file is finished: flush it
    assert log.poll().events == []  # said once, not on every poll
    path.write_text("again\n")
    back = log.poll()
    assert kinds(back) == [EventKind.OPENED] and texts(back.lines) == ["again"]


def test_a_missing_file_at_start_is_waiting_not_an_error(tmp_path: Path):
    log = LogFile(tmp_path / "nope.log")
    assert log.tail(10) == []
    assert log.state is LogState.WAITING
    assert kinds(log.poll()) == [EventKind.MISSING]


def test_a_directory_is_reported_unreadable_with_the_reason(tmp_path: Path):
    log = LogFile(tmp_path)
    assert log.tail(10) == []
    update = log.poll()
    assert log.state is LogState.UNREADABLE and update.events[0].detail == "is a directory"


def test_permission_denied_is_reported_and_retried(tmp_path: Path, monkeypatch):
    path = tmp_path / "secret.log"
    path.write_text("hidden\n")
    real_open = os.open

    def denied(p, *args, **kw):
        if Path(p) == path:
            raise PermissionError(13, "Permission denied")
        return real_open(p, *args, **kw)

    monkeypatch.setattr(os, "open", denied)
    log = LogFile(path)
    assert log.tail(5) == []
    assert (log.state, log.reason) == (LogState.UNREADABLE, "permission denied")
    assert kinds(log.poll()) == [EventKind.UNREADABLE]
    monkeypatch.setattr(os, "open", real_open)
    update = log.poll()
    assert log.state is LogState.FOLLOWING and texts(update.lines) == ["hidden"]


# -- content: binary, encodings, escapes, levels --------------------------------------------


def test_binary_garbage_and_invalid_utf8_never_crash_and_show_printable_text(tmp_path: Path):
    path = tmp_path / "a.log"
    path.write_bytes(b"ok\n" + bytes(range(256)) + b"\n\xff\xfe bad \xc3\x28 utf8\nnul\x00byte\n")
    lines = LogFile(path).tail(10)
    assert lines[0].text == "ok"
    assert all(ch.isprintable() or ch == "\t" for line in lines for ch in line.text)
    assert lines[-2].text == "\ufffd\ufffd bad \ufffd( utf8" and lines[-1].text == "nul\u2400byte"  # issue 12: shown


def test_escape_codes_in_a_followed_file_are_stripped(tmp_path: Path):
    path = tmp_path / "a.log"
    path.write_text("")
    log = LogFile(path)
    log.tail(1)
    path.write_text("\x1b[31mERROR\x1b[0m red\r\n")
    (line,) = log.poll().lines
    assert (line.text, line.level) == ("ERROR red", Level.ERROR)


@pytest.mark.parametrize(
    ("raw", "plain"),
    [
        ("\x1b[1;31mred\x1b[0m", "red"),  # CSI SGR
        ("\x1b[2K\x1b[1Gline", "line"),  # CSI erase + cursor
        ("\x1b[?25lhidden cursor\x1b[?25h", "hidden cursor"),  # private CSI
        ("\x1b]0;title\x07text", "text"),  # OSC ended by BEL
        ("\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\", "link"),  # OSC 8 hyperlink, ST
        ("\x1bPdcs stuff\x1b\\after", "after"),  # DCS
        ("\x1b(Bcharset \x1b7saved\x1b8", "charset saved"),  # nF and single-char escapes
        ("\x9b31mc1 csi", "c1 csi"),  # 8-bit CSI
        ("trailing \x1b", "trailing "),  # lone ESC
        ("no escapes [b]at all[/b]", "no escapes [b]at all[/b]"),
    ],
)
def test_strip_ansi_removes_every_kind_of_escape(raw: str, plain: str):
    assert strip_ansi(raw) == plain


def test_clean_drops_controls_keeps_tabs_and_the_last_carriage_return_segment():
    assert clean("a\x00b\x07c\td\x7f") == "abc\td"
    assert clean("progress 10%\rprogress 100%\r") == "progress 100%"


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("2024-01-01 10:00:00 CRITICAL disk full", Level.CRITICAL),
        ("FATAL: cannot start", Level.CRITICAL),
        ("12:00 ERROR db: timeout", Level.ERROR),
        ("[WARN] slow query", Level.WARNING),
        ("WARNING low memory", Level.WARNING),
        ("ts=1 level=info msg=ok", Level.INFO),
        ('{"level": "debug", "msg": "x"}', Level.DEBUG),
        ("error: could not open", Level.ERROR),
        ("[error] upstream closed", Level.ERROR),
        ("no error found in stderr", Level.NONE),
        ("INFORMATION DEBUGGING", Level.NONE),
        ("INFO retrying after ERROR", Level.INFO),  # the first level named wins
    ],
)
def test_level_of_a_line(text: str, level: Level):
    assert level_of(text) is level


def test_every_line_of_a_python_traceback_is_an_error(tmp_path: Path):
    path = tmp_path / "a.log"
    path.write_text(
        "2024 INFO starting\n"
        "Traceback (most recent call last):\n"
        '  File "app.py", line 3, in <module>\n'
        "    main()\n"
        "    ^^^^^^\n"
        "KeyError: 'x'\n"
        "\n"
        "During handling of the above exception, another exception occurred:\n"
        "\n"
        "Traceback (most recent call last):\n"
        '  File "app.py", line 5, in <module>\n'
        "mypkg.Oops: boom\n"
        "2024 INFO recovered\n"
    )
    lines = LogFile(path).tail(20)
    flags = [(line.level, line.traceback) for line in lines]
    assert flags[0] == (Level.INFO, False) and flags[-1] == (Level.INFO, False)
    assert flags[6] == (Level.NONE, False)  # the blank line after a finished traceback
    assert all(flag == (Level.ERROR, True) for i, flag in enumerate(flags[1:-1], 1) if i != 6)


def test_a_traceback_cut_by_the_read_window_is_still_recognised_by_its_frames():
    tracker = LevelTracker()
    assert tracker.classify('  File "x.py", line 1, in f') == (Level.ERROR, True)
    assert tracker.classify("    f()") == (Level.ERROR, True)
    assert tracker.classify("ValueError: nope") == (Level.ERROR, True)
    assert tracker.classify("plain") == (Level.NONE, False)


def test_a_line_without_traceback_context_is_judged_from_its_text_when_asked():
    assert Line("s", 0, "12:00 ERROR db: timeout").level is Level.ERROR
    assert Line("s", 0, "ERROR but told otherwise", Level.INFO).level is Level.INFO
    assert Line("s", 0, "plain").level is Level.NONE


MIXED = (
    "2024 INFO plain ascii\n"
    "level=warn msg=slow\n"
    "Traceback (most recent call last):\n"
    '  File "app.py", line 3, in <module>\n'
    "KeyError: 'x'\n"
    "caf\u00e9 ERROR non-ascii\n"
    "\x1b[31mCRITICAL\x1b[0m coloured\n"
    + "x" * 300 + " WARNING long\n"
    "\n"
    "error: opens the line\n"
)


def reference(data: bytes, max_line: int) -> list[tuple[int, str, Level, bool]]:
    """What a line-by-line reader makes of `data`: offsets, cleaned text, level, traceback."""
    tracker, offset, out = LevelTracker(), 0, []
    for raw in data.split(b"\n")[:-1]:
        text = clean(raw[:max_line].decode("utf-8", "replace"))
        if len(raw) > max_line:
            text += f" …[cut {len(raw) - max_line} bytes]"
        out.append((offset, text, *tracker.classify(text)))
        offset += len(raw) + 1
    return out


@pytest.mark.parametrize("blocks", [
    [MIXED],  # one read with everything: read line by line
    ["2024 INFO a\n" * 50, "level=error b\n" * 50 + "partial", " end WARNING\nDEBUG x\n"],  # bulk
    ["INFO before\n" * 5 + "Traceback (most recent call last):\n", '  File "a.py"\n' * 3,
     "ValueError: v\n" + "ERROR after\n" * 5],  # a traceback across reads
    [MIXED * 20, "INFO tail\n" * 30],
])
def test_bulk_and_line_by_line_reads_give_the_same_lines(tmp_path: Path, blocks: list[str]):
    """Whichever way a read is turned into lines (bulk for plain ASCII), the lines agree."""
    path = tmp_path / "a.log"
    path.write_text("")
    log = LogFile(path, max_line=256)
    log.tail(1)
    got = []
    for block in blocks:
        with path.open("a") as f:
            f.write(block)
        got += [(ln.offset, ln.text, ln.level, ln.traceback) for ln in log.poll().lines]
    assert got == reference(path.read_bytes(), 256)


# -- filters ------------------------------------------------------------------------------


def line(text: str, level: Level = Level.NONE) -> Line:
    return Line("s", 0, text, level)


def test_text_filter_is_case_insensitive_and_literal():
    f = LineFilter.build("Disk.Full")
    assert f.matches(line("DISK.FULL on /")) and not f.matches(line("disk full"))


def test_regex_filter_between_slashes():
    f = LineFilter.build("/time(out|d out)/")
    assert f.matches(line("TIMED OUT")) and f.matches(line("timeout")) and not f.matches(line("time"))


def test_a_bad_regex_is_a_value_error_with_the_reason():
    with pytest.raises(ValueError, match="bad regex"):
        LineFilter.build("/(unclosed/")


def test_minimum_level_keeps_that_level_and_above_and_drops_unlevelled_lines():
    f = LineFilter.build("", Level.WARNING)
    assert f.matches(line("x", Level.ERROR)) and f.matches(line("x", Level.WARNING))
    assert not f.matches(line("x", Level.INFO)) and not f.matches(line("x"))
    assert LineFilter.build().matches(line("x")) and not LineFilter.build().active


def test_a_set_of_levels_keeps_only_those():
    f = LineFilter(levels=frozenset({Level.DEBUG}))
    assert f.matches(line("x", Level.DEBUG)) and not f.matches(line("x", Level.ERROR))


# -- the follower thread ----------------------------------------------------------------


def test_the_follower_delivers_tails_then_appends_and_stops_on_its_event(tmp_path: Path):
    a, b = tmp_path / "a.log", tmp_path / "b.log"
    numbered(a, 3)
    batches: list[list[LogUpdate]] = []
    started, got = threading.Event(), threading.Event()

    def deliver(updates: list[LogUpdate]) -> None:
        batches.append(updates)
        started.set()
        if any(line.text == "line 3" for u in updates for line in u.lines):
            got.set()

    follower = Follower([LogFile(a), LogFile(b)], deliver, interval=0.01, tail=2)
    with follower:
        assert started.wait(5)
        numbered(a, 1, start=3)
        assert got.wait(5)
    assert not follower.running
    first = {u.source: u for u in batches[0]}
    assert texts(first["a.log"].lines) == ["line 1", "line 2"]
    assert first["b.log"].state is LogState.WAITING


def test_the_follower_stops_when_its_receiver_is_gone(tmp_path: Path):
    def deliver(updates: list[LogUpdate]) -> None:
        raise RuntimeError("app closed")

    follower = Follower([LogFile(tmp_path / "x.log")], deliver, interval=0.01).start()
    follower._thread.join(5)
    assert not follower.running


@pytest.mark.parametrize("tail_bytes", [b"x" * 60 + b"\nlast line ERROR\n", b"y" * 10])
def test_a_10_gb_sparse_file_opens_reading_a_bounded_window(tmp_path: Path, tail_bytes: bytes):
    """A file with no newline in its last part (sparse, binary, one huge line) is not scanned to
    its start for a line boundary: at most SCAN_BACK bytes are read, the cut line says so."""
    from maintui.core.logs.tail import SCAN_BACK

    path = tmp_path / "huge.log"
    with path.open("wb") as f:
        f.truncate(10 << 30)
        f.seek((10 << 30) - len(tail_bytes))
        f.write(tail_bytes)
    read: list[int] = []
    log = LogFile(path)
    real = log._pread
    log._pread = lambda offset, size: read.append(size) or real(offset, size)
    lines = log.tail(100)
    assert sum(read) <= 2 * SCAN_BACK + 4 * log._index.chunk_size  # not 10 GB
    if tail_bytes.endswith(b"\n"):
        assert texts(lines)[-1] == "last line ERROR"
        assert "[cut" in lines[0].text
    else:
        assert lines == []


# -- issue 12 ----------------------------------------------------------------------------------

def test_nul_bytes_are_shown_not_dropped(tmp_path):
    from maintui.core.logs.tail import NUL_SIGN, LogFile
    path = tmp_path / "a.log"
    path.write_bytes(b"\x00\x00\x00hello\nworld\x00x\n")
    log = LogFile(path)
    try:
        assert [ln.text for ln in log.tail(10)] == [NUL_SIGN * 3 + "hello", f"world{NUL_SIGN}x"]
    finally:
        log.close()


def test_copytruncate_then_a_longer_write_loses_and_repeats_nothing(tmp_path):
    from maintui.core.logs.tail import EventKind, LogFile
    path = tmp_path / "a.log"
    path.write_bytes(b"l1\nl2\nl3\n")
    log = LogFile(path)
    try:
        log.tail(10)
        with path.open("ab") as fh:
            fh.write(b"l4\n")
        assert [ln.text for ln in log.poll().lines] == ["l4"]
        with path.open("r+b") as fh:  # copytruncate, and the writer goes on past the old end
            fh.truncate(0)
        with path.open("ab") as fh:
            fh.write(b"n1 this is a longer line\nn2 another line\n")
        update = log.poll()
        assert [ln.text for ln in update.lines] == ["n1 this is a longer line", "n2 another line"]
        assert [e.kind for e in update.events] == [EventKind.TRUNCATED]
        assert log.poll().lines == []
    finally:
        log.close()


def test_a_file_created_after_following_started_has_its_format_judged_and_again_on_rotation(
        tmp_path: Path):
    from functools import partial

    from maintui.core.logs import formats

    path = tmp_path / "events.log"
    log = LogFile(path, fmt=None, detect=partial(formats.detect, extra=()))
    assert log.tail(10) == [] and log.fmt is None
    with path.open("w") as f:
        f.write('{"time": "2026-12-05T13:13:0')  # no whole line yet: nothing to judge by
    assert log.poll().lines == [] and log.fmt is None
    with path.open("a") as f:
        f.write('0Z", "level": "warn", "msg": "event number 13"}\n')
    update = log.poll()
    assert log.fmt is not None and log.fmt.kind == "json"
    assert [ln.level for ln in update.lines] == [Level.WARNING]
    path.rename(tmp_path / "events.log.1")  # rotated to a file written otherwise
    path.write_text("2026-12-05 13:14:00,000 ERROR   app.db: failed\n")
    update = log.poll()
    assert log.fmt.kind == "regex" and log.fmt.name != "text"
    assert [ln.level for ln in update.lines] == [Level.ERROR]
    path.write_text('{"time": "2026-12-05T13:15:00Z", "level": "info", "msg": "back"}\n')
    log.poll()  # truncated and rewritten: judged again
    assert log.fmt.kind == "json"


def test_a_file_opened_with_its_format_is_not_judged_again(tmp_path: Path):
    path = tmp_path / "app.log"
    path.write_text("2026-12-05 13:14:00,000 ERROR   app.db: failed\n")
    calls = []
    from maintui.core.logs import formats

    fmt = formats.detect(formats.sample(path))
    log = LogFile(path, fmt=fmt, detect=lambda lines: calls.append(lines) or fmt)
    log.tail(5)
    with path.open("a") as f:
        f.write("2026-12-05 13:14:01,000 INFO    app.db: ok\n")
    assert len(log.poll().lines) == 1
    assert calls == [] and log.fmt is fmt
