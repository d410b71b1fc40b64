"""Narrow panes: a table's flexible column gives way with an ellipsis, output wraps at `/`,
a log line's time is compact."""

from __future__ import annotations

from rich.text import Text

from maintui.tui.widgets.cells import clipped, fit_column
from maintui.tui.widgets.wrap import INDENT, wrap_line, wrap_lines

PATH = "/srv/app/data/production/backups/app-20240601-020000.db.gz"


def test_a_long_path_wraps_after_a_slash_and_nothing_is_lost():
    pieces = wrap_line(f"copied {PATH} to the archive", 30)
    assert all(len(p) <= 30 for p in pieces)
    assert pieces[0].endswith("/")  # broken at a folder, not in a name
    assert all(p.startswith(INDENT) for p in pieces[1:])
    # put back together (a break at a space dropped that space), it is the line again
    joined = pieces[0]
    for piece in pieces[1:]:
        rest = piece.removeprefix(INDENT)
        joined += rest if joined.endswith("/") else " " + rest
    assert joined == f"copied {PATH} to the archive"


def test_a_word_longer_than_the_pane_is_cut_at_the_edge_and_short_lines_stay_whole():
    assert wrap_line("x" * 50, 20) == ["x" * 20, INDENT + "x" * 18, INDENT + "x" * 12]
    assert wrap_lines(["short", "also short"], 20) == ["short", "also short"]
    assert wrap_line(PATH, 0) == [PATH]  # the pane's width is not known yet: kept whole


def test_the_flexible_column_gives_way_with_an_ellipsis_and_the_others_keep_their_width():
    rows = [("a", ["1", "config-backup-fresh", "1 flagged · the action reported failure"]),
            ("b", ["2", "db", Text("ok")])]
    fitted = fit_column(rows, ("#", "step", "note"), 50, 2)
    note = fitted[0][1][2]
    # others: "#" 1+2, "step" 19+2 = 24; padding 2, scrollbar 2: 22 cells left
    assert note == "1 flagged · the actio…" and len(note) == 22
    assert fitted[0][1][1] == "config-backup-fresh"
    assert fitted[1][1][2].plain == "ok"


def test_a_folder_keeps_its_end_and_a_tiny_room_still_says_something_was_cut():
    assert clipped("archive/quarterly-capacity-reviews", 12, keep_end=True) == "…ity-reviews"
    assert clipped("abc", 12) == "abc"
    assert clipped("abcdef", 1) == "…"


def test_a_leading_iso_time_is_compact_and_other_lines_are_left_alone():
    from maintui.tui.widgets.log_view import compact_time

    assert compact_time("2026-12-05 06:04:21,915 INFO app: up") == "12-05 06:04:21 INFO app: up"
    assert compact_time("2024-06-01T12:00:05.123+02:00 ERROR x") == "06-01 12:00:05 ERROR x"
    assert compact_time("Dec  5 06:04:21 host sshd[1]: ok") == "Dec  5 06:04:21 host sshd[1]: ok"
    assert compact_time("request 2026-12-05 06:04:21 done") == "request 2026-12-05 06:04:21 done"


def test_a_file_name_is_not_cut_in_two_when_a_space_comes_before_it():
    """`[ok] report written: update-5-20261205-1306.md` at 46 columns: cut at the space, not
    `….m` / `d` (an operator review at 80x24)."""
    line = "[ok] report written: update-5-20261205-1306.md"
    assert wrap_line(line, 45) == ["[ok] report written:", INDENT + "update-5-20261205-1306.md"]


def test_a_path_is_not_broken_after_its_leading_slash():
    line = "found warning Index: index bloated 40% · file: /srv/db/app.db"
    assert wrap_line(line, 48) == ["found warning Index: index bloated 40% · file:",
                                   INDENT + "/srv/db/app.db"]
