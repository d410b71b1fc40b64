"""LogReader: the lines the logs screen reads from its files beyond the rings it follows.

Older lines read back above the window, a whole-file filter's hits (each after its record's
head when it is a line of a stack trace), the lines around a jump, and the searches behind
the filter and `n`/`N`. Blocking reads: the screen calls these from worker threads.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence

from maintui.core.logs.format import Format
from maintui.core.logs.levels import Level, LineFilter, parse_query
from maintui.core.logs.search import FileSearch, Hits, in_record_of
from maintui.core.logs.tail import CUT, Line, LogFile
from maintui.tui.models.logs import FOUND, HEAD, LogModel, Marks
from maintui.tui.models.logseek import Source

READ_BACK = 500  # matching lines wanted per read-back
READ_BACK_SCAN = 50_000  # give up after reading this many lines that do not match
JUMP_BEFORE, JUMP_AFTER = 100, 400  # lines read around a jump's target
RECORD_LINES = 50  # lines read per whole-file filter hit when it filters by level


class LogReader:
    """Reads each source's file by its format (the screen's own dict: a format judged
    later is read by here too)."""

    def __init__(self, files: dict[str, LogFile], formats: dict[str, Format | None]) -> None:
        self.files = files
        self.formats = formats

    def older(self, name: str, anchor: Line, line_filter: LineFilter) -> tuple[list[Line], bool]:
        """Lines before `anchor` until READ_BACK of them match; and whether the start was hit."""
        batches: list[list[Line]] = []
        matched = scanned = 0
        while matched < READ_BACK and scanned < READ_BACK_SCAN:
            older = self.files[name].lines_before(anchor, READ_BACK)
            batches.append(older)
            scanned += len(older)
            matched += sum(1 for line in older if line_filter.matches(line))
            if len(older) < READ_BACK:
                return [line for batch in reversed(batches) for line in batch], True
            anchor = older[0]
        return [line for batch in reversed(batches) for line in batch], False

    def hits_before(self, name: str, hits: Hits, offset: int, n: int,
                    line_filter: LineFilter, context: Marks) -> tuple[list[Line], bool]:
        """The lines of the last `n` whole-file filter hits before `offset` (see
        `hit_lines`); and whether they reach the first hit."""
        i = bisect_left(hits.offsets, offset)
        picked = hits.offsets[max(0, i - n):i]
        return self.hit_lines(name, picked, offset, line_filter, context), i <= n

    def hits_around(self, name: str, offsets: Sequence[int], i: int, line_filter: LineFilter,
                    context: Marks, share: int = 1) -> list[Line]:
        """The lines of the hits around the `i`th, for a jump (`share`: of "All"'s sources)."""
        picked = offsets[max(0, i - JUMP_BEFORE // share):i + JUMP_AFTER // share]
        return self.hit_lines(name, picked, self.files[name].size() + 1, line_filter, context)

    def hit_lines(self, name: str, picked: Sequence[int], stop: int,
                  line_filter: LineFilter, context: Marks) -> list[Line]:
        """The lines shown for whole-file filter hits at `picked` (before `stop`): with a
        level filter alone, each hit's record (its head and the lines that go with it); with
        a text, each matching line, after its record's head when it is not one (a line of a
        stack trace: the head has the record's time and level; it is shown as context, see
        `LogModel.context`, and put in `context`)."""
        log = self.files[name]
        lines: list[Line] = []
        fmt = self.formats.get(name)
        for k, at in enumerate(picked):
            end = picked[k + 1] if k + 1 < len(picked) else stop
            if line_filter.pattern is None and line_filter.levels is not None:
                for line in log.lines_from(at, RECORD_LINES):
                    if line.offset >= end or (line.offset > at
                                              and not line_filter.matches(line)):
                        break
                    lines.append(line)
                continue
            got = log.lines_from(at, 1)
            if got and fmt is not None and not fmt.head(got[0].text)[0]:
                record = log.record_of(at)
                if len(record) > 1 and (not lines or lines[-1].offset < record[0].offset):
                    context[(name, record[0].offset)] = HEAD
                    lines.append(record[0])
                got = record[-1:] or got
            for line in got:
                if CUT.search(line.text):  # maybe found past the cut: shown all the same
                    context[(name, line.offset)] = FOUND
            lines += got
        return lines

    def cut_hits(self, source: str, hits: Hits, offset: int, context: Marks) -> None:
        """Mark the hits from `offset` on (in the loaded tail) whose lines were cut: the
        search read past the cut, the view's filter cannot."""
        log = self.files[source]
        for at in hits.offsets[bisect_left(hits.offsets, offset):]:
            for line in log.lines_from(at, 1):
                if CUT.search(line.text):
                    context[(source, at)] = FOUND

    @staticmethod
    def around(log: LogFile, offset: int, share: int = 1) -> list[Line]:
        before = log.lines_before(offset, JUMP_BEFORE // share) if offset > 0 else []
        return before + log.lines_from(offset, JUMP_AFTER // share)

    def sources(self, names: Sequence[str]) -> list[Source]:
        """The sources in "All"'s order (`models.logseek`), ranked as `names`."""
        return [Source(name, self.files[name], self.formats[name], rank)
                for rank, name in enumerate(names)]

    def at_time(self, sources: Sequence[Source], when: float
                ) -> tuple[list[tuple[str, list[Line]]], tuple[str, int]]:
        """Each source's lines around `when`, and the first of them by time: the one marked."""
        results, first = [], None
        for s in sources:
            offset = s.offset_at(when)
            results.append((s.name, self.around(s.log, offset, len(sources))))
            if offset < s.log.size():
                place = s.place(offset)
                if first is None or place < first[1]:
                    first = ((s.name, offset), place)
        mark = first[0] if first is not None else (sources[0].name, sources[0].log.size())
        return results, mark

    def head_of(self, model: LogModel, first: Line, lines: list[Line]) -> list[Line]:
        """The record head of `first` (the window's oldest line of its source, a text match
        in a stack trace whose head the loaded tail starts below), as context in `model`;
        [] if none."""
        fmt = self.formats.get(first.source)
        key = (first.source, first.offset)
        if (model.filter.pattern is None or fmt is None or key in model.context
                or fmt.head(first.text)[0]):
            return []
        record = self.files[first.source].record_of(first.offset)
        if len(record) < 2 or (lines and lines[-1].offset >= record[0].offset):
            return []
        model.mark({(first.source, record[0].offset): HEAD})
        return [record[0]]

    def filter_finder(self, source: str, line_filter: LineFilter,
                      query: str) -> FileSearch | None:
        """A search of `source`'s file for `line_filter`'s lines (`query` typed): its text
        found in bytes, its level judged by the file's format: a record head's own, any
        other line's its head's."""
        fmt, levels, pattern = self.formats[source], line_filter.levels, line_filter.pattern
        path = self.files[source].path
        if self.files[source].binary:
            return None  # its lines are not shown: nothing to find
        literal = "" if pattern is None else _literal(query)
        if levels is None:
            return FileSearch(path, pattern, literal=literal)
        if fmt is None:
            return None  # no format yet: nothing to judge a line's level by
        if pattern is None and min(levels) >= Level.ERROR:
            return FileSearch.errors(path, fmt)
        if pattern is None:
            return FileSearch.levels(path, fmt, levels)  # a chunk's level words at once
        finder = FileSearch(path, pattern, literal=literal)
        # a line holding the text, of a record of those levels (a stack trace's line too)
        finder.keep = in_record_of(self.files[source], fmt, levels)
        return finder

    def key_finder(self, source: str, key: str) -> tuple[FileSearch, str]:
        """The search for n/N's `key` (`match_key`) or </>'s (">error") in `source`'s file,
        and what the status line calls it."""
        path = self.files[source].path
        fmt = self.formats[source]
        if key == ">error" and fmt is not None:
            return FileSearch.errors(path, fmt), "errors"
        query = query_of(key)
        level = Level(int(key.split("\x1f", 1)[0]))
        finder = self.filter_finder(source, LineFilter.build(query, level), query) \
            or FileSearch(path, parse_query(query), literal=_literal(query))
        return finder, repr(query)


def match_key(level: Level, query: str) -> str:
    """What n/N's hits are kept under: the filter's text and its level."""
    return f"{int(level)}\x1f{query}"


def query_of(key: str) -> str:
    """The filter text of a match search's key (`match_key`)."""
    return key.split("\x1f", 1)[-1]


def _literal(query: str) -> str:
    """The text a query looks for as typed ('' for a `/regex/`)."""
    return "" if len(query) >= 2 and query.startswith("/") and query.endswith("/") else query
