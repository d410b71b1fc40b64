"""Log levels: detecting them line by line (Python tracebacks included) and filtering on them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import IntEnum
from functools import lru_cache
from typing import Protocol


class Level(IntEnum):
    """Severity of a line; NONE for lines that name no level."""

    NONE = 0
    DEBUG = 10
    INFO = 20
    WARNING = 30
    ERROR = 40
    CRITICAL = 50


_WORDS = {
    "TRACE": Level.DEBUG, "DEBUG": Level.DEBUG,
    "INFO": Level.INFO, "NOTICE": Level.INFO,
    "WARN": Level.WARNING, "WARNING": Level.WARNING,
    "ERR": Level.ERROR, "ERROR": Level.ERROR,
    "CRIT": Level.CRITICAL, "CRITICAL": Level.CRITICAL, "FATAL": Level.CRITICAL,
    "ALERT": Level.CRITICAL, "EMERG": Level.CRITICAL,
    "SEVERE": Level.CRITICAL, "PANIC": Level.CRITICAL,  # java.util.logging, Go/PostgreSQL
}
# Level words are looked for in the lower-cased prefix of a line: an alternation of
# literals is ~10x faster than a case-insensitive one with \b on both sides, which matters
# at 100k lines/s (the left boundary is checked in Python). A word counts when it
# is upper case (ERROR), or sits in a structured slot (level=error, "lvl":"warn", [error],
# <warn>) or opens the line before a colon ("error: …"): prose says "no error found" a lot.
_WORD = re.compile(
    r"(?:debug|info|notice|warn(?:ing)?|err(?:or)?|crit(?:ical)?|fatal|trace|alert|emerg|"
    r"severe|panic)(?![a-z])"
)
_SLOTS = ("level", "lvl", "severity")
_SCAN = 160

_TB_HEADS = (
    "Traceback (most recent call last):",
    "During handling of the above exception",
    "The above exception was the direct cause",
)
_TB_FRAME = re.compile(r"\s+File \"")
# The closing line names the exception: "KeyError: 'x'", "StopIteration", "pkg.Oops: boom".
_TB_EXC = re.compile(r"[A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt|Iteration|Warning)\b")
_TB_END = re.compile(r"[A-Za-z_][\w.]*(?::|$)")


def level_of(text: str) -> Level:
    """The level a single line names, judged on its own (no traceback context)."""
    head = text[:_SCAN]
    low = head.lower()
    match = _WORD.search(low)
    while match is not None:
        at, end = match.span()
        # Not the tail of a longer word ("stderr", "reinfo"), and upper case or in a slot.
        if not (at and low[at - 1].isalnum()):
            word = head[at:end]
            if word.isupper() or _in_slot(low, at) or (not low[:at].strip() and low[end:end + 1] == ":"):
                return _WORDS[word.upper()]
        match = _WORD.search(low, end)
    return Level.NONE


# A format's level field holds a word ("Warning", "err", "DEBUG5", "Note"), a letter ("E" of
# glog and logcat) or a code. Words are read the way lnav reads them (src/log_level_re.re):
# the first known word found anywhere in the field decides, so "DEBUG5" is debug and
# "Information" is info; lnav's notice, stats and its debug2..5 fold into our coarser levels.
_LETTERS = {
    "T": Level.DEBUG, "V": Level.DEBUG, "D": Level.DEBUG, "I": Level.INFO, "S": Level.INFO,
    "N": Level.INFO, "W": Level.WARNING, "E": Level.ERROR, "C": Level.CRITICAL,
    "F": Level.CRITICAL, "A": Level.CRITICAL,  # logcat's A is "assert", above error
}
_NAMED = {
    "trace": Level.DEBUG, "verbose": Level.DEBUG, "debug": Level.DEBUG, "fine": Level.DEBUG,
    "info": Level.INFO, "system": Level.INFO, "notice": Level.INFO, "note": Level.INFO,
    "log": Level.INFO, "stats": Level.INFO, "config": Level.INFO,
    "warn": Level.WARNING, "deprecation": Level.WARNING,
    "err": Level.ERROR, "fail": Level.ERROR,
    "crit": Level.CRITICAL, "severe": Level.CRITICAL, "alert": Level.CRITICAL,
    "fatal": Level.CRITICAL, "emerg": Level.CRITICAL, "panic": Level.CRITICAL,
    "invalid": Level.NONE,
}
_NAME = re.compile("|".join(sorted(_NAMED, key=len, reverse=True)))


@lru_cache(maxsize=512)
def level_named(token: str) -> Level:
    """The level a format's level field names: `E`, `WARN`, `Warning`, `err`, `SEVERE`, `LOG`.

    Level.NONE when the field names none (`DETAIL`, `-`, empty): the field, not the line,
    is read, so any word in it counts whatever its case.
    """
    token = token.strip()
    if len(token) == 1 or token[1:2] == " ":
        letter = _LETTERS.get(token[0].upper())
        if letter is not None:
            return letter
    found = _NAME.search(token.lower())
    return Level.NONE if found is None else _NAMED[found.group()]


def _in_slot(low: str, at: int) -> bool:
    """Whether a lower-case level word at `at` is a field's value: level=…, [error], <warn>."""
    if at and low[at - 1] in "[<":
        return True
    return low[:at].rstrip(" \"':=").endswith(_SLOTS)


