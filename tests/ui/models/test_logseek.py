"""The logs screen's plain parts: "All"'s order across sources (`logseek`), the files'
line totals (`LineTotals`), and the window's context heads and found cut lines."""

from __future__ import annotations

import re
from pathlib import Path

from maintui.core.logs import formats
from maintui.core.logs.search import FileSearch
from maintui.core.logs.tail import EventKind, Line, LogEvent, LogFile, LogUpdate
from maintui.tui.models.logs import FOUND, HEAD, LogModel
from maintui.tui.models.logseek import Source, next_hit
from maintui.tui.models.logtotals import LineTotals


def two_logs(tmp_path: Path) -> list[Source]:
    out = []
    for rank, (name, second) in enumerate((("a", 0), ("b", 30))):
        path = tmp_path / f"{name}.log"
        path.write_text("".join(
            f"2026-12-05 10:{m:02d}:{second:02d},000 INFO    app: {name} tick {m}\n"
            for m in range(60)))
        fmt = formats.detect(formats.sample(path))
        log = LogFile(path, name, fmt=fmt)
        log.tail(1)
        out.append(Source(name, log, fmt, rank))
    return out


def test_next_hit_walks_the_sources_merged_by_time_both_ways(tmp_path: Path):
    sources = two_logs(tmp_path)
    hits = {s.name: FileSearch(s.log.path, re.compile("tick [0-9]*5$")).run() for s in sources}
    start = sources[0].place(0)  # a's first line, 10:00:00
    seen = []
    place = start
    while (found := next_hit(sources, hits, place, 1)) is not None:
        source, offset, place = found
        seen.append((source.name, source.log.lines_from(offset, 1)[0].text[11:19]))
    assert seen == [(n, f"10:{m:02d}:{s}") for m in (5, 15, 25, 35, 45, 55)
                    for n, s in (("a", "00"), ("b", "30"))]
    back = next_hit(sources, hits, place, -1)
    assert back is not None and back[0].name == "a"  # before b's 10:55:30: a's 10:55:00
    assert sum(s.hits_before(hits[s.name], place) for s in sources) == 11


def test_line_totals_count_followed_lines_and_start_again_on_a_new_file():
    totals = LineTotals(["a", "b"])
    assert totals.total(["a"]) is None  # not counted yet
    totals.counted("a", 10)
    totals.counted("b", 5)
    line = Line("a", 0, "x")
    totals.add([LogUpdate("a", [line, line])])
    assert totals.total(["a"]) == 12 and totals.total(["a", "b"]) == 17
    totals.add([LogUpdate("a", [line], [LogEvent("a", EventKind.TRUNCATED, 0.0)])])
    assert totals.total(["a"]) == 1
    totals.add([LogUpdate("b", [], [LogEvent("b", EventKind.SKIPPED, 0.0, "skipped 40 MiB")])])
    assert totals.total(["b"]) is None


def test_the_window_keeps_context_heads_and_found_cut_lines_apart_from_matches():
    model = LogModel(["a"])
    model.add([LogUpdate("a", [Line("a", 0, "ERROR head"), Line("a", 11, "locked"),
                               Line("a", 18, "x … [cut 9 bytes]")])])
    model.filter = model.filter.build("locked")
    model.rebuild()
    assert [ln.text for ln in model.window] == ["locked"]
    model.jump("a", list(model.rings["a"]), {("a", 0): HEAD, ("a", 18): FOUND})
    assert [ln.offset for ln in model.window] == [0, 11, 18]
    assert model.matched == 2  # the head is context, not a match
