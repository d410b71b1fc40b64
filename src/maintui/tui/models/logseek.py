"""Search hits and times across several logs ("All"): the sources in one order, by the lines'
own times, so `n`/`N` and a jump to a time go through the merged sources as they are shown.

A line's place in that order is (its record's time, the source's rank, its offset): a line of
a stack trace has its head's time, and equal times keep the sources' order. A log is written
in time order, so each source's hits are in that order too and are found by bisection (about
20 bounded reads a source). Blocking reads: call these from a worker thread.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from maintui.core.logs.format import Format
from maintui.core.logs.search import Hits, line_time, seek_time
from maintui.core.logs.tail import LogFile

Place = tuple[float, int, int]  # (record time, source rank, offset)
_NO_TIME = float("-inf")


@dataclass(frozen=True)
class Source:
    """One log as the merged order sees it: its name, file, format and rank."""

    name: str
    log: LogFile
    fmt: Format | None
    rank: int

    def time_of(self, offset: int) -> float:
        """The time of the record holding the line at `offset` (-inf when it has none)."""
        if self.fmt is None:
            return _NO_TIME
        line = self.log.lines_from(offset, 1)
        when = line_time(self.fmt, line[0].text) if line else None
        if when is None:
            for older in reversed(self.log.record_of(offset)[:-1]):
                when = line_time(self.fmt, older.text)
                if when is not None:
                    break
        return _NO_TIME if when is None else when

    def place(self, offset: int) -> Place:
        return (self.time_of(offset), self.rank, offset)

    def hits_before(self, hits: Hits, place: Place) -> int:
        """How many of `hits` come before `place` in the merged order."""
        return bisect_left(hits.offsets, place, key=self.place)

    def hits_to(self, hits: Hits, place: Place) -> int:
        """How many of `hits` come at or before `place`."""
        return bisect_right(hits.offsets, place, key=self.place)

    def offset_at(self, when: float) -> int:
        """Where this source stands at time `when`: its first line at or after it."""
        if self.fmt is None or when == _NO_TIME:
            return 0
        return seek_time(self.log, when, self.fmt, self.log.size())


def next_hit(sources: Sequence[Source], hits: dict[str, Hits], at: Place,
             step: int) -> tuple[Source, int, Place] | None:
    """The hit after (`step` > 0) or before `at` over all `sources`: its source, offset and
    place; None when there is none."""
    best: tuple[Source, int, Place] | None = None
    for source in sources:
        found = hits[source.name]
        if step > 0:
            i = source.hits_to(found, at)
            if i == len(found):
                continue
            offset = found.offsets[i]
        else:
            i = source.hits_before(found, at)
            if i == 0:
                continue
            offset = found.offsets[i - 1]
        place = source.place(offset)
        if best is None or (place < best[2] if step > 0 else place > best[2]):
            best = (source, offset, place)
    return best
