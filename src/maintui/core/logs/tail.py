"""Follow one log file: open at its end, read back on demand, survive rotation and truncation.

    LogFile(path)            one followed file; thread-safe (one lock)
      .tail(n)               the last n complete lines; following starts after them
      .lines_before(a, n)    n lines before a Line (or a byte offset): scrolling back
      .line_from_end(k)      the k-th complete line from the end
      .poll()                what changed since the last call: LogUpdate(lines, events)

Reads are by offset (`os.pread`) against a `NewlineIndex` built lazily, backwards, chunk by
chunk, so a 1 GB file opens by reading one 64 KiB chunk. Lines are cut at `max_line` bytes
with a marker, decoded with errors="replace"; colour codes are dropped and every other escape
sequence or control character is shown as text (`^[]0;title^G`), never sent to the terminal.
A file whose first or last block is binary (`looks_binary`) is followed but gives no lines:
its status says "binary file, not shown".
Never raises for what the file system does: a missing, unreadable or replaced file is a
state (`LogState`) and a `LogEvent`. The follower thread for many files is `logfollow`.
"""

from __future__ import annotations

import os
import re
import stat
import threading
import time
from collections.abc import Callable
from itertools import accumulate, repeat
from operator import add
from pathlib import Path

from maintui.core.ansi import visible
from maintui.core.logs.format import Format
from maintui.core.logs.index import CHUNK_SIZE, MAX_CHUNKS, NewlineIndex
from maintui.core.logs.levels import LevelTracker
from maintui.core.logs.recordlevels import RecordLevels
from maintui.core.logs.types import EventKind, Line, LogEvent, LogState, LogUpdate

__all__ = ["EventKind", "Line", "LogEvent", "LogFile", "LogState", "LogUpdate"]

MAX_LINE = 8 * 1024  # longer lines are cut, so one 64 KiB line cannot stall a screen
# What a cut line's text ends with (`_make`): how many bytes were left out.
CUT = re.compile(r" …\[cut (\d+) bytes\]$")
READ_SIZE = 1 << 20  # bytes read per poll: a flood is delivered in bounded batches
MAX_BACKLOG = 32 << 20  # further behind than this, jump to the end and say so
# How far back a line's start is looked for: a file with no newline in its last 16 MiB (a
# sparse or binary file, a 10 GB single line) opens at once, its last line shown as cut.
SCAN_BACK = 16 << 20
RECORD_BACK = 50  # lines looked back through for a line's record head (`record_of`)
_CONTEXT = 8  # extra lines read before a window so a traceback's level is known in it
# A chunk needs cleaning only if it holds controls (C0 but TAB/LF, DEL) or UTF-8 C1 codes.
_CONTROLS = bytes([*range(0x09), *range(0x0B, 0x20), 0x7F])
_C1 = re.compile(rb"\xc2[\x80-\x9f]")
NUL_SIGN = "\u2400"  # ␀: how a NUL byte is shown
BINARY = "binary file, not shown"  # the OPENED event's detail for a binary file
REVEALED = "binary file, shown as text"  # … and for one shown all the same (`reveal`)
DETECT_BYTES = 64 * 1024  # a new file's first bytes its format is judged on (`formats.sample`)
SNIFF = 8 * 1024  # bytes judged at each end of a file by `looks_binary` (git reads 8000)
# Runs of NUL bytes this long are a hole (a copy-truncated file written past its new end, a
# preallocated log), not content: left out before judging a block.
_HOLE = re.compile(rb"\x00{16,}")
# Bytes no text log holds: NUL and the C0 controls but TAB, LF, VT, FF, CR and ESC, and DEL.
_NOT_TEXT = bytes([*range(0x09), *range(0x0E, 0x1B), *range(0x1C, 0x20), 0x7F])
# The last bytes read are checked before reading on: a file truncated and written past the
# old end again (logrotate's copytruncate, then a busy writer) is seen as truncated.
_MARK = 64


_new_line = tuple.__new__  # Line(*row) without a Python-level __new__ call per line
# Any of these in a read means a traceback may start in it: levels then need line order.
# The first (a frame) is the only one with a quote.
_TB_MARKS = (b'File "', b"Traceback (most recent call last):",
             b"During handling of the above exception", b"The above exception was the direct")


def _traceback_in(data: bytes) -> bool:
    if b'"' not in data:  # memchr: a read with no quote (most non-JSON logs) skips a slow scan
        return any(mark in data for mark in _TB_MARKS[1:])
    return any(mark in data for mark in _TB_MARKS)


