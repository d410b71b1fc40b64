"""A search hit in a stack trace has its record's level: `LogFile.record_of`, the level
filter's `in_record_of` over a whole file (grep's path too), and `count_lines`."""

from __future__ import annotations

from pathlib import Path

import pytest

from maintui.core.logs import formats, search
from maintui.core.logs.levels import Level, at_least
from maintui.core.logs.search import FileSearch, count_lines, in_record_of
from maintui.core.logs.tail import LogFile


def python_log(path: Path, records: int) -> list[str]:
    lines = []
    for i in range(records):
        stamp = f"2026-12-05 {i // 3600 % 24:02d}:{i // 60 % 60:02d}:{i % 60:02d},000"
        if i % 50 == 49:
            lines += [f"{stamp} ERROR   app.db: failed to write event batch",
                      "Traceback (most recent call last):",
                      '  File "/opt/app/app/db.py", line 88, in run',
                      "sqlite3.OperationalError: database is locked"]
        else:
            lines.append(f"{stamp} INFO    app.http: request {i} served, not locked")
    path.write_text("".join(f"{line}\n" for line in lines))
    return lines


def opened(path: Path) -> tuple[LogFile, formats.Format]:
    fmt = formats.detect(formats.sample(path))
    log = LogFile(path, fmt=fmt)
    log.tail(1)
    return log, fmt


def test_record_of_gives_a_stack_trace_line_its_heads_level_and_the_head(tmp_path: Path):
    path = tmp_path / "app.log"
    python_log(path, 100)
    log, _ = opened(path)
    data = path.read_bytes()
    at = data.index(b"sqlite3.OperationalError")
    record = log.record_of(at)
    assert record[0].text.endswith("ERROR   app.db: failed to write event batch")
    assert record[-1].offset == at and "locked" in record[-1].text
    assert {line.level for line in record} == {Level.ERROR}
    head = data.index(b"request 3 served")
    head = data.rfind(b"\n", 0, head) + 1
    assert [ln.offset for ln in log.record_of(head)] == [head]  # a head is its own record


@pytest.mark.parametrize("grep", [False, True])
def test_a_text_search_under_a_level_filter_keeps_stack_trace_lines_by_their_record(
        tmp_path: Path, monkeypatch, grep: bool):
    if grep:
        monkeypatch.setattr(search, "GREP_MIN", 0)  # GNU grep finds the candidates
    path = tmp_path / "app.log"
    lines = python_log(path, 1000)
    log, fmt = opened(path)
    pattern = search.re.compile("locked", search.re.IGNORECASE)
    found = {}
    for level in (Level.INFO, Level.WARNING, Level.ERROR):
        finder = FileSearch(path, pattern, literal="locked")
        finder.keep = in_record_of(log, fmt, at_least(level))
        found[level] = len(finder.run())
    traces = sum(line.startswith("sqlite3") for line in lines)
    served = sum("not locked" in line for line in lines)
    assert traces == 20
    assert found == {Level.INFO: traces + served, Level.WARNING: traces, Level.ERROR: traces}


def test_count_lines_counts_newlines_up_to_an_offset_in_chunks(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(search, "CHUNK", 1000)
    path = tmp_path / "app.log"
    lines = python_log(path, 500)
    size = path.stat().st_size
    assert count_lines(path, size) == len(lines)
    assert count_lines(path, 0) == 0
    assert count_lines(tmp_path / "nope.log", 10) is None
    assert count_lines(path, size, cancelled=lambda: True) is None
