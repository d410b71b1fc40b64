"""What the triage screen's error table shows: error records of the watched logs, by template.

Each log's format is detected from its first lines (a site's `[log_formats]` first); its lines
are grouped into records (a traceback or stack trace is one record, with its head's level)
and error records are grouped by template (`core.logs.templates.Templates`), the same way
`logs.scan` groups them. Plain Python (file reads, no Textual), so it is tested without a
terminal.
"""

from __future__ import annotations

import re
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from maintui.core.logs import formats
from maintui.core.logs.format import Format
from maintui.core.logs.levels import Level
from maintui.core.logs.records import Grouper, Record, level_of_record
from maintui.core.logs.summary import EXCEPTION
from maintui.core.logs.tail import Line, LogFile
from maintui.core.logs.templates import Group, Templates
from maintui.core.logs.types import LogState

BACKLOG = 2000   # lines read back from each log when the screen opens
KEPT = 1000      # error records kept per log: the counts cover at most this many
MAX_POLLS = 4    # reads of a flooding log per refresh (1 MiB each): the screen stays current
_TB_HEAD = "Traceback (most recent call last):"
# A plain-text line's message is the whole line: its level word says nothing in an error table.
_LEVEL_WORD = re.compile(r"\[?(?:ERROR|CRITICAL|FATAL|SEVERE|EMERG|ALERT)\]?:?\s+")


@dataclass(frozen=True)
class ErrorGroup:
    """Error records of one log that share a template."""

    log: str
    pattern: str
    count: int
    newest: str  # the newest record's own time (`2024-06-01 12:00`), "" when it has none


def is_error(line: Line) -> bool:
    """An error line worth counting: a traceback counts once, by its closing exception line."""
    if line.level < Level.ERROR:
        return False
    return not (line.traceback and (line.text[:1].isspace() or line.text.startswith(_TB_HEAD)
                                    or not line.text.strip()))


@dataclass(frozen=True)
class _Seen:
    stamp: str
    group: Group
    suffix: str  # " (KeyError)": the exception a Python traceback ended with


class _Source:
    """One watched log: its file, its format (known once lines come), its record grouper."""

    def __init__(self, name: str, path: Path, extra: Sequence[Format]) -> None:
        self.file = LogFile(path, name)
        self.extra = extra
        self.grouper: Grouper | None = None
        self.opened = False
        self.seen: deque[_Seen] = deque(maxlen=KEPT)

    def new_lines(self) -> list[Line]:
        if not self.opened:
            self.opened = True
            return self.file.tail(BACKLOG)
        lines: list[Line] = []
        for _ in range(MAX_POLLS):
            update = self.file.poll()
            lines += update.lines
            if not update.more:
                break
        return lines

    def feed(self, lines: list[Line], templates: Templates) -> None:
        if not lines:
            return
        if self.grouper is None:
            self.grouper = Grouper(formats.detect([ln.text for ln in lines[:200]], self.extra))
        for line in lines:
            done = self.grouper.feed(line.text)
            if done is not None and (seen := _seen(done, templates)) is not None:
                self.seen.append(seen)

    def open_record(self, templates: Templates) -> _Seen | None:
        """The record still being read (the last one): shown now, counted when it closes."""
        current = self.grouper.current if self.grouper is not None else None
        return None if current is None else _seen(current, templates, add=False)


def _seen(record: Record, templates: Templates, add: bool = True) -> _Seen | None:
    if level_of_record(record) < Level.ERROR and not (record.level is None and record.stack):
        return None
    exception = ""
    if any(line.startswith(_TB_HEAD) for line in record.lines):
        for line in reversed(record.lines):
            if (found := EXCEPTION.match(line)) is not None:
                exception = found[1]
                break
    head_is_traceback = record.lines[0].startswith(_TB_HEAD)
    message = exception if head_is_traceback and exception else record.message
    message = _LEVEL_WORD.sub("", message, count=1) if _LEVEL_WORD.match(message) else message
    group = templates.add(message) if add else templates.peek(message)
    suffix = f" ({exception})" if exception and not head_is_traceback else ""
    when = "" if record.time is None else time.strftime("%Y-%m-%d %H:%M",
                                                        time.localtime(record.time))
    return _Seen(when, group, suffix)


class ErrorFeed:
    """The newest error records of every watched log: read back once, then followed.

    Blocking (file reads): call `refresh` from a thread, and `close` when done.
    """

    def __init__(self, logs: dict[str, Path], extra: Sequence[Format] = ()) -> None:
        self._sources = {name: _Source(name, path, extra) for name, path in logs.items()}
        self._templates = {name: Templates() for name in logs}

    def refresh(self) -> list[ErrorGroup]:
        for name, source in self._sources.items():
            source.feed(source.new_lines(), self._templates[name])
        return self.groups()

    def unread(self) -> list[str]:
        """The logs that could not be read (missing, unreadable): no errors from them is no
        news, not good news."""
        return [name for name, source in self._sources.items()
                if source.file.state not in (None, LogState.FOLLOWING)]

    def groups(self) -> list[ErrorGroup]:
        """Newest first (by the records' own times, then file order), with counts."""
        found: dict[tuple[str, str], list] = {}  # (log, pattern): [count, newest stamp, order]
        order = 0
        for name, source in self._sources.items():
            seen_all = list(source.seen)
            current = source.open_record(self._templates[name])
            if current is not None:  # still counted within KEPT
                seen_all = [*seen_all[len(seen_all) >= KEPT:], current]
            for seen in seen_all:
                order += 1
                entry = found.setdefault((name, seen.group.template + seen.suffix), [0, "", 0])
                entry[0] += 1
                entry[1], entry[2] = max(entry[1], seen.stamp), order
        ranked = sorted(found.items(), key=lambda kv: (kv[1][1], kv[1][2]), reverse=True)
        return [ErrorGroup(log, pattern, n, stamp) for (log, pattern), (n, stamp, _) in ranked]

    def close(self) -> None:
        for source in self._sources.values():
            source.file.close()