class LevelTracker:
    """Levels for consecutive lines of one file; lines of a traceback are all ERROR."""

    __slots__ = ("in_traceback",)

    def __init__(self) -> None:
        self.in_traceback = False

    def classify(self, text: str) -> tuple[Level, bool]:
        """(level, is_traceback_line) of the next line of the file."""
        level, tb = self.context(text)
        return (level_of(text) if level is None else level), tb

    def context(self, text: str) -> tuple[Level | None, bool]:
        """Like `classify`, but the level is None when the text alone decides it (later)."""
        if text.startswith(_TB_HEADS):
            self.in_traceback = True
            return Level.ERROR, True
        if self.in_traceback:
            if not text or text[0].isspace():  # frames, source lines, carets, blank gaps
                return Level.ERROR, True
            self.in_traceback = False
            if _TB_EXC.match(text) or (_TB_END.match(text) and level_of(text) is Level.NONE):
                return Level.ERROR, True  # the exception line closes the traceback
        elif text[:1] == " " and _TB_FRAME.match(text):
            # A frame seen without its header: the header was before where we started.
            self.in_traceback = True
            return Level.ERROR, True
        return None, False


class HasLevel(Protocol):
    @property
    def text(self) -> str: ...
    @property
    def level(self) -> Level: ...


@dataclass(frozen=True)
class LineFilter:
    """Which lines to show: a case-insensitive text or regex, and a set of levels.

    `levels` None means every level, lines without one included.
    """

    pattern: re.Pattern[str] | None = None
    levels: frozenset[Level] | None = None

    @classmethod
    def build(cls, query: str = "", min_level: Level = Level.NONE) -> LineFilter:
        """A filter from what an operator types: `/regex/` or plain text; ValueError if bad."""
        return cls(parse_query(query), at_least(min_level))

    def matches(self, line: HasLevel) -> bool:
        if self.levels is not None and line.level not in self.levels:
            return False
        return self.pattern is None or self.pattern.search(line.text) is not None

    @property
    def active(self) -> bool:
        return self.pattern is not None or self.levels is not None


def parse_query(query: str) -> re.Pattern[str] | None:
    """`/re/` is a regex, anything else literal text; both ignore case. Raises ValueError."""
    if not query:
        return None
    if len(query) >= 2 and query.startswith("/") and query.endswith("/"):
        try:
            return re.compile(query[1:-1], re.IGNORECASE)
        except re.error as error:
            raise ValueError(f"bad regex {query}: {error}") from None
    return re.compile(re.escape(query), re.IGNORECASE)


def at_least(level: Level) -> frozenset[Level] | None:
    """The levels at or above `level` (None: everything, unlevelled lines too)."""
    if level is Level.NONE:
        return None
    return frozenset(lv for lv in Level if lv >= level)
