"""logs.scan's fast path (heads by a cut-down regex, plain records counted in bulk) is exact."""

from __future__ import annotations

import random
import re
import shutil
import time
from pathlib import Path

import pytest

from maintui.core.logs import formats, reader, stamps, summary
from maintui.core.logs.prefix import head_prefix
from maintui.core.logs.summary import Summary

SHARED = Path(__file__).resolve().parents[3].parent / "shared" / "logs"
LOGS = sorted(p for p in SHARED.glob("*") if p.is_file() and p.name != "README.md")


def result(path: Path, since: float | None, fast: bool, chunk: int, patterns=None) -> tuple:
    """Everything a scan reports, read through the fast path or the line-by-line one."""
    mp = pytest.MonkeyPatch()
    mp.setattr(reader.line_batches, "__defaults__", (reader.MAX_LINE, chunk))
    mp.setattr(reader.text_blocks, "__defaults__", (reader.MAX_LINE, chunk))
    if not fast:
        mp.setattr(summary._FastHeads, "of", classmethod(lambda cls, fmt: None))
    try:
        s = Summary(since=since, patterns=patterns or {}, error_rx=re.compile(r"\bERROR\b"),
                    warning_rx=re.compile(r"\bWARN"))
        s.read(path)
    finally:
        mp.undo()
    return (s.lines, s.in_window, s.unparsed, s.records, dict(s.levels), dict(s.custom),
            s.first, s.last, s.formats, s.unreadable, list(s.newest),
            [(t.key, t.count, t.first, t.last, t.sample) for t in s.top(50)])


def windows(path: Path) -> list[float | None]:
    s = Summary(since=None)
    s.read(path)
    if s.first is None or s.last is None:
        return [None]
    return [None, s.first, (s.first + s.last) / 2, s.last, s.last + 1]


def mixed_log(path: Path, n: int = 8000) -> None:
    """Java-style lines of every level, traces, tracebacks, junk and blank lines, CR-free."""
    rng = random.Random(11)
    start = time.time() - 4 * 3600
    out = ["orphan line before any head\n", "\tat a.B.c(B.java:1)\n"]
    for i in range(n):
        t = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(start + i * 1.5))
        level = rng.choice(["INFO"] * 12 + ["WARN", "WARNING", "ERROR", "DEBUG", "FATAL",
                                             "TRACE", "SEVERE", "FINE"])
        thread = rng.choice(["", f"[pool-{i % 7}-thread-{i % 3}] ", "[main] "])
        out.append(f"{t},{i % 1000:03d} {level} {thread}a.B: job {rng.randint(1, 99)} done\n")
        r = rng.random()
        if r < 0.04:
            out.append("java.lang.IllegalStateException: lease lost\n\tat a.B.c(B.java:1)\n"
                       "Caused by: java.io.IOException: gone\n\t... 3 more\n")
        elif r < 0.06:
            out.append("Traceback (most recent call last):\n  File \"x.py\", line 1, in <m>\n"
                       "KeyError: 'k'\n")
        elif r < 0.08:
            out.append("garbage the format cannot read\n")
        elif r < 0.09:
            out.append("\n")
        elif r < 0.095:
            out.append("    wrapped continuation text\n")
    path.write_text("".join(out) + "2026-01-01 00:00:00,000 INFO a.B: last, no newline")


@pytest.mark.parametrize("path", LOGS, ids=[p.name for p in LOGS])
def test_fast_path_equals_line_path_on_shared_logs(path):
    for since in windows(path):
        for chunk in (512, reader.CHUNK):
            assert result(path, since, True, chunk) == result(path, since, False, chunk), since


