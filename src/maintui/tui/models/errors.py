"""What the triage screen's error table shows: error lines of the watched logs, grouped by pattern.

Plain Python (file reads, no Textual), so it is tested without a terminal.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from pathlib import Path

from maintui.core.logs.levels import Level
from maintui.core.logs.patterns import ErrorPattern, error_pattern
from maintui.core.logs.tail import Line, LogFile

BACKLOG = 2000   # lines read back from each log when the screen opens
KEPT = 1000      # error lines kept per log: the counts cover at most this many
MAX_POLLS = 4    # reads of a flooding log per refresh (1 MiB each): the screen stays current
_TB_HEAD = "Traceback (most recent call last):"


@dataclass(frozen=True)
class ErrorGroup:
    """Error lines of one log that differ only in numbers, ids and quoted values."""

    log: str
    pattern: str
    count: int
    newest: str  # the line's own timestamp (`2024-06-01 12:00`), "" when it has none


def is_error(line: Line) -> bool:
    """An error line worth counting: a traceback counts once, by its closing exception line."""
    if line.level < Level.ERROR:
        return False
    return not (line.traceback and (line.text[:1].isspace() or line.text.startswith(_TB_HEAD)
                                    or not line.text.strip()))


class ErrorFeed:
    """The newest error lines of every watched log: read back once, then followed.

    Blocking (file reads): call `refresh` from a thread, and `close` when done.
    """

    def __init__(self, logs: dict[str, Path]) -> None:
        self._files = {name: LogFile(path, name) for name, path in logs.items()}
        self._lines: dict[str, deque[ErrorPattern]] = {n: deque(maxlen=KEPT) for n in logs}
        self._opened: set[str] = set()

    def refresh(self) -> list[ErrorGroup]:
        for name, log in self._files.items():
            for line in self._new_lines(name, log):
                if is_error(line):
                    self._lines[name].append(error_pattern(line.text))
        return self.groups()

    def _new_lines(self, name: str, log: LogFile) -> list[Line]:
        if name not in self._opened:
            self._opened.add(name)
            return log.tail(BACKLOG)
        lines: list[Line] = []
        for _ in range(MAX_POLLS):
            update = log.poll()
            lines += update.lines
            if not update.more:
                break
        return lines

    def groups(self) -> list[ErrorGroup]:
        """Newest first (by the lines' own timestamps, then file order), with counts."""
        found: dict[tuple[str, str], list] = {}  # (log, pattern): [count, newest stamp, order]
        order = 0
        for name, lines in self._lines.items():
            for stamp, pattern in lines:
                order += 1
                entry = found.setdefault((name, pattern), [0, "", 0])
                entry[0] += 1
                entry[1], entry[2] = max(entry[1], stamp), order
        ranked = sorted(found.items(), key=lambda kv: (kv[1][1], kv[1][2]), reverse=True)
        return [ErrorGroup(log, pattern, n, stamp) for (log, pattern), (n, stamp, _) in ranked]

    def close(self) -> None:
        for log in self._files.values():
            log.close()