def _dirty(data: bytes) -> bool:
    # bytes.translate runs 5-10x faster than a regex over a 1 MiB read.
    if len(data.translate(None, _CONTROLS)) != len(data):
        return True
    return b"\xc2" in data and _C1.search(data) is not None


def looks_binary(block: bytes) -> bool:
    """Whether `block` is binary, not text: most of its lines are over 30 % bytes no text
    holds (NUL and other controls, invalid UTF-8). A copy-truncated log's run of NULs, a
    line of garbage among text lines, a Latin-1 accent or an escape keep a log text."""
    lines = [line for line in _HOLE.sub(b"", block).split(b"\n") if line]
    return sum(map(_binary_line, lines)) * 2 > len(lines) if lines else False


def _binary_line(line: bytes) -> bool:
    controls = len(line) - len(line.translate(None, _NOT_TEXT))
    invalid = 0 if line.isascii() else line.decode("utf-8", "replace").count("\ufffd")
    return (controls + invalid) * 10 > len(line) * 3


def shown(text: str) -> str:
    """A decoded line as the view shows it: NULs as ␀, a progress bar's last state (what
    follows its last CR), colour codes dropped, other escapes and controls as visible text."""
    text = text.replace("\x00", NUL_SIGN)
    if "\r" in text:
        text = text.rstrip("\r").rsplit("\r", 1)[-1]
    return visible(text)


