"""Sizes, durations and times: how maintui reads them from files and prints them for people."""

from __future__ import annotations

import re
import time

# -- durations ------------------------------------------------------------------------------

_PART = re.compile(r"(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)")
_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(value: str | int | float) -> float:
    """Seconds in a duration as written in screen files (`30s`, `2m`, `1h30m`, `1d`, or a
    number of seconds); ValueError with a hint when it cannot be read."""
    if isinstance(value, bool):
        raise ValueError(f"bad duration {value!r}: use e.g. 30s, 2m, 1h30m")
    if isinstance(value, int | float):
        if value < 0:
            raise ValueError(f"bad duration {value!r}: must not be negative")
        return float(value)
    text = str(value).strip().lower().replace(" ", "")
    if text and _PART.sub("", text) == "" and _PART.search(text):
        return sum(float(n) * _UNITS[u] for n, u in _PART.findall(text))
    try:
        return parse_duration(float(text))
    except ValueError:
        raise ValueError(f"bad duration {value!r}: use e.g. 30s, 2m, 1h30m") from None


def format_duration(seconds: float | None) -> str:
    """Short human form: 850ms, 12.3s, 4m05s, 2h10m."""
    if seconds is None:
        return "—"
    if seconds < 1:
        return f"{seconds * 1000:.0f}ms"
    if seconds < 60:
        return f"{seconds:.1f}s"
    minutes, secs = divmod(int(seconds), 60)
    if minutes < 60:
        return f"{minutes}m{secs:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"


def span(seconds: float) -> str:
    """A duration in its largest unit: 45s, 12m, 3h, 5d."""
    s = int(abs(seconds))
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m"
    return f"{s // 3600}h" if s < 86_400 else f"{s // 86_400}d"


# -- sizes ----------------------------------------------------------------------------------

_SIZE_UNITS = ("B", "K", "M", "G", "T", "P")


def size(n: float) -> str:
    """Bytes as at most 5 characters, for dense tables and gauges: 512B, 4.9G, 120G."""
    value, unit = float(n), 0
    while value >= 1000 and unit < len(_SIZE_UNITS) - 1:
        value, unit = value / 1024, unit + 1
    if unit == 0:
        return f"{int(value)}B"
    return f"{value:.1f}{_SIZE_UNITS[unit]}" if value < 10 else f"{value:.0f}{_SIZE_UNITS[unit]}"


def used_of(used: float, total: float) -> str:
    """`5.2/8.4G`: used and total sharing the total's unit when they have the same one."""
    a, b = size(used), size(total)
    return f"{a[:-1]}/{b}" if a[-1] == b[-1] and a[-1] != "B" else f"{a}/{b}"


def human_size(n: float) -> str:
    """Bytes in sentences, reports and findings: 1.4 MiB."""
    import humanize  # imported on use: the console's tables use size() and never pay for it

    return humanize.naturalsize(n, binary=True)


# -- times ----------------------------------------------------------------------------------

def when(ts: float | None, fmt: str = "%Y-%m-%d %H:%M:%S") -> str:
    """A local date and time (`fmt`), or `—` for none."""
    return time.strftime(fmt, time.localtime(ts)) if ts else "—"


def ago(then: float | None, now: float) -> str:
    """`3h ago`, `in 2d`, or `never`."""
    if then is None:
        return "never"
    delta = now - then
    return f"{span(delta)} ago" if delta >= 0 else f"in {span(delta)}"


def clock_time(then: float, now: float) -> str:
    """`14:05` today, `Mon 14:05` this week, `2024-05-01` before."""
    local, today = time.localtime(then), time.localtime(now)
    if local[:3] == today[:3]:
        return time.strftime("%H:%M", local)
    if 0 <= now - then < 6 * 86_400:
        return time.strftime("%a %H:%M", local)
    return time.strftime("%Y-%m-%d", local)


_SIZES = {"": 1, "b": 1, "k": 1024, "m": 1024**2, "g": 1024**3, "t": 1024**4}


def parse_size(text: str) -> float:
    """`512M`, `2G`, `1.5T` → bytes; ValueError with a hint otherwise."""
    raw = str(text).strip().lower().removesuffix("ib").removesuffix("b")
    unit = raw[-1] if raw and raw[-1] in _SIZES else ""
    try:
        return float(raw[: len(raw) - len(unit)]) * _SIZES[unit]
    except ValueError:
        raise ValueError(f"bad size {text!r}: use e.g. 512M, 2G, or a percentage like 10%") from None
