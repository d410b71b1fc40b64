"""Short, fixed-width renderings of sizes, rates and times for dense tables and gauges."""

from __future__ import annotations

import time

_UNITS = ("B", "K", "M", "G", "T", "P")


def size(n: float) -> str:
    """Bytes as at most 5 characters: 512B, 4.9G, 120G."""
    value, unit = float(n), 0
    while value >= 1000 and unit < len(_UNITS) - 1:
        value, unit = value / 1024, unit + 1
    if unit == 0:
        return f"{int(value)}B"
    return f"{value:.1f}{_UNITS[unit]}" if value < 10 else f"{value:.0f}{_UNITS[unit]}"


def used_of(used: float, total: float) -> str:
    """`5.2/8.4G`: used and total sharing the total's unit when they have the same one."""
    a, b = size(used), size(total)
    return f"{a[:-1]}/{b}" if a[-1] == b[-1] and a[-1] != "B" else f"{a}/{b}"


def span(seconds: float) -> str:
    """A duration in its largest unit: 45s, 12m, 3h, 5d."""
    s = int(abs(seconds))
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m"
    return f"{s // 3600}h" if s < 86_400 else f"{s // 86_400}d"


def ago(when: float | None, now: float) -> str:
    """`3h ago`, `in 2d`, or `never`."""
    if when is None:
        return "never"
    delta = now - when
    return f"{span(delta)} ago" if delta >= 0 else f"in {span(delta)}"


def clock_time(when: float, now: float) -> str:
    """`14:05` today, `Mon 14:05` this week, `2024-05-01` before."""
    local, today = time.localtime(when), time.localtime(now)
    if local[:3] == today[:3]:
        return time.strftime("%H:%M", local)
    if 0 <= now - when < 6 * 86_400:
        return time.strftime("%a %H:%M", local)
    return time.strftime("%Y-%m-%d", local)