@pytest.mark.parametrize("chunk", [300, 4096, reader.CHUNK])
def test_fast_path_equals_line_path_on_mixed_log(tmp_path, chunk):
    log = tmp_path / "mixed.log"
    mixed_log(log)
    assert formats.detect(formats.sample(log)).name == "java"
    for since in windows(log):
        fast, slow = result(log, since, True, chunk), result(log, since, False, chunk)
        assert fast == slow, since
    whole = result(log, None, True, chunk)  # the log has what the fast path must get right
    assert whole[2] > 0 and whole[4]["ERROR"] > 0 and whole[4]["CRITICAL"] > 0
    # Custom patterns turn the fast path off; counted the same either way.
    rx = {"lease": re.compile("lease lost")}
    assert result(log, None, True, chunk, rx) == result(log, None, False, chunk, rx)


def test_out_of_order_times_are_read_head_by_head(tmp_path):
    log = tmp_path / "app.log"
    log.write_text("".join(f"2026-01-0{d} 10:00:00,000 INFO a.B: x\n" for d in (5, 2, 9, 1, 7)))
    got = result(log, None, True, 4096)
    assert got == result(log, None, False, 4096)
    assert got[7] - got[6] == 8 * 86400  # first is the 1st, last the 9th, not the ends


def test_shared_logs_are_there():
    assert len(LOGS) >= 20


def test_prefix_cuts_only_a_rest_that_always_matches():
    java = formats._BY_NAME["java"]
    for p in java.patterns:
        head = head_prefix(p, ("time", "level"))
        assert len(head.pattern) < len(p.pattern)
        for line in ("2015-10-18 18:01:47,978 INFO [main] org.a.B: x",
                     "2015-10-18 18:01:47,978 WARN", "2015-10-18 18:01:47,978 ERROR ",
                     "2024-01-01 12:00:00.123 [main] INFO c.e.App - hi", "\tat a.B(B.java:1)",
                     "2024-01-01 12:00:00.123  INFO 4242 --- [main] c.e.App : hi", ""):
            full, cut = p.match(line), head.match(line)
            assert (full is None) == (cut is None), line
            if full is not None:
                assert (full["time"], full["level"]) == (cut["time"], cut["level"])
    # A rest that asserts (here `$`) or must consume is kept whole.
    anchored = re.compile(r"(?P<time>\d+) (?P<level>\w+)(?P<message>.*)$")
    assert head_prefix(anchored, ("time", "level")) is anchored
    needs = re.compile(r"(?P<time>\d+) (?P<level>[A-Z]+) (?P<message>.+)")
    assert head_prefix(needs, ("time", "level")) is needs
    either = re.compile(r"(?P<time>a)|(?P<level>b)")
    assert head_prefix(either, ("time",)) is either


@pytest.mark.parametrize("chunk", [4096, reader.CHUNK])
def test_fast_path_equals_line_path_when_time_goes_back(tmp_path, chunk):
    """A log appended to itself (a restart, a replay): runs of ordered times, read apart."""
    one = tmp_path / "one.log"
    mixed_log(one, n=3000)
    log = tmp_path / "twice.log"
    log.write_text(one.read_text() + "\n" + one.read_text())
    for since in windows(log):
        assert result(log, since, True, chunk) == result(log, since, False, chunk), since


def test_worker_processes_split_a_big_file_with_the_same_results(tmp_path, monkeypatch):
    from maintui.core.logs import splits

    log = tmp_path / "big.log"
    mixed_log(log, n=20_000)
    s = Summary(since=None)
    s.read(log)
    started: list[int] = []
    real = splits.parallel_splits

    def spy(path, bulk, workers):
        started.append(workers)
        return real(path, bulk, workers)

    for since in (None, (s.first + s.last) / 2):  # type: ignore[operator]
        serial = result(log, since, True, reader.CHUNK)
        started.clear()
        monkeypatch.setattr(splits, "PARALLEL_MIN", 0)
        monkeypatch.setattr(splits, "PIECE", 64 << 10)  # many pieces, cut mid-record
        monkeypatch.setattr(splits, "parallel_splits", spy)
        assert result(log, since, True, reader.CHUNK) == serial
        assert started and started[0] >= 1
        monkeypatch.undo()
        assert serial == result(log, since, False, reader.CHUNK)


