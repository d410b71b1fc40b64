"""Multi-line records: tracebacks and stack traces stay with their line, in bounded memory."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

from maintui.core.logs import formats
from maintui.core.logs.formats import TEXT, detect
from maintui.core.logs.levels import Level
from maintui.core.logs.records import MAX_BYTES, MAX_LINES, Grouper, level_of_record, records

PYTHON = """\
2024-05-17 15:04:22,619 - app.jobs - INFO - starting job 42
2024-05-17 15:04:23,001 - app.jobs - ERROR - job 42 failed
Traceback (most recent call last):
  File "/srv/app/jobs.py", line 10, in run
    step()
  File "/srv/app/jobs.py", line 20, in step
    raise KeyError(key)
KeyError: 'order'

During handling of the above exception, another exception occurred:

Traceback (most recent call last):
  File "/srv/app/jobs.py", line 12, in run
    raise RuntimeError("gave up")
RuntimeError: gave up
2024-05-17 15:04:24,000 - app.jobs - INFO - next job
""".splitlines()

JAVA = """\
2015-10-18 18:01:47,978 ERROR [main] org.apache.hadoop.A: Error starting MRAppMaster
java.lang.IllegalStateException: cannot start
\tat org.apache.hadoop.A.start(A.java:42)
\tat org.apache.hadoop.Main.main(Main.java:7)
Caused by: java.io.IOException: disk gone
\tat org.apache.hadoop.Disk.open(Disk.java:9)
\t... 2 more
2015-10-18 18:01:48,000 INFO [main] org.apache.hadoop.A: shutting down
""".splitlines()


def test_a_python_traceback_is_one_error_record_with_its_line():
    got = list(records(PYTHON, detect(PYTHON)))
    assert [(r.at, r.level, r.line_count) for r in got] == [
        (0, Level.INFO, 1), (1, Level.ERROR, 14), (15, Level.INFO, 1)]
    assert got[1].stack and got[1].message == "job 42 failed"
    assert got[1].lines[-1] == "RuntimeError: gave up"


def test_a_java_stack_trace_with_its_causes_is_one_record():
    got = list(records(JAVA, detect(JAVA)))
    assert [(r.level, r.line_count) for r in got] == [(Level.ERROR, 7), (Level.INFO, 1)]
    assert got[0].lines[4].startswith("Caused by:") and got[0].lines[6] == "\t... 2 more"


def test_in_plain_text_a_traceback_joins_the_line_above_and_its_exception_line_too():
    lines = ["worker started", "job failed:", "Traceback (most recent call last):",
             '  File "x.py", line 1, in <module>', "ValueError: bad", "worker idle"]
    got = list(records(lines, TEXT))
    assert [(r.at, r.line_count) for r in got] == [(0, 1), (1, 4), (5, 1)]
    assert level_of_record(got[1]) is Level.ERROR  # no level word, but a traceback


def test_lines_before_the_first_record_head_are_kept_as_a_record_of_their_own():
    lines = ["\tat a.B.c(B.java:1)", "\t... 3 more", *JAVA]
    got = list(records(lines, formats.by_name("java")))
    assert (got[0].at, got[0].line_count, got[0].level) == (0, 2, Level.ERROR)
    assert got[1].at == 2


def test_a_grouper_hands_a_record_over_when_the_next_one_starts():
    grouper = Grouper(formats.by_name("java"))
    assert grouper.feed(JAVA[0]) is None
    assert all(grouper.feed(line) is None for line in JAVA[1:7])
    done = grouper.feed(JAVA[7])
    assert done is not None and done.line_count == 7
    last = grouper.flush()
    assert last is not None and last.message == "shutting down" and grouper.flush() is None


def test_records_stream_from_an_endless_source():
    def endless() -> Iterator[str]:
        for n in itertools.count():
            yield f"2024-05-17 15:04:22,619 - app - ERROR - failure {n}"
            yield "  detail"

    first = list(itertools.islice(records(endless(), formats.by_name("python")), 3))
    assert [r.message for r in first] == ["failure 0", "failure 1", "failure 2"]


def test_a_huge_record_is_cut_at_the_caps_and_says_so():
    head = "2024-05-17 15:04:22,619 - app - ERROR - dump follows"
    tail = "2024-05-17 15:04:23,000 - app - INFO - ok"
    lines = [head, *(f"  frame {i}" for i in range(MAX_LINES + 250)), tail]
    big, ok = records(lines, formats.by_name("python"))
    assert len(big.lines) == MAX_LINES and big.cut == 251 and big.line_count == MAX_LINES + 251
    assert big.text.endswith("[… 251 more lines cut]") and ok.at == MAX_LINES + 251


def test_a_huge_line_is_kept_up_to_the_byte_cap():
    wide = "x" * (MAX_BYTES * 3)
    lines = ["2024-05-17 15:04:22,619 - app - ERROR - " + wide, "  " + wide]
    (rec,) = records(lines, formats.by_name("python"))
    assert len(rec.lines[0]) == MAX_BYTES and rec.cut == 1 and rec.size <= MAX_BYTES
