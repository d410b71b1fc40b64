"""The view's levels from the file's format: each line gets its record's level.

A followed or read-back batch of `Line`s goes through `RecordLevels.assign`: a line the
format reads as a record head gets the level its format reads (glog's `E`, bunyan's 50,
journald's PRIORITY …), and the lines after it (a stack trace, a wrapped message) the same
level, so the level filter keeps or drops a record whole. Regex formats are matched a batch
at a time (C loops); a `text` file keeps the line-by-line reading of `levels.level_of`.
"""

from __future__ import annotations

import re
from itertools import repeat
from operator import itemgetter

from maintui.core.logs.format import Format
from maintui.core.logs.levels import Level
from maintui.core.logs.prefix import group_body, head_prefix, one_group
from maintui.core.logs.types import Line

_CACHE = 4096  # level-field texts remembered per file (a handful of words in practice)


class RecordLevels:
    """Per file: the format and the level of the record the last line belonged to."""

    __slots__ = ("fmt", "level", "_known", "_words")

    def __init__(self, fmt: Format) -> None:
        self.fmt = fmt
        self.level: Level | None = None  # of the open record; None: not known yet
        self._known: dict[str | None, Level | None] = {}
        self._words = _words_rx(fmt)

    def assign(self, lines: list[Line], *, fresh: bool = False) -> list[Line]:
        """`lines` with their record's level; `fresh`: they do not follow the last batch."""
        if self.fmt.kind == "text" or not lines:
            return lines
        if self._words is not None and len(lines) > 64:
            got = self._bulk(lines, fresh)
            if got is not None:
                return got
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

    def _bulk(self, lines: list[Line], fresh: bool) -> list[Line] | None:
        """`assign` for a flood: each line's level word found by one regex pass over the
        batch (`_words_rx`), carried down to the lines after it. None: the batch
        has a line this cannot judge (a traceback line the tracker read, lines before the
        file's first head): `assign` reads it line by line."""
        texts = list(map(_TEXT, lines))
        joined = "\n".join(texts)
        if "\x1b" in joined or "\r" in joined or any(map(_TRACED, lines)):
            return None  # Format.parse cleans such a line first; the tracker knows better
        levels = self.levels_of(texts, joined, fresh=fresh)
        if levels is None:
            return None
        rows = zip(map(_SOURCE, lines), map(_OFFSET, lines), texts, levels, map(_TRACED, lines),
                   map(_GENERATION, lines), strict=True)
        return list(map(tuple.__new__, repeat(Line), rows))

    def levels_of(self, texts: list[str], joined: str, *, fresh: bool = False) -> list[Level] | None:
        """The record level of each of `texts` (`joined` is "\\n".join(texts): clean text, no
        escape, no CR, no line a traceback tracker read), by one regex pass; advances the
        open record like `assign`. None: this cannot judge the batch (nothing advanced).
        A flood's reader (`tail`) builds its lines once with these."""
        if self._words is None:
            return None
        words = self._words.findall("\n" + joined)
        if len(words) != len(texts):  # a head's `\s` ran over a newline
            return None
        read, known = self._read, self._known
        for word in set(words).difference(known):
            if word:
                read(word)
        if not known.keys() >= set(words) - {""}:
            return None  # more level words than the cache holds
        levels = list(map({**known, "": _NOT_HEAD}.__getitem__, words))
        if None in levels:  # a head that names no level: its record has none
            levels = [Level.NONE if lv is None else lv for lv in levels]
        others, field = self.fmt.patterns[1:], self.fmt.level_field
        level, at = (None if fresh else self.level), -1
        for _ in range(words.count("")):  # C searches: lines that are not heads are few
            at = words.index("", at + 1)
            for pattern in others:  # a head only a later pattern reads
                if (found := pattern.match(texts[at])) is not None:
                    head = read(found.groupdict().get(field))
                    levels[at] = Level.NONE if head is None else head
                    break
            else:  # the record above goes on
                levels[at] = levels[at - 1] if at else level
        if levels[0] is None or levels[0] is _NOT_HEAD:
            return None  # lines before the file's first head keep their own reading
        if not fresh:
            self.level = levels[-1]
        return levels

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


def _words_rx(fmt: Format) -> re.Pattern[str] | None:
    """"\n", then optionally the head of `fmt`'s first pattern with its level field the only
    group: `findall` on a batch joined by newlines gives each line's level word ('' for a
    line that pattern does not read)."""
    if fmt.kind != "regex" or not fmt.patterns or \
            fmt.level_field not in fmt.patterns[0].groupindex:
        return None
    head = head_prefix(fmt.patterns[0], (fmt.level_field,))
    source = one_group(head.pattern, fmt.level_field)
    body = group_body(head.pattern, fmt.level_field)
    if source is None or body is None:
        return None
    try:
        if re.compile(body, head.flags).fullmatch("") is not None:
            return None  # an empty level word would read as "not a head"
        rx = re.compile(r"\n(?:" + source + ")?", head.flags)
    except re.error:
        return None
    return rx if rx.groups == 1 else None


_SOURCE, _OFFSET, _TEXT, _TRACED, _GENERATION = map(itemgetter, (0, 1, 2, 4, 5))


def _level(parsed: object) -> Level | None:
    return parsed.level  # type: ignore[attr-defined]


_NOT_HEAD = object()