def test_a_file_with_no_line_end_in_reach_is_not_cut_for_workers(tmp_path, monkeypatch):
    from maintui.core.logs import splits

    log = tmp_path / "one-line.log"
    log.write_bytes(b"2026-01-01 00:00:00,000 INFO a.B: " + b"x" * (3 << 20) + b"\n")
    monkeypatch.setattr(splits, "PIECE", 1 << 20)
    assert splits.parallel_splits(log, None, 2) is None  # type: ignore[arg-type]


def test_a_worker_that_fails_is_reported_with_its_reason_not_raised(tmp_path, monkeypatch):
    from maintui.core.logs import splits

    log = tmp_path / "big.log"
    mixed_log(log, n=5000)
    monkeypatch.setattr(splits, "PARALLEL_MIN", 0)
    monkeypatch.setattr(splits, "PIECE", 64 << 10)
    monkeypatch.setattr(splits.sys, "executable", "/bin/sh")  # `sh -m maintui…` fails
    s = Summary(since=None)
    s.read(log)
    assert len(s.unreadable) == 1 and "a scan worker stopped: " in s.unreadable[0]
    assert "maintui.core.logs.splits" in s.unreadable[0]  # the worker's own last words


# The grep pass (`core/logs/greppass.py`): GNU grep counts the quiet one-line records.

def grep_result(path: Path, since: float | None, monkeypatch, chunk: int = reader.CHUNK,
                **kw) -> tuple[tuple, bool]:
    """`result` through the grep pass (any size), and whether grep's counts were taken
    (not given up for the reader's path)."""
    from maintui.core.logs import greppass

    used: list[bool] = []
    real = Summary._grep

    def spy(*a, **k):
        used.append(real(*a, **k))
        return used[-1]

    monkeypatch.setattr(greppass, "MIN_SIZE", 0)
    monkeypatch.setattr(Summary, "_grep", spy)
    try:
        return result(path, since, True, chunk, **kw), any(used)
    finally:
        monkeypatch.undo()


def no_grep(path: Path, since: float | None, chunk: int = reader.CHUNK) -> tuple:
    """`result` through the block split (`bulk.py`), grep not tried."""
    from maintui.core.logs import greppass

    mp = pytest.MonkeyPatch()
    mp.setattr(greppass, "MIN_SIZE", 1 << 62)
    try:
        return result(path, since, True, chunk)
    finally:
        mp.undo()


needs_grep = pytest.mark.skipif(shutil.which("grep") is None, reason="no grep here")


@needs_grep
@pytest.mark.parametrize("path", LOGS, ids=[p.name for p in LOGS])
def test_grep_pass_equals_line_path_on_shared_logs(path, monkeypatch):
    for since in windows(path):
        got, _ = grep_result(path, since, monkeypatch)
        assert got == result(path, since, False, reader.CHUNK), since


@needs_grep
@pytest.mark.parametrize("chunk", [4096, reader.CHUNK])
def test_grep_pass_equals_line_path_on_mixed_logs(tmp_path, monkeypatch, chunk):
    one = tmp_path / "one.log"
    mixed_log(one, n=6000)
    twice = tmp_path / "twice.log"  # times go back in the middle: read apart
    twice.write_text(one.read_text() + "\n" + one.read_text())
    for log in (one, twice):
        used_any = False
        for since in windows(log):
            got, used = grep_result(log, since, monkeypatch, chunk)
            used_any |= used
            assert got == result(log, since, False, chunk) == no_grep(log, since, chunk), since
        assert used_any  # the grep pass did the counting at least once
    rx = {"lease": re.compile("lease lost")}  # custom patterns: no grep pass, same counts
    got, used = grep_result(one, None, monkeypatch, chunk, patterns=rx)
    assert not used and got == result(one, None, False, chunk, rx)


