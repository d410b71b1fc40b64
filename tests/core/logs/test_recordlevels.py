"""Record levels for a flood (one regex pass over a batch) are the same as line by line."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from maintui.core.logs import formats
from maintui.core.logs.recordlevels import RecordLevels
from maintui.core.logs.tail import Line, LogFile

SHARED = Path(__file__).resolve().parents[3].parent / "shared" / "logs"
LOGS = sorted(p for p in SHARED.glob("*") if p.is_file() and p.name != "README.md")


def assigned(fmt: formats.Format, lines: list[Line], chunk: int, bulk: bool) -> list[Line]:
    levels = RecordLevels(fmt)
    if not bulk:
        levels._words = None  # the line-by-line reading
    out: list[Line] = []
    for i in range(0, len(lines), chunk):
        out += levels.assign(lines[i:i + chunk], fresh=i == 0 and chunk == 7)
    return out


def flood(path: Path, n: int) -> None:
    """Java records of every level, a stack trace after each error, one Python traceback."""
    out = []
    for i in range(n):
        level = ("INFO", "DEBUG", "WARN", "ERROR", "INFO", "FATAL", "TRACE")[i % 7]
        out.append(f"2026-11-23 10:00:{i // 1000 % 60:02d},{i % 1000:03d} {level} [p-{i % 3}] "
                   f"a.W: t={time.time():.6f} request {i:08d}\n")
        if level == "ERROR":
            out.append("java.lang.IllegalStateException: lease lost\n\tat a.B.c(B.java:42)\n")
        if i == 10:  # its batch is read line by line (the tracker knows its lines)
            out.append('Traceback (most recent call last):\n  File "x.py", line 1, in <m>\n'
                       "KeyError: 'k'\n")
    path.write_text("".join(out))


@pytest.mark.parametrize("path", LOGS, ids=[p.name for p in LOGS])
def test_bulk_levels_equal_line_by_line_on_shared_logs(path):
    fmt = formats.detect(formats.sample(path))
    lines = LogFile(path).tail(100_000)
    for chunk in (7, 65, 100, 100_000):
        assert assigned(fmt, lines, chunk, True) == assigned(fmt, lines, chunk, False), chunk


def test_bulk_levels_equal_line_by_line_on_a_flood(tmp_path):
    log = tmp_path / "flood.log"
    flood(log, 20_000)
    fmt = formats.detect(formats.sample(log))
    assert fmt.name == "java" and RecordLevels(fmt)._words is not None
    lines = LogFile(log).tail(100_000)
    levels = RecordLevels(fmt)
    assert levels._bulk(lines[100:1100], fresh=True) is not None  # the fast path is taken
    for chunk in (65, 1000, 100_000):
        bulk = assigned(fmt, lines, chunk, True)
        assert bulk == assigned(fmt, lines, chunk, False), chunk
    frames = [ln for ln in bulk if ln.text.startswith("\tat ")]
    assert frames and all(ln.level.name == "ERROR" for ln in frames)
