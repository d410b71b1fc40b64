"""What the logs screen shows: bounded rings of live lines and a window over them.

Memory is bounded in two places. Each source keeps a *ring* of its newest `max_lines`
lines (older ones are dropped; they are still in the file). The *window* is what the view
scrolls over: at most `max_lines` lines that pass the filter, from one source or all of
them merged by the lines' own times (arrival order for lines that come in while following). While following, new lines go to the rings and to the end
of the window. Scrolling up pauses the window (it stops changing under the operator) and,
at its top, older lines are read back from the file and put in front of it (dropping its
newest lines once full). Going back to the bottom rebuilds the window from the rings.
Plain Python, so it is tested without a terminal.
"""

from __future__ import annotations

import heapq
import time
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from itertools import repeat
from operator import itemgetter

from maintui.core.logs.format import Format
from maintui.core.logs.levels import LineFilter
from maintui.core.logs.tail import EventKind, Line, LogEvent, LogUpdate

MAX_LINES = 10_000
HEAD, FOUND = "head", "found"  # what a marked line is (`LogModel.mark`)
Marks = dict[tuple[str, int], str]  # (source, offset) → HEAD or FOUND
HEAD_BACK = 50  # lines looked back through for a matching line's record head
_SOURCE = itemgetter(0)  # Line.source, for C loops
_popleft = deque.popleft


