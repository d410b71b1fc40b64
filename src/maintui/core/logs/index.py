"""A newline index of a file, built chunk by chunk on demand and bounded by an LRU.

The file is cut into fixed, aligned chunks; a chunk's newline positions are found the first
time a read needs them (scrolling back walks chunks from the anchor towards the start) and
kept in a small LRU, so opening a 1 GB file at its end scans one chunk, and memory stays
flat however far back the operator scrolls. A chunk that is still growing (the last one)
is keyed by its current end, so growth never serves stale positions.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Callable, Iterator

CHUNK_SIZE = 64 * 1024
MAX_CHUNKS = 256  # at ~100 B a line: ~1.3 MB of positions covering the last 16 MiB read


class NewlineIndex:
    """Positions of b"\\n" in one file; `read(offset, size)` fetches bytes from it."""

    def __init__(
        self,
        read: Callable[[int, int], bytes],
        chunk_size: int = CHUNK_SIZE,
        max_chunks: int = MAX_CHUNKS,
    ) -> None:
        self._read = read
        self.chunk_size = chunk_size
        self.max_chunks = max_chunks
        self._chunks: OrderedDict[tuple[int, int], array[int]] = OrderedDict()

    def __len__(self) -> int:
        """How many chunks are cached (tests and benches check the bound)."""
        return len(self._chunks)

    def newlines_before(self, offset: int, size: int, count: int, floor: int = 0) -> list[int]:
        """Up to `count` newline positions below `offset` and at or above `floor`, nearest first."""
        found: list[int] = []
        for positions, stop in self._walk_back(offset, size, floor):
            take = positions[max(0, stop - (count - len(found))) : stop]
            found.extend(reversed(take))
            if len(found) >= count:
                break
        return found

    def nth_newline_before(self, offset: int, size: int, n: int, floor: int = 0) -> int | None:
        """The n-th newline below `offset` (n=1: the nearest) and at or above `floor`, counting
        without collecting."""
        for positions, stop in self._walk_back(offset, size, floor):
            if n <= stop:
                return positions[stop - n]
            n -= stop
        return None

    def first_newline_at(self, offset: int, size: int) -> int | None:
        """The first newline at or after `offset`, None when there is none before `size`."""
        k = offset // self.chunk_size
        while k * self.chunk_size < size:
            positions = self._positions(k, size)
            i = bisect_left(positions, offset)
            if i < len(positions):
                return positions[i]
            k += 1
        return None

    def _walk_back(self, offset: int, size: int,
                   floor: int = 0) -> Iterator[tuple[array[int], int]]:
        """(positions of a chunk, how many of them are below `offset`), chunks going back, down
        to the chunk that holds `floor` (positions below `floor` are left out)."""
        offset = min(offset, size)
        k = (offset - 1) // self.chunk_size
        while k >= 0 and (k + 1) * self.chunk_size > floor:
            positions = self._positions(k, size)
            low = bisect_left(positions, floor) if k * self.chunk_size < floor else 0
            stop = bisect_left(positions, offset)
            yield positions[low:], max(0, stop - low)
            k -= 1

    def _positions(self, k: int, size: int) -> array[int]:
        start = k * self.chunk_size
        key = (k, min(start + self.chunk_size, size))
        positions = self._chunks.get(key)
        if positions is not None:
            self._chunks.move_to_end(key)
            return positions
        data = self._read(start, key[1] - start)
        positions = array("q")
        find, append = data.find, positions.append
        at = find(b"\n")
        while at != -1:
            append(start + at)
            at = find(b"\n", at + 1)
        self._chunks[key] = positions
        if len(self._chunks) > self.max_chunks:
            self._chunks.popitem(last=False)
        return positions
