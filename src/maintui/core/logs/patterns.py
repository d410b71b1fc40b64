"""One error line → the pattern that groups it with lines differing only in numbers, ids, quotes.

Two callers group error lines, and each has always written its patterns its own way, which
operators see (triage's error table; `logs.scan`'s "top" types in findings and reports). Both
now take their pattern from `error_pattern`; a `Style` holds what differs between them:

- `FEED` (triage): the line after its timestamp, numbers and ids as `#`, quoted values as `…`,
  whitespace squeezed, a leading `ERROR ` dropped: `app: order # failed for …`.
- `SCAN` (`logs.scan`): the message after the level word and the logger name, `0x…` for
  addresses, `'…'` for quoted values, `N` for numbers, cut to 80 characters:
  `order N failed for '…'`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

STAMP = re.compile(
    r"^\s*\[?(\d{4}-\d\d-\d\d[T ]\d\d:\d\d(?::\d\d)?)[\d.,:]*(?:Z|[+-]\d\d:?\d\d)?\]?\s*")
SYSLOG = re.compile(r"^[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \S+ ")
LEVEL_WORD = re.compile(r"\b(?:ERROR|CRITICAL|FATAL)\b:?\s*")
LOGGER = re.compile(r"^[\w.]+: ")

Replacement = str | Callable[[re.Match[str]], str]


@dataclass(frozen=True)
class Style:
    """How one caller writes its patterns (see the module docstring for the two kept)."""

    blanks: tuple[tuple[re.Pattern[str], Replacement], ...]  # applied in this order
    message_only: bool  # from after the level word, without the logger; else after the stamp
    squeeze: bool  # runs of whitespace become one space and a leading "ERROR " goes
    limit: int | None = None  # at most this many characters


class ErrorPattern(NamedTuple):
    stamp: str  # the line's own timestamp to the minute (`2024-06-01 12:00`), "" when none
    text: str


def _variable(found: re.Match[str]) -> str:
    return "…" if found.group()[0] in "'\"" else "#"


FEED = Style(
    # one pass, so a quoted value is blanked whole before its digits could be
    blanks=((re.compile(r"'[^']*'|\"[^\"]*\"|\b0x[0-9a-fA-F]+\b|\b[0-9a-f]{8,}\b|\d+"),
             _variable),),
    message_only=False, squeeze=True)
SCAN = Style(
    blanks=((re.compile(r"0x[0-9a-fA-F]+"), "0x…"), (re.compile(r"'[^']*'|\"[^\"]*\""), "'…'"),
            (re.compile(r"\d+"), "N")),
    message_only=True, squeeze=False, limit=80)


def split_stamp(line: str) -> tuple[str, str]:
    """(timestamp to the minute, the rest) of a line; an ISO stamp is kept, a syslog one dropped."""
    if found := STAMP.match(line):
        return found.group(1).replace("T", " ")[:16], line[found.end():]
    return "", SYSLOG.sub("", line)


def message(line: str) -> str:
    """What follows the first level word and the logger name (the whole line without a level)."""
    text = LEVEL_WORD.split(line, maxsplit=1)[-1]
    return text[found.end():] if (found := LOGGER.match(text)) else text


def error_pattern(line: str, style: Style = FEED) -> ErrorPattern:
    """The line's own timestamp and its pattern: `… GET /orders/374` → `… GET /orders/#`."""
    stamp, text = split_stamp(line)
    if style.message_only:
        text = message(line)
    for rx, replacement in style.blanks:
        text = rx.sub(replacement, text)
    text = " ".join(text.split()).removeprefix("ERROR ") if style.squeeze else text.strip()
    return ErrorPattern(stamp, text[:style.limit])
