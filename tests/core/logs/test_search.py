"""Whole-file search, error search, time seek, and the view's levels by record (issue 12)."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from maintui.core.logs import formats, search
from maintui.core.logs.levels import Level
from maintui.core.logs.search import FileSearch, seek_time
from maintui.core.logs.tail import LogFile


def java_log(path: Path, n: int = 3000) -> float:
    start = 1_700_000_000.0
    out = []
    for i in range(n):
        t = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(start + i))
        level = "ERROR" if i % 100 == 7 else "INFO"
        out.append(f"{t},000 {level} [main] a.B: request {i} handled\n")
        if level == "ERROR":
            out.append("java.lang.IllegalStateException: x\n\tat a.B.c(B.java:1)\n")
    path.write_text("".join(out))
    return start


@pytest.fixture
def log(tmp_path):
    made = []

    def make(path, fmt=None):
        made.append(LogFile(path, fmt=fmt))
        made[-1].tail(1)
        return made[-1]

    yield make
    for f in made:
        f.close()


def test_the_whole_file_is_searched_in_chunks_with_progress(tmp_path, monkeypatch, log):
    monkeypatch.setattr(search, "CHUNK", 4096)
    path = tmp_path / "app.log"
    java_log(path)
    seen = []
    hits = FileSearch(path, re.compile("request 12\\d\\b", re.I)).run(
        lambda done, size, n: seen.append((done, size, n)))
    assert hits.done and len(hits) == 10 and len(seen) > 10 and seen[-1][0] == seen[-1][1]
    lines = log(path).lines_from(hits.offsets[0], 1)
    assert "request 120 handled" in lines[0].text
    assert hits.after(hits.offsets[0]) == hits.offsets[1]
    assert hits.before(hits.offsets[1]) == hits.offsets[0]


def test_error_search_finds_record_heads_by_the_format(tmp_path):
    path = tmp_path / "app.log"
    java_log(path)
    fmt = formats.detect(formats.sample(path))
    hits = FileSearch.errors(path, fmt).run()
    assert len(hits) == 30  # heads only, not the "Exception" lines of their traces


def test_glog_single_letter_errors_are_found(tmp_path):
    path = tmp_path / "g.log"
    path.write_text("I0517 15:04:22.619632 1 a.cc:1] fine\nE0517 15:04:23.000000 1 a.cc:2] bad\n"
                    "W0517 15:04:24.000000 1 a.cc:3] meh\n")
    fmt = formats.detect(formats.sample(path))
    assert len(FileSearch.errors(path, fmt).run()) == 1


def test_jump_to_a_time_bisects_the_file(tmp_path, log):
    path = tmp_path / "app.log"
    start = java_log(path)
    fmt = formats.detect(formats.sample(path))
    f = log(path)
    offset = seek_time(f, start + 1234.5, fmt, f.size())
    assert "request 1235 handled" in f.lines_from(offset, 1)[0].text
    assert seek_time(f, start - 10, fmt, f.size()) == 0
    assert seek_time(f, start + 10**6, fmt, f.size()) == f.size()


def test_a_records_lines_share_its_level_in_the_view(tmp_path, log):
    path = tmp_path / "app.log"
    java_log(path, 20)
    fmt = formats.detect(formats.sample(path))
    lines = log(path, fmt).tail(100)
    trace = [ln for ln in lines if ln.text.startswith(("java.", "\tat"))]
    assert trace and all(ln.level is Level.ERROR for ln in trace)
    assert all(ln.level is Level.INFO for ln in lines if " INFO " in ln.text)


def test_glog_letters_colour_the_view(tmp_path, log):
    path = tmp_path / "g.log"
    path.write_text("E0517 15:04:23.000000 1 a.cc:2] bad\n  detail of bad\n"
                    "I0517 15:04:24.000000 1 a.cc:3] ok\n")
    fmt = formats.detect(formats.sample(path))
    levels = [ln.level for ln in log(path, fmt).tail(10)]
    assert levels == [Level.ERROR, Level.ERROR, Level.INFO]


def test_a_regex_search_finds_its_required_text_first_and_the_same_lines(tmp_path):
    from maintui.core.logs.search import required_text

    assert required_text(r"failed after 9\d\d\dms") == "failed after 9"
    assert required_text(r"time(out|d)") == "time" and required_text("a|b") == ""
    assert required_text(r"ab+c") == "a" and required_text(r"x\.y") == "x.y"
    log = tmp_path / "app.log"
    rows = [f"2024-01-01 00:00:{i % 60:02d} {'ERROR' if i % 7 else 'INFO'} order {i} failed "
            f"after {i * 37 % 10000}ms" for i in range(5000)]
    rows += ["FAILED AFTER 9123MS shouting", "failed after 9x", "partial failed after 9"]
    log.write_text("\n".join(rows) + "\n")
    for query in (r"failed after 9\d\d\dms", r"order \d+ failed", r"(?:order|x) 4\d"):
        rx = re.compile(query, re.IGNORECASE)
        finder = FileSearch(log, rx)
        if len(required_text(query)) >= 3:
            assert finder.words  # found by bytes.find, confirmed by the regex
        hits = finder.run()
        want, at = [], 0
        for row in rows:
            if rx.search(row):
                want.append(at)
            at += len(row) + 1
        assert list(hits.offsets) == want, query


SHARED = Path(__file__).resolve().parents[3].parent / "shared" / "logs"


@pytest.mark.parametrize("path", sorted(p for p in SHARED.glob("*") if p.is_file()
                                        and p.name != "README.md"), ids=lambda p: p.name)
def test_the_error_search_finds_the_same_heads_as_every_line_read(path, tmp_path):
    fmt = formats.detect(formats.sample(path))
    if fmt.name == "text":
        return
    hits = list(FileSearch.errors(path, fmt).run().offsets)
    want, at = [], 0
    for raw in path.read_bytes().split(b"\n"):
        parsed = fmt.parse(raw[:search.MAX_LINE].decode("utf-8", "replace"))
        if parsed.start and parsed.level is not None and parsed.level >= Level.ERROR:
            want.append(at)
        at += len(raw) + 1
    assert hits == want