class LogFile:
    """One followed log file (see the module docstring)."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        name: str | None = None,
        *,
        max_line: int = MAX_LINE,
        chunk_size: int = CHUNK_SIZE,
        max_chunks: int = MAX_CHUNKS,
        max_backlog: int = MAX_BACKLOG,
        clock: Callable[[], float] = time.time,
        fmt: Format | None = None,
        detect: Callable[[list[str]], Format] | None = None,
    ) -> None:
        self.path = Path(path)
        self.name = name or self.path.name
        self.state: LogState | None = None  # None until the file is first looked at
        self.reason = ""
        self.bytes_read = 0  # every byte fetched from disk, for tests and benches
        self.max_line, self.max_backlog = max_line, max_backlog
        self._chunking = (chunk_size, max_chunks)
        self._clock = clock
        self._lock = threading.RLock()
        self._fd: int | None = None
        self._ident: tuple[int, int] = (0, 0)
        self._index = NewlineIndex(self._pread, *self._chunking)
        self._generation = 0
        self._levels = LevelTracker()
        # With a format, each line gets its record's level (see recordlevels); else its own.
        self._records = RecordLevels(fmt) if fmt is not None else None
        self.fmt = fmt
        # With `detect`, the format is judged again from the first whole lines of each new
        # file: one created after following started, rotated in, or truncated and rewritten.
        self._detect = detect
        self._detecting = False
        self._events: list[LogEvent] = []
        self._pos = 0  # next byte to read when following
        self._mark = b""  # the last bytes read before _pos (see _MARK)
        self._line_start = 0  # where the held (unterminated) line begins
        self._partial = b""  # its first max_line bytes …
        self._partial_len = 0  # … and its full length
        self.binary = False  # judged when the file opens (or first holds bytes): no lines
        self._judged = False
        self._errors = "replace"  # bad UTF-8 shown as U+FFFD; as `\xff` once `reveal`ed

    # -- reading back ------------------------------------------------------------------

    def tail(self, n: int) -> list[Line]:
        """The last `n` complete lines followed so far.

        The first call opens the file and starts following after its last complete line;
        later calls only read back, so they never skip lines the next `poll` will deliver.
        """
        with self._lock:
            if self._fd is not None:
                if self.binary:
                    return []
                return self._by_record(self._read_back(self._line_start, n, LevelTracker()))
            if not self._open():
                return []
            size = self._size()
            self._judge(size)
            if self.binary:  # nothing shown: following goes on from the end
                self._restart_at(size)
                self._enter(LogState.FOLLOWING, EventKind.OPENED, BINARY)
                return []
            if size and self.fmt is not None:
                self._detecting = False  # `fmt` was judged on these bytes
            floor = max(0, size - SCAN_BACK)
            last = self._index.nth_newline_before(size, size, 1, floor)
            self._restart_at(floor if last is None else last + 1)
            lines = self._read_back(self._pos, n, self._levels)
            self._enter(LogState.FOLLOWING, EventKind.OPENED)
            return self._by_record(lines, fresh=False)

    def reveal(self) -> bool:
        """Show a binary file as text from now on, bytes that are not UTF-8 as `\xff`
        (controls in caret form, NULs as ␀); False if it is not a binary file."""
        with self._lock:
            if not self.binary:
                return False
            self.binary, self._errors = False, "backslashreplace"
            self._enter(LogState.FOLLOWING, EventKind.OPENED, REVEALED)
            return True

    def lines_before(self, anchor: Line | int, n: int) -> list[Line]:
        """Up to `n` complete lines ending before `anchor`; [] if the file changed since."""
        with self._lock:
            if isinstance(anchor, Line):
                if anchor.generation != self._generation:
                    return []
                anchor = anchor.offset
            if self._fd is None or n <= 0 or self.binary:
                return []
            return self._by_record(self._read_back(anchor, n, LevelTracker()))

    def lines_from(self, offset: int, n: int) -> list[Line]:
        """Up to `n` complete lines from the line that starts at `offset` (a search hit),
        found through the newline index: each line costs one bounded read."""
        with self._lock:
            if self._fd is None or n <= 0 or self.binary:
                return []
            size = self._size()
            out: list[Line] = []
            levels = LevelTracker()
            saved, self._levels = self._levels, levels
            try:
                while len(out) < n and offset < size:
                    end = self._index.first_newline_at(offset, size)
                    if end is None:
                        break
                    raw = self._pread(offset, min(end - offset, self.max_line))
                    out.append(self._make(offset, raw, end - offset))
                    offset = end + 1
            finally:
                self._levels = saved
            return self._by_record(out)

    def record_of(self, offset: int, back: int = RECORD_BACK) -> list[Line]:
        """The record holding the line at `offset` (a search hit in a stack trace): its lines
        from its head, when the head is within `back` lines above, to that line, each with
        the record's level (the hit alone when no head is found; [] when unreadable)."""
        with self._lock:
            if self._fd is None or self.binary:
                return []
            size = self._size()
            end = self._index.first_newline_at(offset, size)
            if end is None:
                return []
            lines = self._by_record(self._read_back(end + 1, back + 1, LevelTracker()))
            if not lines or lines[-1].offset != offset or self._records is None:
                return lines[-1:]
            head = self._records.fmt.head
            for i in range(len(lines) - 1, -1, -1):
                if head(lines[i].text)[0]:
                    return lines[i:]
            return lines[-1:]

    def newline_at(self, offset: int, size: int) -> int | None:
        """The first newline at or after `offset` (the line index's, bounded reads)."""
        with self._lock:
            return None if self._fd is None else self._index.first_newline_at(offset, size)

    def size(self) -> int:
        """The open file's size now (0 when it is not open)."""
        with self._lock:
            return 0 if self._fd is None else self._size()

    def _by_record(self, lines: list[Line], fresh: bool = True) -> list[Line]:
        return lines if self._records is None else self._records.assign(lines, fresh=fresh)

    def line_from_end(self, k: int) -> Line | None:
        """The k-th complete line from the end (k=1: the last), without reading the rest."""
        with self._lock:
            if self._fd is None or k < 1 or self.binary:
                return None
            size = self._size()
            end = self._index.nth_newline_before(size, size, k)
            if end is None:
                return None
            lines = self._read_back(end + 1, 1, LevelTracker())
            return lines[0] if lines else None

    def close(self) -> None:
        with self._lock:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None

    # -- following -----------------------------------------------------------------------

    def poll(self) -> LogUpdate:
        """New complete lines and what happened to the file since the last call."""
        with self._lock:
            lines: list[Line] = []
            more = False
            try:
                if self._fd is None and self._open():
                    self._restart_at(0)  # appeared (or came back) after we started: all new
                    self._judge(self._size())
                    self._enter(LogState.FOLLOWING, EventKind.OPENED,
                                BINARY if self.binary else "")
                if self._fd is not None and self._check_path(lines):
                    more = self._read_new(lines)
            except OSError as error:  # EIO, a file turned into something else, …
                lines.extend(self._finish())
                self._enter(LogState.UNREADABLE, EventKind.UNREADABLE, _why(error))
            events, self._events = self._events, []
            return LogUpdate(self.name, lines, events, self.state, more)

    def _check_path(self, lines: list[Line]) -> bool:
        """Handle rotation, truncation and deletion; True if the open file can be read."""
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            lines.extend(self._finish())
            self._enter(LogState.WAITING, EventKind.MISSING)
            return False
        if (st.st_dev, st.st_ino) != self._ident:
            lines.extend(self._finish())
            self._event(EventKind.ROTATED)
            if not self._open():
                return False
            self._restart_at(0)
        elif self._size() < self._pos or not self._same_mark():
            self._new_generation()
            self._restart_at(0)
            self._event(EventKind.TRUNCATED)
        return True

    def _read_new(self, lines: list[Line]) -> bool:
        size = self._size()
        if not self._judged:
            self._judge(size)
        if self.binary:  # its bytes are passed over, never made into lines
            if size != self._pos:
                self._restart_at(size)
            return False
        if self._detecting:
            self._detect_format(size)
        if size - self._pos > self.max_backlog:
            self._skip_to_end(size)
        data = self._pread(self._pos, min(READ_SIZE, size - self._pos))
        self._pos += len(data)
        self._mark = (self._mark + data[-_MARK:])[-_MARK:]
        lines.extend(self._split(data))
        return self._pos < size

    def _finish(self) -> list[Line]:
        """Drain what is left of the current file (bounded), emit its held line, close it."""
        lines: list[Line] = []
        if self._fd is not None:
            try:
                while self._read_new(lines):
                    pass
            except OSError:
                pass  # what could not be read is lost; the state change says why
            if self._partial_len:
                held = self._make(self._line_start, self._partial, self._partial_len)
                lines.extend(self._by_record([held], fresh=False))
            self.close()
            self._partial, self._partial_len = b"", 0
        return lines

    def _detect_format(self, size: int) -> None:
        """Judge a new file's format from its first whole lines (none yet: on a later read),
        before its lines are made, so they get their records' levels."""
        assert self._detect is not None
        head = self._pread(0, min(DETECT_BYTES, size))
        end = head.rfind(b"\n")
        if end < 0:
            return
        self._detecting = False
        fmt = self._detect(head[:end].decode("utf-8", "replace").splitlines())
        if fmt is not self.fmt:
            self.fmt, self._records = fmt, RecordLevels(fmt)

    def _skip_to_end(self, size: int) -> None:
        newline = self._index.first_newline_at(size - READ_SIZE, size)
        skipped = (size - self._pos) >> 20
        self._restart_at(size if newline is None else newline + 1)
        self._event(EventKind.SKIPPED, f"skipped {skipped} MiB")

    # -- lines from bytes ----------------------------------------------------------------

    def _split(self, data: bytes) -> list[Line]:
        """Complete lines in `data` (read at self._pos - len(data)), each with its record's
        level (the format's); holds the unfinished one."""
        first, last = data.find(b"\n"), data.rfind(b"\n")
        out: list[Line] = []
        if first != -1:
            head = (self._partial + data[: min(first, self.max_line)])[: self.max_line]
            out.append(self._make(self._line_start, head, self._partial_len + first))
            if first < last:
                offset = self._pos - len(data) + first + 1
                out = self._make_many(out, offset, data[first + 1 : last], dirty=_dirty(data))
            else:
                out = self._by_record(out, fresh=False)
            self._line_start = self._pos - len(data) + last + 1
            self._partial, self._partial_len = b"", 0
        rest = data[last + 1 :]
        self._partial = (self._partial + rest[: self.max_line])[: self.max_line]
        self._partial_len += len(rest)
        return out

    def _make_many(self, head: list[Line], offset: int, body: bytes, dirty: bool) -> list[Line]:
        """`head` (the line a read completed) then the lines of `body` (complete lines,
        without the last newline) read at `offset`, each with its record's level."""
        # The hot path of a flood. The common read (ASCII, clean, no traceback, no long
        # line) is decoded once and turned into Lines by C loops, each built once with its
        # record's level from one regex pass over the read (`RecordLevels.levels_of`): ~0.7
        # µs a line, where a Python loop with a level per line cost ~2.5 µs. Without a
        # format, levels are judged when asked.
        text = body.decode("ascii") if body.isascii() and not dirty else None
        if text is None or self._levels.in_traceback or _traceback_in(body):
            return self._by_record(head + self._make_each(offset, body.split(b"\n"), dirty),
                                   fresh=False)
        texts = text.split("\n")
        if max(map(len, texts)) > self.max_line:
            return self._by_record(head + self._make_each(offset, body.split(b"\n"), dirty),
                                   fresh=False)
        out = self._by_record(head, fresh=False)  # first: the record it opens or goes on
        records = self._records
        levels = records.levels_of(texts, text) if records is not None and len(texts) > 64 \
            else None
        offsets = accumulate(map(add, map(len, texts), repeat(1)), initial=offset)
        rows = zip(repeat(self.name), offsets, texts, repeat(None) if levels is None else levels,
                   repeat(False), repeat(self._generation))
        lines = list(map(_new_line, repeat(Line), rows))
        out += lines if levels is not None else self._by_record(lines, fresh=False)
        return out

    def _make_each(self, offset: int, pieces: list[bytes], dirty: bool) -> list[Line]:
        name, gen, limit, context = self.name, self._generation, self.max_line, self._levels.context
        out: list[Line] = []
        append = out.append
        for piece in pieces:
            size = len(piece)
            if size > limit or dirty:
                append(self._make(offset, piece[:limit], size))
            else:
                text = piece.decode("utf-8", self._errors)
                append(Line(name, offset, text, *context(text), gen))
            offset += size + 1
        return out

    def _make(self, offset: int, raw: bytes, size: int) -> Line:
        # NUL bytes (a copy-truncated file's hole, a binary field) are shown, not dropped
        text = shown(raw.decode("utf-8", self._errors))
        if size > len(raw):
            text = f"{text} …[cut {size - len(raw)} bytes]"
        return Line(self.name, offset, text, *self._levels.context(text), self._generation)

    def _read_back(self, end: int, n: int, levels: LevelTracker) -> list[Line]:
        """n lines ending before `end`, read with a few more before them for level context."""
        size = self._size()
        want = n + _CONTEXT + 1
        floor = max(0, end - SCAN_BACK)
        bounds = self._index.newlines_before(end, size, want, floor)
        bounds.reverse()
        if len(bounds) < want:
            bounds.insert(0, floor - 1)  # the first line starts the file, or is cut at the floor
        spans = [(a + 1, b) for a, b in zip(bounds, bounds[1:], strict=False)]
        saved, self._levels = self._levels, levels
        try:
            lines = [self._make(a, self._pread(a, min(b - a, self.max_line)), b - a) for a, b in spans]
        finally:
            self._levels = saved
        return lines[-n:] if n else []

    # -- file and state ----------------------------------------------------------------

    def _open(self) -> bool:
        try:
            # O_NONBLOCK: opening a FIFO must not hang the follower waiting for a writer.
            fd = os.open(self.path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
        except FileNotFoundError:
            self._enter(LogState.WAITING, EventKind.MISSING)
            return False
        except OSError as error:
            self._enter(LogState.UNREADABLE, EventKind.UNREADABLE, _why(error))
            return False
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            os.close(fd)
            why = "is a directory" if stat.S_ISDIR(st.st_mode) else "not a regular file"
            self._enter(LogState.UNREADABLE, EventKind.UNREADABLE, why)
            return False
        self._fd, self._ident = fd, (st.st_dev, st.st_ino)
        self._new_generation()
        return True

    def _new_generation(self) -> None:
        self._generation += 1
        self._judged = False  # a new or truncated file: judged again on its own bytes
        self._detecting = self._detect is not None  # and its format
        self._index = NewlineIndex(self._pread, *self._chunking)

    def _judge(self, size: int) -> None:
        """Judge the open file binary or text once it holds bytes: its first and last
        SNIFF bytes (`looks_binary`); a change is an OPENED event with what it shows."""
        if self._judged or size == 0 or self._errors != "replace":  # revealed: always shown
            return
        self._judged = True
        self.binary = looks_binary(self._pread(0, min(SNIFF, size))) or (
            size > SNIFF and looks_binary(self._pread(size - SNIFF, SNIFF)))
        if self.state is LogState.FOLLOWING:
            self._enter(LogState.FOLLOWING, EventKind.OPENED, BINARY if self.binary else "")

    def _same_mark(self) -> bool:
        """Whether the bytes before the read position are still those that were read."""
        if not self._mark:
            return True
        return self._pread(self._pos - len(self._mark), len(self._mark)) == self._mark

    def _restart_at(self, offset: int) -> None:
        self._mark = self._pread(max(0, offset - _MARK), min(_MARK, offset)) if offset else b""
        self._pos = self._line_start = offset
        self._partial, self._partial_len = b"", 0
        self._levels = LevelTracker()
        if self._records is not None:
            self._records.level = None

    def _enter(self, state: LogState, kind: EventKind, detail: str = "") -> None:
        """Move to `state`, with an event only when what an operator sees changes."""
        if (state, detail) != (self.state, self.reason):
            self._event(kind, detail)
        self.state, self.reason = state, detail

    def _event(self, kind: EventKind, detail: str = "") -> None:
        self._events.append(LogEvent(self.name, kind, self._clock(), detail))

    def _size(self) -> int:
        assert self._fd is not None
        return os.fstat(self._fd).st_size

    def _pread(self, offset: int, size: int) -> bytes:
        assert self._fd is not None
        data = os.pread(self._fd, size, offset) if size > 0 else b""
        self.bytes_read += len(data)
        return data



def _why(error: OSError) -> str:
    """A short, operator-facing reason: "permission denied", "is a directory", …"""
    return (error.strerror or type(error).__name__).lower()
