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


def _both(path: Path, monkeypatch, fmt=None, make=None) -> tuple[list[int], list[int], int]:
    """A search's hits (the error search's unless `make`) by GNU grep's candidates and by the
    chunked reading alone, and where grep's part stopped (0: it was not used)."""
    fmt = fmt or formats.detect(formats.sample(path))
    make = make or (lambda: FileSearch.errors(path, fmt))
    stopped = []
    real = FileSearch._grep

    def spy(self, *args):
        stopped.append(real(self, *args))
        return stopped[-1]

    monkeypatch.setattr(FileSearch, "_grep", spy)
    monkeypatch.setattr(search, "GREP_MIN", 0)
    fast = list(make().run().offsets)
    monkeypatch.setattr(search, "GREP_MIN", 1 << 62)
    slow = list(make().run().offsets)
    return fast, slow, (stopped or [0])[0]


@pytest.mark.parametrize("path", sorted(p for p in SHARED.glob("*") if p.is_file()
                                        and p.name != "README.md"), ids=lambda p: p.name)
def test_grep_finds_the_same_error_heads_as_the_chunked_reading(path, monkeypatch):
    fast, slow, _ = _both(path, monkeypatch)
    assert fast == slow


def test_grep_error_search_on_a_hostile_file_equals_the_chunked_reading(tmp_path, monkeypatch):
    monkeypatch.setattr(search, "CHUNK", 4096)
    path = tmp_path / "app.log"
    java_log(path, 2000)
    head = "2023-11-14 22:13:20,000 ERROR [main] a.B: "
    with path.open("ab") as fh:
        fh.write(b"2023-11-14 22:13:21,000 ERROR [m\x00in] a.B: nul \xff\xfe bad utf-8\r\n")
        fh.write(b"\x00\x00" + head.encode() + b"leading NULs\n")
        fh.write(b"2023-11-14 22:13:22,000 INFO [main] a.B: not an error: fatal\n")
        fh.write(b"{\"level\": 50, \"msg\": \"another format, with err\"}\n")
        # lines longer than a chunk: judged piece by piece, words in pieces and across them
        fh.write((head + "x" * 5000 + "ERROR " + "y" * 4000 + "ERR").encode() + b"\n")
        fh.write((head + "z" * 12000).encode() + b"\n")
        fh.write(("q" * 4094 + head).encode() + b"\n")
        fh.write(b"\tat a.B.c(B.java:1) error\n")
        java_log(tmp_path / "more.log", 300)
        fh.write((tmp_path / "more.log").read_bytes())
        fh.write(head.encode() + b"last line, no newline")
    fast, slow, stopped = _both(path, monkeypatch, formats.by_name("java"))
    assert stopped > 0 and len(slow) > 25 and fast == slow
    rows = path.read_bytes().split(b"\n")
    assert sum(len(r) + 1 for r in rows[:-1]) in fast  # the last line, read in chunks
    # the text search and the level filter take the same way: words escaped for grep
    fmt = formats.by_name("java")
    queries = [("a.b: request 1", True), ("[m", True), ("x" * 30, True), ("(B.java:1)", True),
               ("ERR", True), ("not an ERROR: fAtAl", True), (r"request 1\d+ handled", False),
               (r"a\.B: request (7|9)", False)]
    for query, literal in queries:
        def make(query=query, literal=literal):
            return FileSearch(path, re.compile(query if not literal else re.escape(query),
                                               re.I), literal=query if literal else "")
        fast, slow, stopped = _both(path, monkeypatch, fmt, make)
        assert fast == slow and slow, query

    def filtered():
        finder = FileSearch(path, re.compile("request", re.I), literal="request")
        finder.confirm = lambda text: fmt.head(text) == (True, Level.ERROR)
        return finder
    fast, slow, stopped = _both(path, monkeypatch, fmt, filtered)
    assert stopped > 0 and fast == slow and len(slow) == 23


def test_grep_error_search_with_grep_absent_reads_in_chunks(tmp_path, monkeypatch):
    path = tmp_path / "app.log"
    java_log(path)
    monkeypatch.setattr(search.shutil, "which", lambda name: None)
    fast, slow, stopped = _both(path, monkeypatch)
    assert stopped == 0 and fast == slow and len(fast) == 30


