"""Multi-line records: a stack trace, a traceback or a wrapped message stays with the line above it.

A record is one line its format reads as a record head (`Parsed.start`) and every line after
it that is not one: indented lines, `Traceback …`, `at …`, `Caused by: …`, `... 12 more`, the
exception line that closes a Python traceback, and any line the format cannot read (lnav's
rule). The record has its first line's time and level; a record whose first line names no
level but that holds a traceback or stack trace is an ERROR.

Memory is bounded however a file is written: a record keeps at most `MAX_LINES` lines and
`MAX_BYTES` bytes of text; past either, further lines are counted in `cut` (and their bytes in
`cut_bytes`) but not kept, so a 2 GB stack dump costs no more than a short one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from maintui.core.logs.format import Format, Parsed
from maintui.core.logs.levels import Level, LevelTracker

MAX_LINES = 500  # lines kept per record; a Java trace with its causes is rarely over 300
MAX_BYTES = 256 * 1024  # text kept per record, whichever cap comes first

# Continuation lines that say the record is a failure even when its head named no level.
STACK = re.compile(r"\s*(?:Traceback \(most recent call last\)|at [\w$.<>/]+[.(]|Caused by: |"
                    r"\.\.\. \d+ more|File \"[^\"]+\", line \d+|goroutine \d+ \[)")

# What a record's tail looks like; any other line that is not a head is one the format missed.
TAIL = re.compile(r"\s|Traceback |During handling|The above exception|Caused by: |Suppressed: |"
                   r"\.\.\. \d+ |at [\w$.<>/]+[.(]|[A-Za-z_][\w.]*(?:Error|Exception|Exit|"
                   r"Interrupt|Warning|Fault)\b|\[stacktrace\]|#\d+ |[}\])]|goroutine \d+ |"
                   r"[\w.@-]+(?:/[\w.@-]+)+\.\S+$")  # a Go frame: module/path.Func(...)


@dataclass(slots=True)
class Record:
    """One log record: its first line's place, time, level and message, and its lines."""

    at: int  # the first line's number (0-based) or offset, as the caller counted them
    time: float | None
    level: Level | None
    message: str
    lines: list[str] = field(default_factory=list)
    stack: bool = False  # holds a traceback or stack trace
    cut: int = 0  # lines past MAX_LINES / MAX_BYTES, counted but not kept
    cut_bytes: int = 0
    size: int = 0  # bytes of text kept

    @property
    def text(self) -> str:
        """The record's lines joined, with a note when some were cut."""
        body = "\n".join(self.lines)
        return body if not self.cut else f"{body}\n[… {self.cut} more lines cut]"

    @property
    def line_count(self) -> int:
        return len(self.lines) + self.cut


class Grouper:
    """Lines in, records out, one line at a time (for followed files and streams).

    `feed` returns the record that the line closed, if any; `flush` returns the last one
    (call it at the end of a file, or when a followed file has been idle a while). A line
    before any head starts a record of its own.
    """

    __slots__ = ("fmt", "current", "unread", "known", "_next_at", "_tracebacks")

    def __init__(self, fmt: Format) -> None:
        self.fmt = fmt
        # lines already parsed (elsewhere), by their text: a `Parsed` or `compact`'s tuple
        self.known: dict[str, Parsed | tuple] = {}  # type: ignore[type-arg]
        self.current: Record | None = None
        self.unread = 0  # lines the format could not read that do not look like a record's tail
        self._next_at = 0
        self._tracebacks = LevelTracker()  # a Python traceback's last line is not indented

    def feed(self, text: str, at: int | None = None) -> Record | None:
        """Add the next line (no newline); the finished record when this line starts one."""
        where = self._next_at if at is None else at
        self._next_at = where + 1
        parsed = self.known.get(text)
        if parsed is None:
            parsed = self.fmt.parse(text)
        elif parsed.__class__ is tuple:  # a worker's compact parse (`compact`)
            parsed = Parsed(parsed[0], None if parsed[1] is None else Level(parsed[1]),
                            parsed[2], parsed[3])
        start, traced = parsed.start, False
        if self.fmt.kind == "text":  # other formats never read an exception line as a head
            traced = self._tracebacks.context(text)[1]
            start = start and not (traced and self.current is not None)
        if start:
            done, self.current = self.current, _open(where, parsed, text)
            self.current.stack = bool(STACK.match(parsed.message))
            return done
        if text.strip() and not TAIL.match(text):
            self.unread += 1
        if self.current is None:  # a file that starts mid-record: keep the orphan lines
            self.current = _open(where, Parsed(None, None, text, False), text)
            self.current.stack = traced or bool(STACK.match(text))
            return None
        _add(self.current, text, traced)
        return None

    def flush(self) -> Record | None:
        """The record being built (None if there is none), which is then finished."""
        done, self.current = self.current, None
        return done


def records(lines: Iterable[str], fmt: Format) -> Iterator[Record]:
    """The records of `lines` (a file's lines in order, without newlines) in `fmt`."""
    grouper = Grouper(fmt)
    for text in lines:
        done = grouper.feed(text)
        if done is not None:
            yield _final(done)
    last = grouper.flush()
    if last is not None:
        yield _final(last)


def compact(parsed: Parsed, masked: str | None = None) -> tuple:  # type: ignore[type-arg]
    """`parsed` as plain values (time, level number, message, start, the message's template or
    None) for a worker to send: a tuple of these unpickles ~10× faster than a `Parsed`."""
    level = None if parsed.level is None else int(parsed.level)
    return (parsed.time, level, parsed.message, parsed.start, masked)


def level_of_record(record: Record) -> Level:
    """The record's level: its head's, else ERROR for a stack trace, else NONE."""
    if record.level is not None:
        return record.level
    return Level.ERROR if record.stack else Level.NONE


def _open(at: int, parsed: Parsed, text: str) -> Record:
    text, size = _capped(text)
    return Record(at, parsed.time, parsed.level, parsed.message, [text], size=size)


def _add(record: Record, text: str, in_traceback: bool) -> None:
    if not record.stack and (in_traceback or STACK.match(text)):
        record.stack = True
    size = len(text) + 1
    if len(record.lines) >= MAX_LINES or record.size + size > MAX_BYTES:
        record.cut += 1
        record.cut_bytes += size
        return
    record.lines.append(text)
    record.size += size


def _capped(text: str) -> tuple[str, int]:
    if len(text) <= MAX_BYTES:
        return text, len(text) + 1
    return text[:MAX_BYTES], MAX_BYTES


def _final(record: Record) -> Record:
    if record.level is None and record.stack:
        record.level = Level.ERROR
    return record
