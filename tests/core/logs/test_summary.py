"""Summary: the batch fast path counts exactly what the record-by-record path counts."""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest

from maintui.core.logs import reader, summary
from maintui.core.logs.summary import Summary


def write_log(path: Path, n: int = 6000) -> float:
    rng = random.Random(3)
    start = time.time() - 7200
    out = []
    for i in range(n):
        t = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(start + i))
        level = rng.choice(["INFO"] * 8 + ["WARN", "ERROR", "DEBUG"])
        out.append(f"{t},{i % 1000:03d} {level} [pool-{i % 7}-thread-2] a.B: job {i} done\n")
        if rng.random() < 0.05:
            out.append("java.lang.IllegalStateException: x\n\tat a.B.c(B.java:1)\n")
        if rng.random() < 0.01:
            out.append("garbage line the format cannot read\n")
    path.write_text("".join(out))
    return start + n / 2


def tally(path: Path, since: float | None, fast: bool, monkeypatch) -> tuple:
    if not fast:
        monkeypatch.setattr(summary._FastHeads, "of", classmethod(lambda cls, fmt: None))
    s = Summary(since=since)
    s.read(path)
    monkeypatch.undo()
    return (s.lines, s.records, s.in_window, s.unparsed, dict(s.levels), s.first, s.last,
            [(t.key, t.count) for t in s.top(5)])


@pytest.mark.parametrize("window", [False, True])
def test_fast_and_slow_paths_agree(tmp_path, monkeypatch, window):
    monkeypatch.setattr(reader.line_batches, "__defaults__", (reader.MAX_LINE, 4096))
    log = tmp_path / "app.log"
    middle = write_log(log)
    since = middle if window else None
    slow = tally(log, since, False, monkeypatch)
    monkeypatch.setattr(reader.line_batches, "__defaults__", (reader.MAX_LINE, 4096))
    fast = tally(log, since, True, monkeypatch)
    assert fast == slow and slow[3] > 0
