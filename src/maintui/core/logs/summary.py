"""What a log says over a time window: lines, levels, the top error templates, custom patterns.

`Summary.read(path)` detects the file's format from its first lines, groups its lines into
records (a stack trace is one record, counted once, with its head's level), keeps the records
whose time is in the window and tallies them. Error records are grouped by template
(`templates.Templates`); a record closed by a Python exception line (`KeyError: 'x'`) is grouped
under the exception's name, which says more than the message above the traceback. Memory is
bounded: lines are read in chunks and cut at `reader.MAX_LINE`, records at `records.MAX_*`,
templates at `Templates.max_groups`. A regex format's plain records are counted in bulk
(`_FastHeads`, `prefix.head_prefix`), a file whose heads have a fixed-width ISO time first a
whole block at a time (`bulk.BulkHeads`), for a big file by GNU grep (`greppass`) or, without
it, by worker processes (`splits`); there, an error record whose lines the grouper would keep
whole is taken without building a `Record` (`_error_at`) and templated per message shape
(`templates.shape_template`). The results are the same as line by line
(`tests/core/logs/test_scan_fast.py`).
"""

from __future__ import annotations

import copy
import re
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from itertools import compress
from operator import gt, methodcaller, not_, sub
from pathlib import Path

from maintui.core.logs import formats, greppass, splits, stamps
from maintui.core.logs.bulk import BulkHeads
from maintui.core.logs.format import Format
from maintui.core.logs.levels import Level
from maintui.core.logs.prefix import head_prefix
from maintui.core.logs.reader import line_batches, open_log
from maintui.core.logs.records import (
    MAX_BYTES,
    MAX_LINES,
    STACK,
    TAIL,
    Grouper,
    Record,
    level_of_record,
)
from maintui.core.logs.templates import Templates

SAMPLE_CHARS = 300  # of a sample line kept per template and in `newest`
# The line that closes a Python traceback names the exception: `pkg.KeyError: 'x'`.
EXCEPTION = re.compile(r"([A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt|Warning|Fault))(?::|$)")


@dataclass
class Top:
    """One error template: how many records, first and last time, one sample line."""

    key: str
    count: int = 0
    first: float | None = None
    last: float | None = None
    sample: str = ""

    def add(self, head: str, when: float | None) -> None:
        """One more record: its first line and its time."""
        self.count += 1
        if not self.sample:
            self.sample = head[:SAMPLE_CHARS]
        if when is not None:
            self.first = when if self.first is None else min(self.first, when)
            self.last = when if self.last is None else max(self.last, when)


