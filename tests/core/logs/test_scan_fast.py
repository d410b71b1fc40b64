"""logs.scan's fast path (heads by a cut-down regex, plain records counted in bulk) is exact."""

from __future__ import annotations

import random
import re
import time
from pathlib import Path

import pytest

from maintui.core.logs import formats, reader, summary
from maintui.core.logs.prefix import head_prefix
from maintui.core.logs.summary import Summary

SHARED = Path(__file__).resolve().parents[3].parent / "shared" / "logs"
LOGS = sorted(p for p in SHARED.glob("*") if p.is_file() and p.name != "README.md")


def result(path: Path, since: float | None, fast: bool, chunk: int, patterns=None) -> tuple:
    """Everything a scan reports, read through the fast path or the line-by-line one."""
    mp = pytest.MonkeyPatch()
    mp.setattr(reader.line_batches, "__defaults__", (reader.MAX_LINE, chunk))
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
