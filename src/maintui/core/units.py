"""Durations as written in screen files: `30s`, `2m`, `1h30m`, `1d`, or a number of seconds."""

from __future__ import annotations

import re

_PART = re.compile(r"(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)")
_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(value: str | int | float) -> float:
    """Seconds in `value`; ValueError with a hint when it cannot be read."""
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
