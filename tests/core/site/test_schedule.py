"""Due/overdue status of schedules and maintenance windows (local time)."""

from __future__ import annotations

from datetime import datetime

import pytest

from maintui.core.site.schedule import due_status, in_window, parse_window

DAY = 86_400.0


def at(text: str) -> float:
    """A local-time timestamp from 'YYYY-MM-DD HH:MM'."""
    return datetime.strptime(text, "%Y-%m-%d %H:%M").timestamp()


def test_a_screen_that_never_succeeded_is_never():
    status = due_status("daily", None, at("2024-05-01 12:00"))
    assert (status.state, status.next_due, status.last) == ("never", None, None)


def test_a_daily_screen_is_ok_within_a_day_of_its_last_success():
    last = at("2024-05-01 03:00")
    status = due_status("daily", last, at("2024-05-02 02:59"))
    assert status.state == "ok"
    assert status.next_due == at("2024-05-02 03:00")
    assert status.last == last


def test_a_daily_screen_is_due_once_a_day_has_passed():
    assert due_status("daily", at("2024-05-01 03:00"), at("2024-05-02 03:00")).state == "due"


def test_a_daily_screen_is_overdue_when_a_whole_further_day_was_missed():
    last = at("2024-05-01 03:00")
    assert due_status("daily", last, at("2024-05-03 02:59")).state == "due"
    assert due_status("daily", last, at("2024-05-03 03:00")).state == "overdue"


def test_weekly_counts_seven_days():
    last = at("2024-05-01 03:00")
    assert due_status("weekly", last, last + 7 * DAY - 60).state == "ok"
    assert due_status("weekly", last, last + 7 * DAY).state == "due"
    assert due_status("weekly", last, last + 14 * DAY).state == "overdue"


def test_monthly_clamps_to_the_end_of_a_shorter_month():
    status = due_status("monthly", at("2024-01-31 03:00"), at("2024-02-01 00:00"))
    assert status.next_due == at("2024-02-29 03:00")
    assert status.state == "ok"


def test_quarterly_is_three_calendar_months():
    last = at("2024-01-15 03:00")
    assert due_status("quarterly", last, at("2024-04-15 02:00")).state == "ok"
    assert due_status("quarterly", last, at("2024-04-15 03:00")).state == "due"
    assert due_status("quarterly", last, at("2024-07-15 03:00")).state == "overdue"


def test_a_cron_schedule_is_due_at_its_next_occurrence_after_the_last_success():
    last = at("2024-05-01 03:00")  # a Wednesday; "0 2 * * 0" is Sundays 02:00
    status = due_status("0 2 * * 0", last, at("2024-05-05 01:00"))
    assert status.next_due == at("2024-05-05 02:00")
    assert status.state == "ok"
    assert due_status("0 2 * * 0", last, at("2024-05-05 02:00")).state == "due"
    assert due_status("0 2 * * 0", last, at("2024-05-12 02:00")).state == "overdue"


def test_an_unscheduled_screen_that_succeeded_is_never_due():
    status = due_status(None, at("2020-01-01 00:00"), at("2024-01-01 00:00"))
    assert (status.state, status.next_due) == ("ok", None)


def test_a_window_names_its_days_and_hours():
    win = parse_window("Sun 02:00-08:00")
    assert win.days == frozenset({6})
    assert (win.start.hour, win.end.hour) == (2, 8)


def test_a_window_accepts_day_lists_ranges_and_every_day():
    assert parse_window("Sat,Sun 01:00-05:00").days == frozenset({5, 6})
    assert parse_window("Fri-Mon 22:00-02:00").days == frozenset({4, 5, 6, 0})
    assert parse_window("02:00-04:00").days == frozenset(range(7))


@pytest.mark.parametrize("text", ["Sun", "Funday 02:00-04:00", "Sun 25:00-26:00", "Sun 2-4"])
def test_a_malformed_window_is_refused_with_the_text_in_the_message(text):
    with pytest.raises(ValueError, match="window"):
        parse_window(text)


def test_in_window_is_true_only_on_the_day_and_between_the_hours():
    # 2024-05-05 is a Sunday
    assert in_window("Sun 02:00-08:00", at("2024-05-05 02:00"))
    assert in_window("Sun 02:00-08:00", at("2024-05-05 07:59"))
    assert not in_window("Sun 02:00-08:00", at("2024-05-05 08:00"))
    assert not in_window("Sun 02:00-08:00", at("2024-05-04 03:00"))


def test_an_overnight_window_belongs_to_the_day_it_starts():
    assert in_window("Sat 22:00-02:00", at("2024-05-04 23:00"))  # Saturday night
    assert in_window("Sat 22:00-02:00", at("2024-05-05 01:30"))  # early Sunday
    assert not in_window("Sat 22:00-02:00", at("2024-05-05 23:00"))  # Sunday night
    assert not in_window("Sat 22:00-02:00", at("2024-05-04 01:30"))  # early Saturday
