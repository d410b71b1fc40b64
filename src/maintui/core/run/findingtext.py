"""Findings for people: worst first, each with its details (which files, which rows) in short
lines, for `maintui show` and the run's report."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from maintui.core.states import severity
from maintui.core.units import when

MAX_ITEMS = 10  # list entries shown per detail; the rest is counted
MAX_CHARS = 200  # one value's text, cut beyond
INLINE = 80  # a list of short words this long or less stays on the key's line
# Detail keys whose numbers are moments: actions record epoch seconds, people read local times.
TIME_KEYS = frozenset({"first", "last", "since", "until", "start", "end", "published", "at",
                       "when", "started", "ended", "changed", "ts"})
EPOCHS = (1e9, 4.1e9)  # 2001 to 2099: a number outside is not a moment, shown as it is


def worst_first(findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Critical, then warning, then ok; the run's order kept within each."""
    return sorted(findings, key=lambda f: -severity(f["status"]))


def _moment(key: str, value: Any) -> str | None:
    """`value` as a local time when `key` names a moment and it is epoch seconds."""
    if key in TIME_KEYS and isinstance(value, int | float) and not isinstance(value, bool) \
            and EPOCHS[0] <= value < EPOCHS[1]:
        return when(value)
    return None


def _short(value: Any, key: str = "") -> str:
    if (moment := _moment(key, value)) is not None:
        return moment
    if isinstance(value, dict):
        text = ", ".join(f"{k}={_short(v, str(k))}" for k, v in value.items())
    elif isinstance(value, str):
        text = value
    else:
        text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= MAX_CHARS else text[:MAX_CHARS - 1] + "…"


def _list_lines(key: str, items: list[Any]) -> list[str]:
    shown, more = items[:MAX_ITEMS], len(items) - MAX_ITEMS
    words = [_short(v) for v in shown]
    flat = all(not isinstance(v, dict | list) for v in shown)
    if flat and sum(len(w) + 2 for w in words) <= INLINE:
        return [f"{key}: {', '.join(words)}" + (f" (+{more} more)" if more > 0 else "")]
    return [f"{key}:", *(f"  {w}" for w in words)] + ([f"  … {more} more"] if more > 0 else [])


def detail_lines(details: dict[str, Any] | None) -> list[str]:
    """A finding's details as `key: value` lines; long lists cut to their first entries."""
    out: list[str] = []
    for key, value in (details or {}).items():
        if value in (None, "", [], {}):
            continue
        if isinstance(value, list):
            out += _list_lines(str(key), value)
        else:
            out.append(f"{key}: {_short(value, str(key))}")
    return out


def masked(value: Any, mask: Callable[[str], str]) -> Any:
    """`value` (a finding's details) with every string in it masked, structure kept."""
    if isinstance(value, str):
        return mask(value)
    if isinstance(value, dict):
        return {k: masked(v, mask) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [masked(v, mask) for v in value]
    return value
