"""ErrorFeed without a terminal: error records of the watched logs, grouped by template."""

from __future__ import annotations

from pathlib import Path

import pytest

from maintui.core.logs.levels import Level
from maintui.core.logs.tail import Line
from maintui.tui.models import errors
from maintui.tui.models.errors import ErrorFeed, ErrorGroup, is_error


@pytest.fixture
def feed_of(tmp_path: Path):
    made: list[ErrorFeed] = []

    def make(**logs: str) -> ErrorFeed:
        paths = {}
        for name, text in logs.items():
            paths[name] = tmp_path / f"{name}.log"
            paths[name].write_text(text)
        made.append(ErrorFeed(paths))
        return made[-1]

    yield make
    for feed in made:
        feed.close()


def test_lines_that_differ_only_in_ids_and_values_make_one_group(feed_of):
    feed = feed_of(app="2024-06-01 10:00:00 ERROR app: GET /orders/17 for 'alice' failed\n"
                       "2024-06-01 10:05:00 ERROR app: GET /orders/4242 for 'bob' failed\n"
                       "2024-06-01 10:06:00 WARNING app: GET /orders/1 slow\n")
    assert feed.refresh() == [ErrorGroup("app", "GET <*> for <*> failed", 2,
                                         "2024-06-01 10:05")]


def test_groups_are_newest_first_across_logs_by_their_own_timestamps(feed_of):
    feed = feed_of(app="2024-06-01 10:00:00 ERROR app: a\n2024-06-01 12:00:00 ERROR app: b\n",
                   db="2024-06-01 11:00:00 ERROR db: c\n")
    assert [(g.log, g.pattern) for g in feed.refresh()] == [
        ("app", "b"), ("db", "c"), ("app", "a")]


def test_lines_without_a_timestamp_rank_by_file_order(feed_of):
    feed = feed_of(app="ERROR first\nERROR second\n")
    assert [(g.pattern, g.newest) for g in feed.refresh()] == [("second", ""), ("first", "")]


def test_a_syslog_prefix_is_not_part_of_the_pattern(feed_of):
    feed = feed_of(sys="Jun  1 10:00:00 db1 kernel: ERROR disk 3 failing\n"
                       "Jun  1 10:01:00 db1 kernel: ERROR disk 4 failing\n")
    assert [(g.pattern, g.count) for g in feed.refresh()] == [("disk <*> failing", 2)]


def test_new_lines_are_followed_after_the_first_read(feed_of, tmp_path):
    feed = feed_of(app="2024-06-01 10:00:00 ERROR app: boom 1\n")
    assert feed.refresh()[0].count == 1
    with (tmp_path / "app.log").open("a") as fh:
        fh.write("2024-06-01 10:01:00 ERROR app: boom 2\n")
    assert feed.refresh() == [ErrorGroup("app", "boom <*>", 2, "2024-06-01 10:01")]
    assert feed.refresh()[0].count == 2  # nothing new: the same counts


def test_the_counts_cover_at_most_the_newest_kept_lines(feed_of, monkeypatch):
    monkeypatch.setattr(errors, "KEPT", 3)
    feed = feed_of(app="".join(f"ERROR old {n}\n" for n in range(5)) + "ERROR new 1\n")
    assert {g.pattern: g.count for g in feed.refresh()} == {"old <*>": 2, "new <*>": 1}


def test_the_backlog_read_when_opened_is_bounded(feed_of, monkeypatch):
    monkeypatch.setattr(errors, "BACKLOG", 2)
    feed = feed_of(app="ERROR a\nERROR b\nERROR c\n")
    assert [g.pattern for g in feed.refresh()] == ["c", "b"]


def test_a_traceback_counts_once_by_its_exception_line(feed_of):
    feed = feed_of(app="2024-06-01 10:00:00 ERROR app: request failed\n"
                       "Traceback (most recent call last):\n"
                       '  File "x.py", line 3, in f\n    boom()\n'
                       "KeyError: 'order'\n")
    # one record (issue 12): the traceback belongs to the line above it, named by its exception
    assert [(g.pattern, g.count) for g in feed.refresh()] == [("request failed (KeyError)", 1)]


def test_is_error_takes_error_and_worse_but_not_traceback_frames():
    assert is_error(Line("app", 0, "ERROR down", Level.ERROR))
    assert is_error(Line("app", 0, "CRITICAL down", Level.CRITICAL))
    assert not is_error(Line("app", 0, "WARNING slow", Level.WARNING))
    frame = Line("app", 0, '  File "x.py", line 3', Level.ERROR, traceback=True)
    assert not is_error(frame)
    assert is_error(Line("app", 0, "KeyError: 'x'", Level.ERROR, traceback=True))


def test_a_log_that_does_not_exist_gives_no_groups(tmp_path):
    feed = ErrorFeed({"gone": tmp_path / "missing.log"})
    try:
        assert feed.refresh() == []
    finally:
        feed.close()


def test_a_log_that_is_missing_or_not_a_file_is_named_unread_not_counted_clean(tmp_path):
    """No errors from a log that is not there is no news: the triage table says so."""
    ok = tmp_path / "app.log"
    ok.write_text("2024-06-01 10:00:00 INFO app: fine\n")
    feed = ErrorFeed({"app": ok, "syslog": tmp_path / "missing.log", "dir": tmp_path})
    try:
        assert feed.refresh() == []
        assert feed.unread() == ["syslog", "dir"]
    finally:
        feed.close()


async def test_the_error_table_says_which_logs_it_could_not_read():
    from textual.app import App, ComposeResult

    from maintui.tui.widgets.triage import ErrorTable

    class Panel(App[None]):
        def compose(self) -> ComposeResult:
            yield ErrorTable(["syslog", "app"])

    app = Panel()
    async with app.run_test(size=(80, 12)) as pilot:
        table = app.query_one(ErrorTable)
        table.show([], ["syslog"])
        await pilot.pause()
        assert table.border_subtitle == "no errors in 1 of 2 logs · not read: syslog"
        table.show([])
        assert table.border_subtitle == "no errors in 2 logs"  # as before when all were read
