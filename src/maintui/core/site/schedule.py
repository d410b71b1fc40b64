"""When a screen is due: schedules, due/overdue status, and maintenance windows.

Semantics (local time):

- Named schedules are intervals counted from the last success, like anacron:
  `daily` +1 day, `weekly` +7 days, `monthly` +1 calendar month (day clamped to the
  month's end), `quarterly` +3 calendar months.
- A 5-field cron expression is calendar based: the next occurrence after the last success.
- **next_due** is that time. The state is `due` once `now >= next_due`, and `overdue`
  once a whole further period has gone by too (`now >= next_due + period`), i.e. at
  least one more scheduled run was missed. For cron the period is the gap between
  next_due and the occurrence after it.
- `never`: no successful run recorded. Without a schedule, a screen that has succeeded
  once is always `ok` (nothing is ever due).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from datetime import time as dtime

NAMED = ("daily", "weekly", "monthly", "quarterly")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_MONTHS = {"monthly": 1, "quarterly": 3}


@dataclass(frozen=True)
class DueStatus:
    """Whether a screen is due: state is never | ok | due | overdue."""

    state: str
    next_due: float | None
    last: float | None


def _add_months(when: datetime, months: int) -> datetime:
    month0 = when.month - 1 + months
    year, month = when.year + month0 // 12, month0 % 12 + 1
    day = min(when.day, calendar.monthrange(year, month)[1])
    return when.replace(year=year, month=month, day=day)


def _next_after(schedule: str, when: datetime) -> datetime:
    """The first scheduled time after `when`."""
    if schedule == "daily":
        return when + timedelta(days=1)
    if schedule == "weekly":
        return when + timedelta(days=7)
    if schedule in _MONTHS:
        return _add_months(when, _MONTHS[schedule])
    from croniter import croniter  # imported on use: it is not needed for named schedules

    return croniter(schedule, when).get_next(datetime)


def due_status(schedule: str | None, last_success: float | None, now: float) -> DueStatus:
    """The due state of a screen given its schedule and its last successful run."""
    if last_success is None:
        return DueStatus("never", None, None)
    if not schedule:
        return DueStatus("ok", None, last_success)
    last = datetime.fromtimestamp(last_success).astimezone()
    next_due = _next_after(schedule, last)
    following = _next_after(schedule, next_due)
    if now >= following.timestamp():
        state = "overdue"
    elif now >= next_due.timestamp():
        state = "due"
    else:
        state = "ok"
    return DueStatus(state, next_due.timestamp(), last_success)


@dataclass(frozen=True)
class Window:
    """A weekly maintenance window; `days` are 0=Mon..6=Sun on which it starts."""

    days: frozenset[int]
    start: dtime
    end: dtime

    @property
    def overnight(self) -> bool:
        return self.end <= self.start


_WINDOW = re.compile(r"^\s*(?:(?P<days>[A-Za-z,\- ]+?)\s+)?(?P<start>\d{1,2}:\d{2})\s*-\s*"
                     r"(?P<end>\d{1,2}:\d{2})\s*$")


def _day(name: str, text: str) -> int:
    key = name.strip().lower()[:3]
    if key not in DAYS:
        raise ValueError(f"window {text!r}: unknown day {name.strip()!r}; use Mon..Sun")
    return DAYS.index(key)


def _days(spec: str | None, text: str) -> frozenset[int]:
    if not spec:
        return frozenset(range(7))
    days: set[int] = set()
    for part in spec.split(","):
        if "-" in part:
            first, last = (_day(p, text) for p in part.split("-", 1))
            days.update((first + i) % 7 for i in range((last - first) % 7 + 1))
        else:
            days.add(_day(part, text))
    return frozenset(days)


def _clock(value: str, text: str) -> dtime:
    hours, minutes = (int(p) for p in value.split(":"))
    if hours > 24 or minutes > 59 or (hours == 24 and minutes):
        raise ValueError(f"window {text!r}: {value} is not a time of day")
    return dtime(0, 0) if hours == 24 else dtime(hours, minutes)


def parse_window(text: str) -> Window:
    """Parse `Sun 02:00-08:00`, `Sat,Sun 01:00-05:00`, `Mon-Fri 22:00-02:00` or `02:00-04:00`."""
    match = _WINDOW.match(text)
    if not match:
        raise ValueError(f"window {text!r}: expected e.g. 'Sun 02:00-08:00' or 'Mon-Fri 22:00-02:00'")
    start, end = _clock(match["start"], text), _clock(match["end"], text)
    return Window(_days(match["days"], text), start, end)


def in_window(window: Window | str, now: float) -> bool:
    """Whether `now` falls inside the window (an overnight window belongs to its start day)."""
    win = parse_window(window) if isinstance(window, str) else window
    local = datetime.fromtimestamp(now)
    here = local.time()
    if not win.overnight:
        return local.weekday() in win.days and win.start <= here < win.end
    started_today = local.weekday() in win.days and here >= win.start
    started_yesterday = (local.weekday() - 1) % 7 in win.days and here < win.end
    return started_today or started_yesterday


def next_window(window: Window | str, now: float) -> datetime:
    """When the window next opens after `now` (local time): its next start day at its start."""
    win = parse_window(window) if isinstance(window, str) else window
    local = datetime.fromtimestamp(now).astimezone()
    for ahead in range(8):
        day = local + timedelta(days=ahead)
        start = day.replace(hour=win.start.hour, minute=win.start.minute, second=0,
                            microsecond=0)
        if start.weekday() in win.days and start > local:
            return start
    raise ValueError(f"window {window!r} never opens")  # parse_window gives at least one day
