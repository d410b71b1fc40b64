"""A step's recorded output, capped: the first and last parts kept, the middle counted."""

from __future__ import annotations

from collections import deque
from collections.abc import Awaitable, Callable

DEFAULT_CAP = 50 * 1024 * 1024

Sink = Callable[[str, list[str]], Awaitable[None]]


class OutputCap:
    """Passes lines on until half the cap is used, then keeps only the newest half-cap of lines
    (written when the step ends, after a note of what was dropped). With `stop`, passing the
    cap calls `stop` instead, so a runaway step is ended rather than left to run."""

    def __init__(self, sink: Sink, limit: int = DEFAULT_CAP,
                 stop: Callable[[], None] | None = None) -> None:
        self.sink, self.limit, self.stop = sink, max(int(limit), 2), stop
        self.used = 0                      # bytes passed on (the head)
        self.tail: deque[tuple[str, list[str], int]] = deque()
        self.tail_bytes = 0
        self.dropped_bytes = self.dropped_lines = 0
        self.stopped = False
        self.full = False                  # the head is used up: the rest goes to the tail

    async def feed(self, stream: str, lines: list[str]) -> None:
        if not self.full:
            room, take, size = self.limit // 2 - self.used, 0, 0
            for line in lines:  # characters and a newline per line: bytes, near enough
                if size + len(line) + 1 > room:
                    self.full = True
                    break
                size, take = size + len(line) + 1, take + 1
            if take:
                self.used += size
                await self.sink(stream, lines[:take])
            lines = lines[take:]
            if not lines:
                return
        size = sum(map(len, lines)) + len(lines)
        if self.stop is not None and self.used + self.tail_bytes + size > self.limit:
            if not self.stopped:
                self.stopped = True
                self.stop()
            self._drop(size, len(lines))
            return
        self.tail.append((stream, lines, size))
        self.tail_bytes += size
        self._trim()

    def _trim(self) -> None:
        """Drop the oldest kept lines until the tail fits in its half of the cap."""
        room = self.limit - self.limit // 2
        while self.tail_bytes > room and self.tail:
            stream, lines, size = self.tail[0]
            over = self.tail_bytes - room
            if size <= over:
                self.tail.popleft()
                self.tail_bytes -= size
                self._drop(size, len(lines))
                continue
            cut, freed = 0, 0
            while freed < over:
                freed += len(lines[cut]) + 1
                cut += 1
            self.tail[0] = (stream, lines[cut:], size - freed)
            self.tail_bytes -= freed
            self._drop(freed, cut)

    def _drop(self, size: int, count: int) -> None:
        self.dropped_bytes += size
        self.dropped_lines += count

    def note(self) -> str:
        """What the cap did, as one line of the step's output ('' when it did nothing)."""
        if not self.dropped_bytes:
            return ""
        what = "the step was stopped" if self.stopped else "the first and last parts are kept"
        return (f"maintui: output cap of {self.limit:,} bytes passed: dropped "
                f"{self.dropped_bytes:,} bytes ({self.dropped_lines:,} lines); {what}")

    async def close(self) -> None:
        """The note, then the kept last part."""
        if self.dropped_bytes:
            await self.sink("stderr", [self.note()])
        while self.tail:
            stream, lines, _ = self.tail.popleft()
            await self.sink(stream, lines)
        self.tail_bytes = 0
