"""error_pattern: one function, two styles, each pinned to what its caller has always shown."""

from __future__ import annotations

import pytest

from maintui.core.actions.logs import error_type
from maintui.core.logs.patterns import FEED, SCAN, ErrorPattern, error_pattern, split_stamp

LINE = "2024-06-01T10:00:00.123Z ERROR x.y: at 0x7fff id deadbeef12 'a 1' \"b2\" n=42"


@pytest.mark.parametrize(("line", "stamp", "rest"), [
    ("2024-06-01 10:00:59 ERROR a", "2024-06-01 10:00", "ERROR a"),
    ("[2024-06-01T10:00:59,123+02:00] ERROR a", "2024-06-01 10:00", "ERROR a"),
    ("Jun  1 10:00:00 db1 app: ERROR a", "", "app: ERROR a"),
    ("no stamp at all", "", "no stamp at all"),
])
def test_a_lines_own_timestamp_is_split_off_to_the_minute(line, stamp, rest):
    assert split_stamp(line) == (stamp, rest)


def test_triage_keeps_the_logger_and_blanks_numbers_ids_and_quoted_values():
    assert error_pattern(LINE, FEED) == ErrorPattern("2024-06-01 10:00", "x.y: at # id # … … n=#")
    assert error_pattern("Jun  1 10:00:00 db1 app[123]: CRITICAL  disk   full") == (
        "", "app[#]: CRITICAL disk full")  # FEED is the default; whitespace squeezed


def test_logs_scan_keeps_the_message_after_the_level_and_logger():
    # "Nx…": the address is blanked before the numbers, whose pass then takes its "0";
    # kept as logs.scan has always keyed it, since the keys are stored in findings
    assert error_pattern(LINE, SCAN).text == "at Nx… id deadbeefN '…' '…' n=N"
    assert error_type(LINE) == error_pattern(LINE, SCAN).text


def test_logs_scan_keys_a_line_without_a_level_word_whole_and_cuts_at_80():
    assert error_type("2025-01-01 10:00:00 ALERT disk 5 gone") == "N-N-N N:N:N ALERT disk N gone"
    long = error_type("2024-06-01 10:00:00 ERROR " + "word " * 30)
    assert len(long) == 80 and long.startswith("word word")
    assert error_pattern("2024-06-01 10:00:00 ERROR " + "word " * 30, FEED).text == (
        " ".join(["word"] * 30))


def test_the_two_styles_group_the_same_lines_together():
    a = "2024-06-01 10:00:00 ERROR app.http: order 42 for 'bob' failed"
    b = "2024-06-02 11:00:00 ERROR app.http: order 7 for 'al' failed"
    for style in (FEED, SCAN):
        assert error_pattern(a, style).text == error_pattern(b, style).text
