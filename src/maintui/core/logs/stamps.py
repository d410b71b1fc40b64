"""Timestamps as logs write them (ISO, syslog, Apache, glog, HDFS, epoch …) → epoch seconds.

Each shape is a regex anchored where the format's `time` field starts. Naive times are the
machine's local time (as `logs.scan` always read them); a time without a year (syslog,
glog, logcat) is in the current year unless that puts it more than two days ahead, in
which case it is last year's (a December log read in January). Conversions are cached to
the second: a busy log repeats the same second thousands of times.
"""

from __future__ import annotations

import calendar
import re
import time
from collections.abc import Callable
from functools import lru_cache

MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
_FRACTION = r"(?:[.,:](?P<f>\d{1,9}))?"
_ZONE = r"(?:\s?(?P<z>Z|[+-]\d\d(?::?\d\d)?)(?![\d:]))?"
# two digits each, or one before a separator (HealthApp writes 0:28:5)
_HMS = r"(?P<H>\d\d?(?=:)|\d\d)[:.]?(?P<M>\d\d?(?=[:.])|\d\d)[:.]?(?P<S>\d\d?(?!\d)|\d\d)"

# name → regex with groups Y (or y: two digits), m (or b: month name), d, H, M, S, f, z, e
SHAPES: dict[str, re.Pattern[str]] = {
    # 2024-05-17T15:04:22.619Z, 2024-05-17 15:04:22,619 +0200, 2024/05/17 15:04:22,
    # 20171223-22:15:29:606 (HealthApp), 2005-06-03-15.42.50.675872 (BGL)
    "iso": re.compile(r"(?P<Y>\d{4})[-/.]?(?P<m>\d\d)[-/.]?(?P<d>\d\d)[T _-]?" + _HMS
                      + _FRACTION + _ZONE),
    # 081109 203615 (HDFS), 17/06/09 20:10:40 (Spark)
    "yymmdd": re.compile(r"(?P<y>\d\d)/?(?P<m>\d\d)/?(?P<d>\d\d) "
                         r"(?P<H>\d\d):?(?P<M>\d\d):?(?P<S>\d\d)"),
    # Nov  3 09:23:38, Nov 3 09:23:38.123
    "syslog": re.compile(r"(?P<b>[A-Z][a-z]{2})\s+(?P<d>\d{1,2}) " + _HMS + _FRACTION),
    # 0517 15:04:22.619632 (glog), 05-17 15:04:22.619 (logcat), 10.30 16:49:06 (Proxifier)
    "mmdd": re.compile(r"(?P<m>\d\d)[-./]?(?P<d>\d\d) (?P<H>\d\d):(?P<M>\d\d):(?P<S>\d\d)"
                       + _FRACTION),
    # 20/Jul/2009:22:59:26 +0000 (access logs), 25/Feb/2019:16:19:48.143
    "apache": re.compile(r"(?P<d>\d\d)/(?P<b>[A-Z][a-z]{2})/(?P<Y>\d{4}):" + _HMS + _FRACTION
                         + r"(?:\s(?P<z>[+-]\d{4}))?"),
    # Sun Mar 13 22:49:12 2016 (uWSGI), Sun Dec 04 04:47:44.123456 2005 (Apache error)
    "ctime": re.compile(r"[A-Z][a-z]{2} (?P<b>[A-Z][a-z]{2}) +(?P<d>\d{1,2}) " + _HMS + _FRACTION
                        + r" (?P<Y>\d{4})"),
    # 25 Apr 2024 05:32:35.018 (Redis)
    "dmy": re.compile(r"(?P<d>\d{1,2}) (?P<b>[A-Z][a-z]{2}) (?P<Y>\d{4}) " + _HMS + _FRACTION),
    # 1534860261221373 (µs), 1745532517537 (ms), 1697048351.000541 (s)
    "epoch": re.compile(r"(?P<e>\d{9,16}(?:\.\d+)?)(?![\d.])"),
}
# What a line's leading time may look like when no format says: tried in this order.
GUESS = ("iso", "syslog", "apache", "ctime", "yymmdd", "mmdd", "dmy")


def parse(shape: str, text: str) -> float | None:
    """Seconds since the epoch of the time `text` starts with, in `shape`; None if it is not one."""
    found = SHAPES[shape].match(text)
    return None if found is None else _seconds(found)


def guess(text: str) -> tuple[float, int] | None:
    """(seconds, length) of a time at the very start of `text` in any known shape."""
    for shape in GUESS:
        found = SHAPES[shape].match(text)
        if found is not None and (seconds := _seconds(found)) is not None:
            return seconds, found.end()
    return None


def parser(shape: str) -> Callable[[str], float | None]:
    """`parse` bound to one shape, or to whichever shape matches ("auto")."""
    if shape == "auto":
        return lambda text: None if (got := guess(text)) is None else got[0]
    if shape not in SHAPES:
        raise KeyError(shape)
    rx = SHAPES[shape]
    return lambda text: None if (found := rx.match(text)) is None else _seconds(found)


def _seconds(found: re.Match[str]) -> float | None:
    parts = found.groupdict()
    if parts.get("e"):
        return _epoch(parts["e"])
    try:
        month = int(parts["m"]) if parts.get("m") else MONTHS[parts["b"].lower()]
        day = int(parts["d"])
        if parts.get("Y"):
            year = int(parts["Y"])
        elif parts.get("y"):
            year = 2000 + int(parts["y"])
        else:
            year = _year_of(month, day)
        whole = _whole(year, month, day, int(parts["H"]), int(parts["M"]), int(parts["S"]),
                       parts.get("z") or "")
    except (KeyError, ValueError, OverflowError):
        return None
    fraction = parts.get("f")
    return whole if not fraction else whole + int(fraction) / 10 ** len(fraction)


def _epoch(digits: str) -> float:
    value = float(digits)
    if value >= 1e14:  # microseconds (journald), then milliseconds (pino, JavaScript)
        return value / 1e6
    return value / 1e3 if value >= 1e11 else value


@lru_cache(maxsize=4096)
def _whole(year: int, month: int, day: int, hour: int, minute: int, second: int,
           zone: str) -> float:
    fields = (year, month, day, hour, minute, min(second, 59), 0, 0, -1)
    if not 1 <= month <= 12 or not 1 <= day <= 31 or hour > 24 or minute > 59:
        raise ValueError("not a time")
    if not zone:
        return time.mktime(fields)
    if zone == "Z":
        return float(calendar.timegm(fields))
    sign = -1 if zone[0] == "-" else 1
    digits = zone[1:].replace(":", "")
    offset = int(digits[:2]) * 3600 + int(digits[2:4] or 0) * 60
    return float(calendar.timegm(fields) - sign * offset)


def _year_of(month: int, day: int) -> int:
    return _year_for(month, day, int(time.time() // 3600))


@lru_cache(maxsize=64)
def _year_for(month: int, day: int, hour: int) -> int:
    now = hour * 3600.0
    year = time.localtime(now).tm_year
    try:
        when = time.mktime((year, month, day, 0, 0, 0, 0, 0, -1))
    except (OverflowError, ValueError):
        return year
    return year - 1 if when > now + 2 * 86400 else year