@dataclass
class Summary:
    """Tallies of the records in [since, ∞) of one or more files of one log."""

    since: float | None = None
    patterns: dict[str, re.Pattern[str]] = field(default_factory=dict)  # counted per line
    extra: Sequence[Format] = ()  # a site's own formats, tried first
    # For records their format gave no level (plain text): these regexes decide.
    error_rx: re.Pattern[str] | None = None
    warning_rx: re.Pattern[str] | None = None
    newest_kept: int = 5
    tick: Callable[[], None] = lambda: None  # called every chunk: cancellation
    lines: int = 0  # every line read
    in_window: int = 0  # lines of records in the window
    unparsed: int = 0  # lines the format could not read (neither a record head nor its tail)
    records: int = 0  # records in the window
    levels: Counter[str] = field(default_factory=Counter)
    custom: Counter[str] = field(default_factory=Counter)
    first: float | None = None
    last: float | None = None
    formats: dict[str, str] = field(default_factory=dict)  # file → format name
    unreadable: list[str] = field(default_factory=list)
    _templates: Templates = field(default_factory=Templates)
    _tops: dict[str, Top] = field(default_factory=dict)
    newest: deque[str] = field(default_factory=deque)
    _carry: float | None = None

    def __post_init__(self) -> None:
        self.newest = deque(maxlen=self.newest_kept)

    @property
    def errors(self) -> int:
        return self.levels["ERROR"] + self.levels["CRITICAL"]

    @property
    def warnings(self) -> int:
        return self.levels["WARNING"]

    def top(self, n: int) -> list[Top]:
        """The `n` error templates with the most records (widened templates resolved)."""
        ranked = sorted(self._tops.items(), key=lambda kv: -kv[1].count)[:n]
        return [Top(self._name(k), t.count, t.first, t.last, t.sample) for k, t in ranked]

    def _name(self, key: str) -> str:
        if key.startswith("#"):  # a template group: its template may have widened since
            return self._templates.groups[int(key[1:])].template
        return key

    def read(self, path: Path) -> None:
        """Add one file (`.gz` read through); an unreadable one is noted, never raised."""
        try:
            fmt = formats.detect(formats.sample(path), extra=self.extra)
            self.formats[str(path)] = fmt.name
            with open_log(path) as fh:
                self._read(fh, fmt, path)
        except (OSError, EOFError) as exc:  # a truncated .gz, a vanished file
            self.unreadable.append(f"{path.name}: {exc}")

    def _read(self, fh, fmt: Format, path: Path | None = None) -> None:  # type: ignore[no-untyped-def]
        grouper = Grouper(fmt)
        feed, take = grouper.feed, self._take
        self._carry = None
        fast = _FastHeads.of(fmt) if not self.patterns else None
        if fast is not None:
            self._blocks(fh, fast, grouper, path)
        else:
            for batch in line_batches(fh):
                self.tick()
                self.lines += len(batch)
                for text in batch:
                    done = feed(text)
                    if done is not None:
                        take(done)
        last = grouper.flush()
        if last is not None:
            take(last)
        self.unparsed += grouper.unread

    def _blocks(self, fh, fast: _FastHeads, grouper: Grouper, path: Path | None) -> None:  # type: ignore[no-untyped-def]
        """A regex format's file a block at a time: its quiet one-line records counted in
        bulk (`BulkHeads`), the other lines read in order as one batch (`_batch`)."""
        sample = fh.read(1 << 18)
        fh.seek(0)
        bulk = BulkHeads.of(fast.fmt, formats.FORMATS,
                            sample.decode("utf-8", "replace").split("\n")[:-1][:2000], self.since)
        if bulk is not None and path is not None and self._grep(path, bulk, fast, grouper):
            return
        items = None
        workers = splits.workers_for(path) if path is not None and bulk is not None else 0
        if workers and bulk is not None and path is not None:
            items = splits.parallel_splits(path, bulk, workers)
        with closing(items if items is not None else splits.splits(fh, bulk)) as blocks:
            self._items(blocks, fast, grouper)

    def _grep(self, path: Path, bulk: BulkHeads, fast: _FastHeads, grouper: Grouper) -> bool:
        """Quiet one-line records counted by GNU grep (`greppass`), the rest read here; False:
        not done (no grep, a small or odd file), or undone (`greppass.Unusable`: what it had
        tallied is put back, the grouper is still fresh), so the caller reads it as before."""
        items = greppass.items(path, bulk, self.since, self.tick)
        if items is None:
            return False
        kept = copy.deepcopy({k: getattr(self, k) for k in _TALLIES})
        try:
            with closing(items):
                self._items(items, fast, grouper)
        except greppass.Unusable:
            for k, v in kept.items():
                setattr(self, k, v)
            grouper.__init__(grouper.fmt)  # type: ignore[misc]  # fresh again, the same object
            return False
        return True

    def _items(self, items: Iterator[splits.Item], fast: _FastHeads, grouper: Grouper) -> None:
        """Tally split blocks: counted records at once, the other lines through `_batch`."""
        for item in items:
            if isinstance(item, splits.Known):  # the next item's lines, parsed by a worker
                grouper.known = item
                continue
            self.tick()  # a cancel here closes `items`: workers are stopped
            if isinstance(item, list):
                self.lines += len(item)
                self._batch(item, fast, grouper)
                continue
            n, counted, low, top, rest = item
            self.lines += n
            t0, t1 = fast.time(low), fast.time(top)
            if t0 is not None and t1 is not None and (self.since is None or t0 >= self.since):
                for level, k in counted.items():  # (else all before the window: BulkHeads
                    if k:  # hands back a block the window starts in; a level not seen is
                        self.levels[level.name] += k  # not listed, as line by line)
                        self.records += k
                        self.in_window += k
                self.first = t0 if self.first is None else min(self.first, t0)
                self.last = t1 if self.last is None else max(self.last, t1)
            self._batch(rest, fast, grouper)

    def _batch(self, batch: list[str], fast: _FastHeads, grouper: Grouper) -> None:
        """Lines in order: in bulk where `_fast` can, else one by one."""
        if self._fast(batch, fast, grouper):
            return
        feed, take = grouper.feed, self._take
        for text in batch:
            done = feed(text)
            if done is not None:
                take(done)

    def _fast(self, batch: list[str], fast: _FastHeads, grouper: Grouper) -> bool:
        """Count a batch's plain records without building them; False: read it line by line.

        Heads are found by the format's patterns over the whole batch at C speed. A record
        whose head says a level below ERROR is only counted; errors, records with no level,
        the batch's first lines (the record open from the last batch) and its last record
        (it may go on in the next batch) go through `grouper` as usual.
        """
        joined = "".join(batch)
        if "\x1b" in joined or "\r" in joined:
            return False  # colours or CRLF: Format.parse cleans each line first
        found = fast.find(batch)
        if found is None or len(found[0]) < 2:
            return False
        ats, matches = found
        take, feed = self._take, grouper.feed
        for text in batch[:ats[0]]:  # the tail of the record left open
            if (done := feed(text)) is not None:
                take(done)
        if grouper.current is not None:  # the first head closes it, before any time is read
            take(grouper.flush())
        runs = fast.runs(matches)
        if runs is None:  # a head's time may be anywhere: each head's own
            self._each(batch, ats, matches, fast, grouper)
        for a, e in runs or ():  # heads a..e, times in order; the batch's last head stays open
            if grouper.current is not None:  # a head after it closed it
                take(grouper.flush())
            end = e + 2 if e + 1 < len(ats) else e + 1
            when = self._window_times(fast.stamp(matches[a]), fast.stamp(matches[e]), fast)
            if when is None:  # the run straddles the window's start: each head's own time
                self._each(batch, ats[a:end], matches[a:end], fast, grouper)
            else:
                self._bulk(batch, ats[a:end], matches[a:end], fast, grouper, when)
        for text in batch[ats[-1]:]:
            if (done := feed(text)) is not None:
                take(done)
        return True

    def _bulk(self, batch: list[str], ats: list[int], matches: list[re.Match[str]],
              fast: _FastHeads, grouper: Grouper, inside: bool) -> None:
        """The records of a batch wholly inside (or before) the window, but its last.

        Plain records touch only commutative tallies, so they are counted at once; the rest
        go through `grouper` in order, as `_each` would send them.
        """
        levels = fast.levels_of(matches[:-1])
        loud = fast.loud
        quiet = Counter(levels)
        for lv in loud:
            quiet.pop(lv, None)
        if inside:
            for lv, n in quiet.items():
                self.levels[lv.name] += n
                self.records += n
        take, feed = self._take, grouper.feed
        if inside:
            self.in_window += sum(quiet.values())
        lengths = list(map(sub, ats[1:], ats))
        for k in compress(range(len(levels)), map((1).__lt__, lengths)):  # records of 2+ lines
            if levels[k] in loud:
                continue
            if inside:
                self.in_window += lengths[k] - 1
            # lines the format could not read count wherever they are
            self.unparsed += sum(1 for text in batch[ats[k] + 1:ats[k + 1]]
                                 if text.strip() and not TAIL.match(text))
        last = len(levels) - 1
        for k in compress(range(len(levels)), map(loud.__contains__, levels)):
            if levels[k] is not None and self._error_at(batch, ats[k], ats[k + 1], grouper):
                continue  # taken already, without a `Record`
            for text in batch[ats[k]:ats[k + 1]]:
                if (done := feed(text)) is not None:
                    take(done)
            if k < last and levels[k + 1] not in loud:  # a plain record closes this one
                take(grouper.flush())  # type: ignore[arg-type]

    def _error_at(self, batch: list[str], a: int, e: int, grouper: Grouper) -> bool:
        """The error record of lines `a`..`e` (a head and lines that are not) taken as `feed`
        and `_take` would, without building a `Record` (~2.5 µs, a third of it); False: it must go
        through the grouper (a head that does not read as an error, a record the grouper would
        cut)."""
        head = batch[a]
        n = e - a
        if n > MAX_LINES or len(head) > MAX_BYTES:
            return False
        tail = batch[a + 1:e]
        if tail and sum(map(len, tail)) + len(head) + n > MAX_BYTES:
            return False
        got = grouper.known.get(head)
        masked = None
        if got is None:
            got = grouper.fmt.parse(head)
        elif got.__class__ is tuple:  # a worker's compact parse, with the template
            masked = got[4]
            got = (got[0], _LEVELS.get(got[1]), got[2], got[3])
        when, level, message, start = got
        if not start or level is None or level < Level.ERROR:
            return False
        if grouper.current is not None:  # the grouper's open record ends at this head
            self._take(grouper.flush())  # type: ignore[arg-type]
        grouper._next_at += n
        stack = STACK.match(message) is not None
        for text in tail:  # as `Grouper.feed` reads a line that is not a head
            if text.strip() and not TAIL.match(text):
                grouper.unread += 1
            if not stack and STACK.match(text):
                stack = True
        if self._counted(when, n):
            self.levels[level.name] += 1
            self._error(stack, batch[a:e], message, when, masked)
        return True

    def _each(self, batch: list[str], ats: list[int], matches: list[re.Match[str]],
              fast: _FastHeads, grouper: Grouper) -> None:
        """The records of a batch, but its last, one by one with their own times."""
        take, feed = self._take, grouper.feed
        for k, m in enumerate(matches[:-1]):
            at, end = ats[k], ats[k + 1]
            level = fast.level(fast.raw(m))
            if level is None or level >= Level.ERROR:
                if level is not None and self._error_at(batch, at, end, grouper):
                    continue  # taken already, without a `Record`
                for text in batch[at:end]:
                    if (done := feed(text)) is not None:
                        take(done)
                continue
            if grouper.current is not None:
                take(grouper.flush())  # type: ignore[arg-type]
            if end - at > 1:  # lines the format could not read count wherever they are
                self.unparsed += sum(1 for text in batch[at + 1:end]
                                     if text.strip() and not TAIL.match(text))
            t = fast.time(fast.stamp(m))
            self._carry = t = self._carry if t is None else t
            if self.since is not None and t is not None and t < self.since:
                continue
            if t is not None:
                self.first = t if self.first is None else min(self.first, t)
                self.last = t if self.last is None else max(self.last, t)
            self.records += 1
            self.in_window += end - at
            self.levels[level.name] += 1

    def _window_times(self, first: str | None, last: str | None,
                      fast: _FastHeads) -> bool | None:
        """True: the run is all in the window, False: all before it, None: look at each.

        Judged on its first and last heads' times (`_FastHeads.runs` saw they never go
        back), which also move `first` and `last`.
        """
        t0, t1 = fast.time(first), fast.time(last)
        if t0 is None or t1 is None:  # an end with no time: the others may hold the bounds
            return None
        for t in (t0, t1):
            if self.since is None or t >= self.since:
                self.first = t if self.first is None else min(self.first, t)
                self.last = t if self.last is None else max(self.last, t)
        if self.since is None:
            return True
        if t0 >= self.since and t1 >= self.since:
            self._carry = t1
            return True
        if t0 < self.since and t1 < self.since:
            self._carry = t1
            return False
        return None

    def _patterns(self, record: Record) -> None:
        for name, rx in self.patterns.items():
            self.custom[name] += sum(1 for text in record.lines if rx.search(text))

    def _take(self, record: Record) -> None:
        if not self._counted(record.time, record.line_count):
            return
        if self.patterns:  # per line, of the lines a record keeps (records.MAX_LINES)
            self._patterns(record)
        level = self._level(record)
        self.levels[level.name] += 1
        if level >= Level.ERROR:
            self._error(record.stack, record.lines, record.message, record.time)

    def _counted(self, time: float | None, lines: int) -> bool:
        """A record of `lines` lines at `time` counted, unless it is before the window."""
        # A head whose time could not be read has its predecessor's: the window still holds.
        when = self._carry if time is None else time
        self._carry = when
        if self.since is not None and when is not None and when < self.since:
            return False
        self.records += 1
        self.in_window += lines
        if time is not None:
            self.first = time if self.first is None else min(self.first, time)
            self.last = time if self.last is None else max(self.last, time)
        return True

    def _level(self, record: Record) -> Level:
        level = level_of_record(record)
        if level is Level.NONE and record.level is None:
            head = record.lines[0]
            if self.error_rx is not None and self.error_rx.search(head):
                return Level.ERROR
            if self.warning_rx is not None and self.warning_rx.search(head):
                return Level.WARNING
        return level

    def _error(self, stack: bool, lines: list[str], message: str, when: float | None,
               masked: str | None = None) -> None:
        """An error record in the window: its lines (those a `Record` keeps), message, time
        and, when a worker made it, its message's template."""
        key = None
        if stack and any(line.startswith("Traceback") for line in lines):
            for line in reversed(lines[1:]):
                if (found := EXCEPTION.match(line)) is not None:
                    key = found[1]
                    break
        if key is None:
            templates = self._templates
            group = templates.add(message) if masked is None else templates.add_template(masked)
            key = f"#{group.id}" if group.id >= 0 else "(other templates)"
        top = self._tops.get(key)
        if top is None:
            if len(self._tops) >= self._templates.max_groups:
                return
            top = self._tops[key] = Top(key)
        top.add(lines[0], when)
        self.newest.append(lines[0][:SAMPLE_CHARS])


