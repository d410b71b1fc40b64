"""The values a followed log hands out: lines, events, updates, and the file's state."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import NamedTuple

from maintui.core.logs.levels import Level, level_of


class LogState(Enum):
    FOLLOWING = "following"
    WAITING = "waiting for file"
    UNREADABLE = "unreadable"


class EventKind(Enum):
    OPENED = "opened"
    ROTATED = "rotated"
    TRUNCATED = "truncated"
    MISSING = "waiting for file"
    UNREADABLE = "unreadable"
    SKIPPED = "skipped"


@dataclass(frozen=True, slots=True)
class LogEvent:
    source: str
    kind: EventKind
    at: float
    detail: str = ""  # "permission denied", "skipped 40 MiB", …


class Line(NamedTuple):
    """One line of a log. `generation` changes when the file is replaced or truncated.

    A tuple, so a flood's lines are built in bulk at C speed (`logtail`), and immutable.
    `known_level` None means the line's level depends on its text alone and is judged
    when `level` is first asked for: most followed lines are never shown or filtered on.
    Lines inside a traceback, which need the lines before them, carry it already.
    """

    source: str
    offset: int
    text: str
    known_level: Level | None = None
    traceback: bool = False
    generation: int = 0

    @property
    def level(self) -> Level:
        known = self.known_level
        return level_of(self.text) if known is None else known


@dataclass(frozen=True, slots=True)
class LogUpdate:
    source: str
    lines: list[Line] = field(default_factory=list)
    events: list[LogEvent] = field(default_factory=list)
    state: LogState | None = LogState.FOLLOWING
    more: bool = False  # more bytes are waiting: poll again without sleeping