def hostile(kind: str) -> bytes:
    """A Java-style log with something the grep pass must not read differently."""
    rng = random.Random(kind)
    lines = []
    for i in range(3000):
        t = f"2026-11-0{1 + i // 1000} 0{i % 10}:{i % 60:02d}:{i % 60:02d},{i % 1000:03d}"
        level = rng.choice(["INFO"] * 8 + ["WARN", "ERROR", "DEBUG"])
        lines.append(f"{t} {level} [main] a.B: step {i} done".encode())
        if rng.random() < 0.05:
            lines.append(b"java.io.IOException: gone\n\tat a.B.c(B.java:1)")
    body = b"\n".join(lines) + b"\n"
    if kind == "nul":
        body = body.replace(b" done", b" d\0ne", 200).replace(b"\tat", b"\0\tat", 5)
        body = b"\0\0" + body
    elif kind == "utf8":
        body = body.replace(b" done", b" d\xff\xfene \xe2\x82", 300).replace(
            b"[main]", b"[m\xc3\xa4in]", 100)
    elif kind == "crlf":
        body = body.replace(b"\n", b"\r\n", 500)
    elif kind == "ansi":
        body = body.replace(b"ERROR", b"\x1b[31mERROR\x1b[0m", 50)
    elif kind == "longquiet":  # a 5 MB INFO line: counted, never read
        body += b"2026-11-03 09:59:59,999 INFO [main] a.B: " + b"x" * (5 << 20) + b"\n"
    elif kind == "longloud":  # a 5 MB line of no shape: read (and cut) as before
        body += b"y" * (5 << 20) + b"\n" + lines[-1] + b"\n"
    elif kind == "spaces":  # \v and \f: spaces to Python's \s, not to grep's [ \t]
        half = len(body) // 2  # (after the lines the format is detected by)
        body = body[:half] + body[half:].replace(b" INFO ", b" INFO\x0b", 50).replace(
            b" INFO ", b"\x0c INFO ", 50)
    elif kind == "nonewline":
        body = body.rstrip(b"\n")
    return body


@needs_grep
@pytest.mark.parametrize("kind", ["nul", "utf8", "crlf", "ansi", "longquiet", "longloud",
                                  "spaces", "nonewline"])
def test_grep_pass_equals_line_path_on_hostile_files(tmp_path, monkeypatch, kind):
    log = tmp_path / f"{kind}.log"
    log.write_bytes(hostile(kind))
    for since in (None, time.mktime((2026, 11, 2, 0, 0, 0, 0, 0, -1))):
        got, used = grep_result(log, since, monkeypatch)
        assert got == result(log, since, False, reader.CHUNK), (kind, since)
    # CR and colour escapes are cleaned per line by Format.parse; a huge printed line would be
    # cut where the reader's chunks fall: those files are read as before.
    _, used = grep_result(log, None, monkeypatch)
    assert used == (kind not in ("crlf", "ansi", "longloud")), kind


@needs_grep
def test_grep_pass_leaves_a_fifo_and_a_growing_file_to_the_reader(tmp_path, monkeypatch):
    import os

    from maintui.core.logs import greppass
    from maintui.core.logs.bulk import BulkHeads

    log = tmp_path / "app.log"
    mixed_log(log, n=4000)
    java = formats.by_name("java")
    bulk = BulkHeads.of(java, formats.FORMATS, log.read_text().split("\n")[:2000])
    assert bulk is not None
    monkeypatch.setattr(greppass, "MIN_SIZE", 0)
    fifo = tmp_path / "pipe.log"
    os.mkfifo(fifo)
    assert greppass.items(fifo, bulk, None) is None  # not opened: no writer needed
    grown = []

    def grow() -> None:  # the file grows while grep reads it
        if not grown:
            with log.open("a") as fh:
                fh.write("\n2026-12-01 00:00:00,000 ERROR a.B: late\n" * 50)
            grown.append(1)

    with pytest.raises(greppass.Unusable, match="changed"):
        list(greppass.items(log, bulk, None, grow))  # type: ignore[arg-type]
    assert grown
    grown.clear()
    s = Summary(since=None, tick=grow)  # read as before, the whole grown file
    s.read(log)
    monkeypatch.undo()
    whole = result(log, None, False, reader.CHUNK)
    assert (s.lines, s.records, dict(s.levels)) == (whole[0], whole[3], whole[4])