class _FastHeads:
    """A regex format's record heads found in a batch of lines at once (`Summary._fast`)."""

    def __init__(self, fmt: Format) -> None:
        self.fmt = fmt
        # Only as much of each pattern as decides a match and holds the fields read here.
        self.patterns = [head_prefix(p, ("time", fmt.level_field)) for p in fmt.patterns]
        self._has_level = all(fmt.level_field in p.groupindex for p in fmt.patterns)
        self._levels: dict[str | None, Level | None] = {}
        self._clock = stamps.parser(fmt.clock)
        self._field = methodcaller("group", fmt.level_field)
        self._time = methodcaller("group", "time")
        self._layout: tuple[str, re.Pattern[str]] | None = None

    @property
    def loud(self) -> frozenset[Level | None]:
        """Levels whose records go through the grouper: errors, and none at all."""
        return _LOUD

    @classmethod
    def of(cls, fmt: Format) -> _FastHeads | None:
        if fmt.kind != "regex" or not fmt.patterns:
            return None
        return cls(fmt)

    def find(self, batch: list[str]) -> tuple[list[int], list[re.Match[str]]] | None:
        """The line number and match of each head, in order.

        A line that one of the patterns matches is a head, as `Format.parse` has it.
        """
        matches = list(map(self.patterns[0].match, batch))  # C loops: the hot path
        for pattern in self.patterns[1:]:
            for i in list(compress(range(len(batch)), map(not_, matches))):
                matches[i] = pattern.match(batch[i])
        ats = list(compress(range(len(batch)), matches))
        return ats, list(compress(matches, matches))

    def raw(self, m: re.Match[str]) -> str | None:
        return m[self.fmt.level_field] if self._has_level else None

    def stamp(self, m: re.Match[str]) -> str | None:
        return m["time"]

    def runs(self, matches: list[re.Match[str]]) -> list[tuple[int, int]] | None:
        """Runs (first, last head) whose times never go back, so their ends bound them.

        None when that cannot be told from the text: ISO times of one layout (digits apart)
        sort as their text does when they are UTC or the local zone has no daylight-saving
        jumps (no hour twice). A run ends where the text goes back (a restart, a new file
        appended); the batch's last head ends the last run.
        """
        if self.fmt.clock not in ("iso", "auto"):
            return None
        texts = list(map(self._time, matches))
        if None in texts:
            return None
        layout = texts[0].translate(_DIGITS)
        if _ISO_LAYOUT.fullmatch(layout) is None or not (layout.endswith("Z") or
                                                         not time.daylight):
            return None
        if self._layout is None or self._layout[0] != layout:
            self._layout = (layout, re.compile("(?:" + "".join(
                "[0-9]" if c == "0" else re.escape(c) for c in layout) + ")*"))
        if self._layout[1].fullmatch("".join(texts)) is None:  # one engine pass for all
            return None
        starts = [0, *compress(range(1, len(texts)), map(gt, texts, texts[1:]))]
        ends = [k - 1 for k in starts[1:]] + [len(texts) - 1]
        return list(zip(starts, ends, strict=True))

    def levels_of(self, matches: list[re.Match[str]]) -> list[Level | None]:
        """Each head's level, looked up in C where the level words are already known."""
        if not self._has_level:
            return [self.fmt.default_level] * len(matches)
        raws = list(map(self._field, matches))
        for raw in set(raws).difference(self._levels):
            self.level(raw)
        try:
            return list(map(self._levels.__getitem__, raws))
        except KeyError:  # more distinct words than the cache holds
            return list(map(self.level, raws))

    def level(self, raw: str | None) -> Level | None:
        if raw is None:
            return self.fmt.default_level
        level = self._levels.get(raw, _MISSING)
        if level is _MISSING:
            level = self.fmt.levels(raw) or None
            if len(self._levels) < 4096:  # a level field is a handful of words
                self._levels[raw] = level
        return level  # type: ignore[return-value]

    def time(self, stamp: str | None) -> float | None:
        return None if not stamp else self._clock(stamp)


_MISSING = object()
_LEVELS: dict[int | None, Level] = {int(level): level for level in Level}
# What reading a file changes: put back when the grep pass gives up half-way.
_TALLIES = ("lines", "in_window", "unparsed", "records", "levels", "custom", "first", "last",
            "_templates", "_tops", "newest", "_carry")
_DIGITS = str.maketrans("123456789", "000000000")
# Fixed-width ISO times with no offset but Z: their text order is their time order.
_ISO_LAYOUT = re.compile(r"0000[-/.]?00[-/.]?00[T _-]?00:?00:?00(?:[.,]0+)?Z?")
_LOUD: frozenset[Level | None] = frozenset({None, Level.ERROR, Level.CRITICAL})