class LogModel:
    """Rings per source, the filtered window, the filter and each source's status."""

    def __init__(self, names: Iterable[str], max_lines: int = MAX_LINES,
                 formats: dict[str, Format] | None = None) -> None:
        self.names = list(names)
        self.formats = formats or {}  # per source: merges "All" by the lines' own times
        self.max_lines = max_lines
        self.rings: dict[str, deque[Line]] = {name: deque(maxlen=max_lines) for name in self.names}
        # Each ring line's arrival number, side by side with it (a flood's lines are not
        # paired up one tuple each: ~0.3 ms a poll, and garbage-collector work).
        self._arrivals: dict[str, deque[int]] = {
            name: deque(maxlen=max_lines) for name in self.names
        }
        self.status = dict.fromkeys(self.names, "starting")
        self.source: str | None = None  # None: every source, merged
        self.filter = LineFilter()
        self.window: deque[Line] = deque()
        self.live = True  # the window follows new lines
        self.pending = 0  # lines that would have been shown while not live
        self._seq = 0
        self._floor: dict[str, Line | None] = {}  # oldest line read back, per source
        self._count: Counter[str] = Counter()  # lines per source in the window
        self.exhausted: set[str] = set()  # sources read back to their first line
        # (source, offset) of lines shown only as context: the head of a record a text filter
        # matched further down (a stack trace's line), so its time and level are in view.
        self.context: set[tuple[str, int]] = set()
        # … and of lines a whole-file search found past where their text was cut (a 2 MB
        # line is kept to its first `tail.MAX_LINE` bytes): shown as matches all the same.
        self.found: set[tuple[str, int]] = set()

    def mark(self, marks: Marks) -> None:
        """Take the context heads and the found cut lines read with search hits."""
        for key, what in marks.items():
            (self.context if what == HEAD else self.found).add(key)

    def passes(self, line: Line) -> bool:
        """Whether the window shows `line`: it matches the filter, is a match's context, or
        a search found it past its cut."""
        key = (line.source, line.offset)
        return self.filter.matches(line) or key in self.context or key in self.found

    @property
    def matched(self) -> int:
        """Lines in the window that match the filter (the context heads left out)."""
        if not self.context:
            return len(self.window)
        context = self.context
        return sum(1 for line in self.window if (line.source, line.offset) not in context)

    @property
    def visible(self) -> list[str]:
        return self.names if self.source is None else [self.source]

    def add(self, updates: Iterable[LogUpdate]) -> int:
        """Take a batch from the follower; returns how many lines the window gained."""
        added = 0
        for update in updates:
            ring, arrivals = self.rings[update.source], self._arrivals[update.source]
            if any(e.kind is EventKind.SKIPPED for e in update.events):
                ring.clear()  # a gap: the ring must stay contiguous for reading back
                arrivals.clear()
            for event in update.events:
                self.status[update.source] = describe(event)
            seq = self._seq
            self._seq += len(update.lines)
            ring.extend(update.lines)
            arrivals.extend(range(seq + 1, self._seq + 1))
            if update.source in self.visible:
                added += self._show(update.lines)
        return added

    def _show(self, lines: list[Line]) -> int:
        matches = self.filter.matches
        shown = [line for line in lines if matches(line)] if self.filter.active else lines
        if shown and self._heads_wanted(shown[0].source):
            shown = self._live_heads(shown[0].source, lines, shown)
        if not self.live:
            self.pending += len(shown)
            return 0
        if len(shown) < 64:
            for line in shown:
                self._push(line)
            return len(shown)
        # A flood: in bulk (C loops), what `_push` does line by line.
        window, count, source = self.window, self._count, shown[0].source
        window.extend(shown)
        count[source] += len(shown)  # one update: one source
        over = len(window) - self.max_lines
        if over > 0 and len(self.visible) == 1:  # the window is all this source's: still is
            deque(map(_popleft, repeat(window, over)), maxlen=0)  # drops `over`, in C
            count[source] -= over
            self._floor[source] = None
        elif over > 0:
            dropped = list(map(_popleft, repeat(window, over)))
            last: dict[str, Line] = dict(zip(map(_SOURCE, dropped), dropped, strict=True))
            count.subtract(Counter(map(_SOURCE, dropped)))  # counted in C, a few keys
            for source, old in last.items():
                self._floor[source] = old if not count[source] else None
        return len(shown)

    def _heads_wanted(self, source: str) -> bool:
        fmt = self.formats.get(source)
        return self.filter.pattern is not None and fmt is not None

    def _live_heads(self, source: str, lines: list[Line], shown: list[Line]) -> list[Line]:
        """`shown` (new matching lines of `source`) with the record head of each that is not
        one, found above it in `lines` or the ring, unless the window already shows it."""
        head = self.formats[source].head
        ring = self.rings[source]
        out: list[Line] = []
        latest = -1  # the newest line of `source` the window shows
        for line in reversed(self.window):
            if line.source == source:
                latest = line.offset
                break
        for line in shown:
            if line.offset > latest and not head(line.text)[0]:
                # the ring holds `lines` at its end: walk it back from this line
                found = None
                for k, older in enumerate(reversed(ring)):
                    if k > HEAD_BACK + len(lines) or older.offset <= latest:
                        break
                    if older.offset < line.offset and head(older.text)[0]:
                        found = older
                        break
                if found is not None:
                    self.context.add((source, found.offset))
                    out.append(found)
            out.append(line)
            latest = line.offset
        return out

    def _matching(self, source: str,
                  pairs: Iterable[tuple[int, Line]]) -> list[tuple[int, Line]]:
        """The ring's (arrival, line) pairs the window shows: those matching the filter and,
        for a text filter, the record head above each matching line that is not one."""
        matches = self.passes
        if not self._heads_wanted(source):
            return [pair for pair in pairs if matches(pair[1])]
        head = self.formats[source].head
        pairs = list(pairs)
        out: list[tuple[int, Line]] = []
        last = -1  # the index of the last pair taken
        for i, (_, line) in enumerate(pairs):
            if not matches(line):
                continue
            if not head(line.text)[0]:
                for j in range(i - 1, max(last, i - HEAD_BACK - 1), -1):
                    if head(pairs[j][1].text)[0]:
                        self.context.add((source, pairs[j][1].offset))
                        out.append(pairs[j])
                        break
            out.append(pairs[i])
            last = i
        return out

    def _push(self, line: Line) -> None:
        self.window.append(line)
        self._count[line.source] += 1
        if len(self.window) > self.max_lines:
            old = self.window.popleft()
            self._count[old.source] -= 1
            # Read back from here once nothing of this source is left in the window.
            self._floor[old.source] = old if not self._count[old.source] else None

    def rebuild(self) -> None:
        """Refill the window from the rings (after a filter or source change, or to resume)."""
        self.window.clear()
        self._count.clear()
        self._floor = {s: self.rings[s][0] if self.rings[s] else None for s in self.visible}
        self.exhausted.clear()
        self.context.clear()  # `found` is kept: it holds for the filter until it changes
        self.live, self.pending = True, 0
        rings = [(s, self._matching(s, ring)) if self.filter.active else (s, ring)
                 for s, ring in self._rings_shown()]
        if len(rings) > 1 and self.formats:
            merged = heapq.merge(*(_timed(ring, self.formats.get(s)) for s, ring in rings))
        else:
            merged = heapq.merge(*(ring for _, ring in rings))
        for *_, line in merged:
            self._push(line)

    def _rings_shown(self) -> list[tuple[str, Iterable[tuple[int, Line]]]]:
        """Per visible source, its ring's (arrival, line) pairs."""
        return [(s, zip(self._arrivals[s], self.rings[s], strict=True)) for s in self.visible]

    def anchors(self) -> dict[str, Line]:
        """Per visible source, the line to read back from (the oldest one read so far)."""
        oldest: dict[str, Line] = {}
        for line in self.window:
            oldest.setdefault(line.source, line)
            if len(oldest) == len(self.visible):
                break
        out: dict[str, Line] = {}
        for s in self.visible:
            floor, first = self._floor.get(s), oldest.get(s)
            candidates = [c for c in (floor, first) if c is not None]
            if s not in self.exhausted and candidates:
                out[s] = min(candidates, key=lambda c: (c.generation, c.offset))
        return out

    def prepend(self, source: str, lines: list[Line], reached_start: bool) -> int:
        """Put older `lines` of `source` (read back from its file) before the window."""
        if lines:
            self._floor[source] = lines[0]
        if reached_start:
            self.exhausted.add(source)
        shown = [line for line in lines if self.passes(line)]
        self.window.extendleft(reversed(shown))
        self._count[source] += len(shown)
        while len(self.window) > self.max_lines:
            self.live = False  # the newest lines are gone from the window: rebuild to resume
            self._count[self.window.pop().source] -= 1
        return len(shown)

    def prepend_many(self, results: list[tuple[str, list[Line], bool]]) -> int:
        """`prepend` for several sources at once (source, older lines, reached its start):
        in "All", merged by the lines' own times with each other and with the window, as
        `rebuild` merges the rings (a quiet file's loaded lines can be older than a busy
        one's older lines)."""
        if len(self.visible) < 2 or not self.formats:
            return sum(self.prepend(source, lines, start) for source, lines, start in results)
        shown_by: dict[str, list[Line]] = {}
        for source, lines, reached_start in results:
            if lines:
                self._floor[source] = lines[0]
            if reached_start:
                self.exhausted.add(source)
            shown = [line for line in lines if self.passes(line)]
            self._count[source] += len(shown)
            shown_by[source] = shown
        added = sum(map(len, shown_by.values()))
        if added:
            self._merge_in(shown_by, added)
        while len(self.window) > self.max_lines:
            self.live = False
            self._count[self.window.pop().source] -= 1
        return added

    def _merge_in(self, older: dict[str, list[Line]], added: int) -> None:
        """Merge each source's `older` lines (before its lines in the window) into the
        window by time, in place (the view holds it). Only the window's lines up to the
        newest of them are read for their times: the rest stay as they are."""
        pairs: dict[str, list[tuple[int, Line]]] = {s: [] for s in self.visible}
        for i, line in enumerate(self.window):
            pairs[line.source].append((i, line))
        for source, lines in older.items():  # before the window's: negative arrivals
            pairs[source][:0] = list(zip(range(-len(lines), 0), lines, strict=True))
        merged = heapq.merge(*(_timed(p, self.formats.get(s)) for s, p in pairs.items()))
        out: list[Line] = []
        taken: set[int] = set()
        for _, seq, line in merged:
            out.append(line)
            if seq >= 0:
                taken.add(seq)
            elif len(out) - len(taken) == added:
                break  # every older line placed: the rest of the window follows as it was
        out += [line for i, line in enumerate(self.window) if i not in taken]
        self.window.clear()
        self.window.extend(out)

    def pause(self) -> None:
        self.live = False

    def jump(self, source: str, lines: list[Line], context: Marks | None = None) -> None:
        """Show `lines` of `source` (read around a search hit or a time), paused there;
        scrolling reads back from them, the End key follows again. `context`: the lines
        among them shown only as a match's record head."""
        self.window.clear()
        self._count.clear()
        self.exhausted.clear()
        self.context.clear()  # the same set: the view holds it
        self.found.clear()
        self.mark(context or {})
        self._floor = {s: None for s in self.visible}
        self.live, self.pending = False, 0
        for line in lines:
            if self.passes(line):
                self._push(line)
        self._floor[source] = lines[0] if lines else None

    def jump_many(self, results: list[tuple[str, list[Line]]],
                  context: Marks | None = None) -> None:
        """`jump` in "All": each source's lines (read around the same time), merged by the
        lines' own times as `rebuild` merges the rings."""
        if len(results) == 1:
            self.jump(*results[0], context)
            return
        self.jump(results[0][0], [], context)
        merged = heapq.merge(*(_timed(enumerate(lines), self.formats.get(s))
                               for s, lines in results))
        for *_, line in merged:
            if self.passes(line):
                self._push(line)
        for source, lines in results:
            self._floor[source] = lines[0] if lines else None


def _timed(ring: Iterable[tuple[int, Line]],
           fmt: Format | None) -> Iterator[tuple[float, int, Line]]:
    """(time, arrival, line): a line without a time of its own takes the one above it."""
    when = float("-inf")
    for seq, line in ring:
        if fmt is not None and fmt.kind != "text":
            t = fmt.parse(line.text).time
            when = when if t is None else t
        yield when, seq, line


def describe(event: LogEvent) -> str:
    """A source's status line: "following", "rotated 10:02", "unreadable: permission denied"."""
    at = time.strftime("%H:%M", time.localtime(event.at))
    if event.kind is EventKind.UNREADABLE:
        return f"unreadable: {event.detail}"
    if event.kind is EventKind.MISSING:
        return "waiting for file"
    if event.kind is EventKind.OPENED:
        return event.detail or "following"  # "binary file, not shown"
    if event.kind is EventKind.SKIPPED:
        return f"{event.detail} {at}"
    return f"{event.kind.value} {at}"  # rotated / truncated, then following the new file