@needs_grep
def test_grep_pass_cancelled_kills_grep(tmp_path, monkeypatch):
    from maintui.core.logs import greppass

    log = tmp_path / "app.log"
    mixed_log(log, n=20000)
    started: list = []
    real = greppass.subprocess.Popen

    def popen(*a, **k):
        started.append(real(*a, **k))
        return started[-1]

    class Cancelled(Exception):
        pass

    def cancel() -> None:
        raise Cancelled

    monkeypatch.setattr(greppass, "MIN_SIZE", 0)
    monkeypatch.setattr(greppass.subprocess, "Popen", popen)
    with pytest.raises(Cancelled):
        Summary(since=None, tick=cancel).read(log)
    assert started and all(p.returncode is not None for p in started)


def test_grep_time_span_is_the_text_order():
    from maintui.core.logs.grepregex import span

    rng = random.Random(5)
    layout = "0000-00-00 00:00:00,000"

    def stamp() -> str:
        return "".join(str(rng.choice([0, 1, 2, 9])) if c == "0" else c for c in layout)

    for _ in range(200):
        lo, hi = sorted((stamp(), stamp()))
        rx = re.compile(span(lo, hi).replace("(", "(?:"))
        for s in [lo, hi, *(stamp() for _ in range(50))]:
            assert (rx.fullmatch(s) is not None) == (lo <= s <= hi), (lo, hi, s)


@needs_grep
def test_grep_pass_given_up_half_way_or_absent_reads_as_before(tmp_path, monkeypatch):
    from maintui.core.logs import greppass

    log = tmp_path / "app.log"
    mixed_log(log, n=6000)
    want = result(log, None, False, reader.CHUNK)
    # The parse worker cannot start (`sh -m maintui…`): what was tallied is put back.
    monkeypatch.setattr(greppass.sys, "executable", "/bin/sh")
    got, used = grep_result(log, None, monkeypatch)
    assert got == want and not used
    monkeypatch.setattr(greppass, "grep", lambda: None)  # no grep on this machine
    got, used = grep_result(log, None, monkeypatch)
    assert got == want and not used


@needs_grep
@pytest.mark.parametrize("chunk", [4096, reader.CHUNK])
def test_grep_pass_with_a_window_that_starts_inside_the_file(tmp_path, monkeypatch, chunk):
    """Quiet heads before the window are only lines read; counting starts at the first in it."""
    one = tmp_path / "one.log"
    mixed_log(one, n=6000)
    twice = tmp_path / "twice.log"
    twice.write_text(one.read_text() + "\n" + one.read_text())
    start = stamps.parser("iso")(one.read_text().split("\n")[2][:23])
    assert start is not None
    for log in (one, twice):
        used_any = False
        # mid-file, on a head's time to the millisecond, just after one, a minute before the end
        for since in (start + 4500.0, start + 3000 * 1.5, start + 3000 * 1.5 + 0.0005,
                      start + 6000 * 1.5 - 60):
            got, used = grep_result(log, since, monkeypatch, chunk)
            used_any |= used
            assert got == result(log, since, False, chunk) == no_grep(log, since, chunk), since
        assert used_any


# Error records taken without a `Record` (`Summary._error_at`), templates by message shape
# (`templates.shape_template`), the worker's compact parses, quiet heads out of grep's span.