@pytest.mark.parametrize("name", ["bunyan", "glog", "journald", "json", "access", "strace"])
def test_grep_finds_error_shapes_as_the_chunked_reading(name, tmp_path, monkeypatch):
    """Formats whose errors hold no level word: grep runs their shape as ERE beside the
    words (letters in either case), the same lines as the Python regex over chunks."""
    monkeypatch.setattr(search, "CHUNK", 4096)
    sample = next(p for p in sorted(SHARED.glob("*"))
                  if p.is_file() and formats.detect(formats.sample(p)).name == name)
    body = sample.read_bytes()
    path = tmp_path / "app.log"
    with path.open("wb") as fh:
        for _ in range(4):
            fh.write(body)
            fh.write(body.replace(b'"level":20', b'"level":50'))  # bunyan's errors
            fh.write(body.replace(b"\nI", b"\nF"))  # glog's fatal lines
            fh.write(b"\x00 err \xff\r\n" + b" E " * 2000 + b"\n")  # NULs, bad UTF-8, a long line
            fh.write(b'{"level": 50, "msg": "x"}\r\n{"level":\n50}\n<13>1 ' + b"y" * 5000 + b"\n")
    fast, slow, stopped = _both(path, monkeypatch, formats.by_name(name))
    assert stopped > 0 and slow and fast == slow


@pytest.mark.parametrize("path", sorted(p for p in SHARED.glob("*") if p.is_file()
                                        and p.name != "README.md"), ids=lambda p: p.name)
def test_a_formats_head_reads_what_parse_reads_without_the_time(path):
    """`Format.head` (what the error search confirms with) is `parse`'s start and level, on
    every line of every shared log, in its own format and in every other."""
    lines = path.read_bytes().decode("utf-8", "replace").split("\n")
    lines += ["", "\x00\x00x", "  at a.B(C.java:1)", '{"level": 50}', "level=error msg=x\r"]
    for fmt in (*formats.FORMATS, formats.TEXT):
        for line in lines:
            parsed = fmt.parse(line)
            assert fmt.head(line) == (parsed.start, parsed.level), (fmt.name, line)


def _heads_of(path: Path, fmt: formats.Format, levels: frozenset[Level]) -> list[int]:
    """Every line read by the format on its own: the heads of those levels."""
    want, at = [], 0
    for raw in path.read_bytes().split(b"\n"):
        parsed = fmt.parse(raw[:search.MAX_LINE].decode("utf-8", "replace"))
        if parsed.start and parsed.level in levels:
            want.append(at)
        at += len(raw) + 1
    return want


@pytest.mark.parametrize("path", sorted(p for p in SHARED.glob("*") if p.is_file()
                                        and p.name != "README.md"), ids=lambda p: p.name)
def test_the_level_search_finds_the_same_heads_as_every_line_read(path, monkeypatch):
    """The view's level filter below ERROR: a chunk's level words by one regex pass."""
    monkeypatch.setattr(search, "CHUNK", 8192)  # many chunks, lines cut across them
    fmt = formats.detect(formats.sample(path))
    if fmt.name == "text":
        return
    for level in (Level.DEBUG, Level.INFO, Level.WARNING):
        levels = frozenset(lv for lv in Level if lv >= level)
        assert list(FileSearch.levels(path, fmt, levels).run().offsets) == \
            _heads_of(path, fmt, levels), level


def test_the_level_search_reads_hostile_chunks_line_by_line(tmp_path, monkeypatch):
    """Escapes, CRs, non-ASCII text and stack traces: the same heads as every line read."""
    monkeypatch.setattr(search, "CHUNK", 2048)
    path = tmp_path / "a.log"
    java_log(path, 400)
    with path.open("a") as f:
        f.write("2023-11-14 22:13:20,000 WARN [main] a.B: caf\u00e9 \u2603\n"
                "2023-11-14 22:13:21,000 WARN [main] a.B: \x1b[31mred\x1b[0m\r\n"
                "2023-11-14 22:13:22,000 DEBUG [main] a.B: last\n")
    fmt = formats.detect(formats.sample(path))
    assert fmt.name == "java" and search._words_rx(fmt) is not None  # the bulk reading
    for level in (Level.DEBUG, Level.WARNING):
        levels = frozenset(lv for lv in Level if lv >= level)
        got = list(FileSearch.levels(path, fmt, levels).run().offsets)
        assert got == _heads_of(path, fmt, levels) and got, level
