"""The view's levels from the file's format: each line gets its record's level.

A followed or read-back batch of `Line`s goes through `RecordLevels.assign`: a line the
format reads as a record head gets the level its format reads (glog's `E`, bunyan's 50,
journald's PRIORITY …), and the lines after it (a stack trace, a wrapped message) the same
level, so the level filter keeps or drops a record whole. Regex formats are matched a batch
at a time (C loops); a `text` file keeps the line-by-line reading of `levels.level_of`.
"""

from __future__ import annotations

from maintui.core.logs.format import Format
from maintui.core.logs.levels import Level
from maintui.core.logs.types import Line

_CACHE = 4096  # level-field texts remembered per file (a handful of words in practice)


class RecordLevels:
    """Per file: the format and the level of the record the last line belonged to."""

    __slots__ = ("fmt", "level", "_known")

    def __init__(self, fmt: Format) -> None:
        self.fmt = fmt
        self.level: Level | None = None  # of the open record; None: not known yet
        self._known: dict[str | None, Level | None] = {}

    def assign(self, lines: list[Line], *, fresh: bool = False) -> list[Line]:
        """`lines` with their record's level; `fresh`: they do not follow the last batch."""
        if self.fmt.kind == "text" or not lines:
            return lines
        level = None if fresh else self.level
        heads = self._heads([line.text for line in lines])
        out = []
        append, make = out.append, tuple.__new__  # a flood's hot path: no per-line _replace
        for line, head in zip(lines, heads, strict=True):
            if head is not _NOT_HEAD:
                level = head if head is not None else Level.NONE
            if level is None or (line[4] and line[3] is not None):
                # before the first head: the line's own reading; a Python traceback line:
                # levels.LevelTracker knows better
                append(line)
            else:
                append(make(Line, (line[0], line[1], line[2], level, line[4], line[5])))
        if not fresh:
            self.level = level
        return out

    def _heads(self, texts: list[str]) -> list[object]:
        """Per line: _NOT_HEAD, or the head's level (None when the head names none)."""
        fmt = self.fmt
        if fmt.kind != "regex":
            return [_level(p) if (p := fmt.parse(t)).start else _NOT_HEAD for t in texts]
        matches = list(map(fmt.patterns[0].match, texts))
        for pattern in fmt.patterns[1:]:
            matches = [m or pattern.match(t) for m, t in zip(matches, texts, strict=True)]
        field = fmt.level_field
        if not all(field in p.groupindex for p in fmt.patterns):
            return [_NOT_HEAD if m is None else self._read(m.groupdict().get(field))
                    for m in matches]
        read = self._read
        return [_NOT_HEAD if m is None else read(m[field]) for m in matches]

    def _read(self, raw: str | None) -> Level | None:
        known = self._known.get(raw, _NOT_HEAD)
        if known is not _NOT_HEAD:
            return known  # type: ignore[return-value]
        if raw is None:
            return self.fmt.default_level
        level = self.fmt.levels(raw) or None
        if len(self._known) < _CACHE:
            self._known[raw] = level
        return level


def _level(parsed: object) -> Level | None:
    return parsed.level  # type: ignore[attr-defined]


_NOT_HEAD = object()