def distinct_log(path: Path, n: int = 6000, start: float | None = None,
                 wide: bool = True) -> None:
    """Java-style lines whose errors differ in many numbers (no message twice), with records
    the fast error path must hand to the grouper: a trace longer than `records.MAX_LINES`, a
    line longer than `records.MAX_BYTES` (`wide`: the grep pass reads such a file as before), a
    head whose date is not one, a Python traceback."""
    from maintui.core.logs.records import MAX_BYTES, MAX_LINES

    rng = random.Random(23)
    start = time.time() - 4 * 3600 if start is None else start
    out = []
    for i in range(n):
        t = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(start + i * 1.5))
        r = rng.random()
        if r < 0.25:
            ip = ".".join(str(rng.randint(0, 255)) for _ in range(4))
            msg = rng.choice([
                f"order {rng.randint(1, 10**rng.randint(1, 9))} failed after "
                f"{rng.randint(1, 9999)}ms from {ip}:{rng.randint(1, 65535)}",
                f"user{rng.randint(1, 999)} denied on v{rng.randint(1, 9)}.{rng.randint(0, 99)} "
                f"block 0x{rng.randint(0, 2**40):x} id={rng.randint(0, 10**6)}",
                f"{rng.randint(0, 9)}x{rng.randint(0, 99)} items lost at "
                f"{rng.randint(0, 9)}{rng.randint(0, 9)}:{rng.randint(10, 59)} (retry "
                f"{rng.randint(1, 20)})",
                f"disk {rng.choice('abc')}{rng.randint(0, 30)} at {rng.randint(1, 99)}% of "
                f"{rng.randint(1, 4096)} GiB",
            ])
            out.append(f"{t},{i % 1000:03d} {rng.choice(['ERROR', 'FATAL'])} [main] a.B: {msg}\n")
            k = rng.random()
            if k < 0.2:
                out.append("java.lang.IllegalStateException: lease lost\n\tat a.B.c(B.java:1)\n")
            elif k < 0.25:
                out.append("Traceback (most recent call last):\n  File \"x.py\", line 1\n"
                           f"KeyError: '{i}'\n")
        else:
            level = rng.choice(["INFO"] * 6 + ["WARN", "DEBUG"])
            out.append(f"{t},{i % 1000:03d} {level} [main] a.B: step {i}\n")
        if i == n // 3:
            out.append(f"{t},001 ERROR [main] a.B: long trace\n"
                       + "\tat a.B.c(B.java:1)\n" * (MAX_LINES + 20))
        elif i == n // 2 and wide:
            out.append(f"{t},002 ERROR [main] a.B: wide trace\n\tat " + "x" * MAX_BYTES + "\n")
        elif i == 2 * n // 3:
            out.append("2026-13-45 99:00:00,000 ERROR [main] a.B: no such date 42\n")
    path.write_text("".join(out))


@pytest.mark.parametrize("kept", [8192, 7])  # 7: the bounded cache starts again often
def test_shape_template_equals_template_on_shared_logs_and_generated_messages(tmp_path,
                                                                              monkeypatch, kept):
    from maintui.core.logs import templates

    monkeypatch.setattr(templates, "_SHAPES_MAX", kept)

    messages: list[str] = []
    for path in LOGS:
        fmt = formats.detect(formats.sample(path))
        text = path.read_bytes().decode("utf-8", "replace").split("\n")
        messages += text + [fmt.parse(line).message for line in text]
    log = tmp_path / "distinct.log"
    distinct_log(log, n=4000)
    java = formats.by_name("java")
    messages += [java.parse(line).message for line in log.read_text().split("\n")]
    rng = random.Random(9)
    alphabet = "0123456789abcdefxXyz.:-/ _=%[]()µé\u0663"  # (٣: a digit \d knows, not ASCII)
    messages += ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 30)))
                 for _ in range(20000)]
    for order in (messages, messages[::-1]):  # the shape's first message decides what is kept
        templates._SHAPES.clear()
        assert [templates.shape_template(m) for m in order] == list(
            map(templates.template, order))
    assert len(templates._SHAPES) <= kept
    templates._SHAPES.clear()
    if kept < 100:
        return
    errors = {java.parse(line).message for line in log.read_text().split("\n") if " E" in line}
    assert len({templates.shape_template(m) for m in errors}) < 10
    assert len(templates._SHAPES) < len(errors) * 3 // 4  # a key per shape, not per message


@pytest.mark.parametrize("chunk", [4096, reader.CHUNK])
def test_fast_error_records_equal_line_path_on_distinct_errors(tmp_path, chunk):
    log = tmp_path / "distinct.log"
    distinct_log(log)
    for since in windows(log):
        assert result(log, since, True, chunk) == result(log, since, False, chunk), since
    top = result(log, None, True, chunk)[11]
    assert len(top) >= 4 and "KeyError" in [t[0] for t in top]  # templates and a traceback


@needs_grep
@pytest.mark.parametrize("chunk", [4096, reader.CHUNK])
def test_grep_pass_equals_line_path_on_distinct_errors(tmp_path, monkeypatch, chunk):
    log = tmp_path / "distinct.log"
    distinct_log(log, wide=False)
    for since in windows(log):
        got, used = grep_result(log, since, monkeypatch, chunk)
        assert got == result(log, since, False, chunk), since
        assert used or since is not None


@needs_grep
def test_grep_pass_counts_quiet_heads_out_of_its_span(tmp_path, monkeypatch):
    """The span grep counts in runs from the first 256 KiB's least time to the last MiB's
    greatest; quiet heads before it (a replayed old log) and after it (a clock run ahead) are
    printed, read here, and taken off grep's count of that word at any time."""
    import subprocess

    from maintui.core.logs import greppass
    from maintui.core.logs.bulk import BulkHeads

    now = time.time() - 3 * 86400
    parts = [(now, 5000), (now - 10 * 86400, 2000), (now + 10 * 86400, 2000),
             (now + 7200, 25000)]  # the last part: over a MiB, its times inside the span
    for k, (start, n) in enumerate(parts):
        distinct_log(tmp_path / f"{k}.log", n=n, start=start, wide=False)
    log = tmp_path / "app.log"
    log.write_text("".join((tmp_path / f"{k}.log").read_text() for k in range(len(parts))))
    assert log.stat().st_size > (1 << 20) + (1 << 18)
    got, used = grep_result(log, None, monkeypatch)
    assert used and got == result(log, None, False, reader.CHUNK)
    # There were such heads: the worker's reading of grep's output counts them.
    java = formats.by_name("java")
    bulk = BulkHeads.of(java, formats.FORMATS, log.read_text().split("\n")[:2000])
    assert bulk is not None
    plan = greppass._plan(greppass.grep(), log, log.stat(), bulk, None)  # type: ignore[arg-type]
    assert plan is not None and not plan.skip
    printed = subprocess.run(
        ["grep", "-a", "-n", "-v", "-B1", "--no-group-separator", "-E",
         plan.pattern.ere(plan.times, plan.pattern.words), str(log)],
        capture_output=True, env=greppass._ENV, check=False).stdout
    counted: dict[str, int] = {}
    greppass._batch(printed.rstrip(b"\n"), plan.pattern.python(plan.times), {},
                    java.parse, plan.pattern.python(plan.anytime), counted)
    assert sum(counted.values()) > 2000  # 4,000 heads out of the span, ~75 % of them quiet


@needs_grep
def test_grep_pass_keeps_the_quiet_head_above_a_head_with_no_time(tmp_path, monkeypatch):
    """The worker drops a context head above a record head with a time (grep counts it); the
    one above a head whose date is not one stays: that head takes its time for the window."""
    start = time.mktime((2026, 11, 1, 0, 0, 0, 0, 0, -1))

    def line(k: int, level: str, text: str) -> str:
        t = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(start + k))
        return f"{t},000 {level} [main] a.B: {text}\n"

    out = [line(k, "INFO", f"step {k}") for k in range(3000)]
    out[1500] = line(1500, "ERROR", "before the window 1")  # read here: its time before it
    out.insert(2000, "2026-13-45 99:00:00,000 ERROR [main] a.B: no such date 2\n")
    out.insert(2500, line(2499, "ERROR", "in the window 3"))  # a head with a time: dropped above
    log = tmp_path / "app.log"
    log.write_text("".join(out))
    since = start + 1990.5  # after the error at 1500, before the head above the bad date
    got, used = grep_result(log, since, monkeypatch)
    want = result(log, since, False, reader.CHUNK)
    assert used and got == want
    assert want[4]["ERROR"] == 2  # the bad date's record is in the window, by the head above
