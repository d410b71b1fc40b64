"""A block of lines split at C speed into plain records to count and the rest to read.

Most lines of a busy log are single-line records of a quiet level (INFO, WARN, DEBUG).
`BulkHeads` finds them in a whole block of text with one regex pass (`re.findall`, one string
per line, no match objects): the format's first pattern cut to its head
(`prefix.head_prefix`), its time held to the one fixed-width ISO layout of the file's first
head and its level to the quiet words seen there. A quiet head followed by another is a
whole record of one line: it is only counted (per level, and the least and greatest time).
Every other line (errors, stack traces, lines of another shape, and the head above each of
them) is handed back in order for `Summary` to read as before, so the results are the same as
reading line by line (`tests/core/logs/test_scan_fast.py`).

Only built-in formats whose first pattern has this shape are read this way (the conditions in
`of` are what makes the cut-down pattern match exactly the lines, times and levels the whole
one would; today that is `java`); other formats, and blocks with CR or colour escapes, are
read as before.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence

from maintui.core.logs import stamps
from maintui.core.logs.format import Format
from maintui.core.logs.levels import Level
from maintui.core.logs.prefix import _after_class, closing_paren, head_prefix

_DIGITS = str.maketrans("123456789", "000000000")
# Fixed-width ISO times with no offset but Z: their text order is their time order.
_ISO_LAYOUT = re.compile(r"0000[-/.]?00[-/.]?00[T _-]?00:?00:?00(?:[.,]0+)?Z?")
_WORDS = re.compile(r"[\w|()?:]+")  # a level group that is an alternation of words
# What may stand between the time and the level: it can match no letter.
_BETWEEN = re.compile(r"(?:\\s|\\\]|\\\[|\(\?:|[)?*+ \-])*")
WORDS_MAX = 8

# lines, records counted per level, least and greatest time text, the other lines in order
Split = tuple[int, dict[Level, int], str, str, list[str]]


class BulkHeads:
    """One file's quiet heads found and counted a block at a time."""

    def __init__(self, words: dict[str, Level], width: int, rx: re.Pattern[str], clock: str,
                 since: float | None, fmt_name: str = "") -> None:
        self.fmt_name = fmt_name  # a built-in format's name (this object goes to workers)
        self.words = words  # level text → level, of the records counted in bulk
        self.width = width  # of the time text at the start of each capture
        self._rx = rx  # "\n", then optionally a quiet head: time … level word captured
        self.clock = clock  # the format's time shape (a name: this object goes to workers)
        self.since = since  # a block with heads on both sides of it is read as before

    @classmethod
    def of(cls, fmt: Format, builtin: Sequence[Format], sample: list[str],
           since: float | None = None) -> BulkHeads | None:
        """For `fmt` (one of `builtin`) when `sample`, a file's first lines, starts with a
        head of a fixed-width ISO time and has quiet level words; else None."""
        if fmt not in builtin or fmt.kind != "regex" or not fmt.patterns:
            return None
        first = fmt.patterns[0]
        if not {"time", fmt.level_field} <= set(first.groupindex) or fmt.clock not in (
                "iso", "auto"):
            return None
        head = head_prefix(first, ("time", fmt.level_field))
        words: dict[str, Level] = {}
        layout = None
        for line in sample:
            found = head.match(line)
            if found is None or not found["time"] or not found[fmt.level_field]:
                continue
            layout = layout or found["time"].translate(_DIGITS)
            word = found[fmt.level_field]
            level = fmt.levels(word) or None
            if (word not in words and level is not None and level < Level.ERROR
                    and word.isalpha() and word.isascii() and len(word) > 1
                    and len(words) < WORDS_MAX
                    and not any(word in w or w in word for w in words)):
                words[word] = level  # (WARN and WARNING: the first seen is counted here)
        if layout is None or not words or _ISO_LAYOUT.fullmatch(layout) is None:
            return None
        if not layout.endswith("Z") and time.daylight:
            return None  # a local time may repeat an hour: text order is not time order
        if re.search(r"[A-Za-z]{2}", layout):
            return None  # a word must be found in the captures only where it is the level
        source = _cut(head.pattern, fmt.level_field, layout, list(words))
        if source is None:
            return None
        try:
            rx = re.compile(r"\n(?:" + source + ")?", head.flags)
        except re.error:
            return None
        return cls(words, len(layout), rx, fmt.clock, since, fmt.name) if rx.groups == 1 \
            else None

    def split(self, block: str) -> Split | None:
        """`block` (whole lines joined by "\\n"): its lines, the records counted per level,
        the least and greatest time text of those, and the other lines in order; None: read
        it all as before (as when the window's start falls among those times). The block's
        last line is always handed back (the next block may continue its record)."""
        caps = self._rx.findall("\n" + block)
        n = len(caps)
        if n != block.count("\n") + 1:  # a head's `\s` ran over a newline
            return None
        holes = caps.count("")
        if holes > n // 2:  # mostly other lines: not worth it
            return None
        kept: set[int] = {n - 1}
        at = -1
        for _ in range(holes):  # C searches: holes are few
            at = caps.index("", at + 1)
            kept.add(at)
            if at:
                kept.add(at - 1)
        for k in kept:
            caps[k] = ""
        joined = "".join(caps)
        counts: dict[Level, int] = {}
        for word, level in self.words.items():
            counts[level] = counts.get(level, 0) + joined.count(word)
        top = max(caps)
        if not top:
            return None
        for k in kept:
            caps[k] = top
        low, top = min(caps)[:self.width], top[:self.width]
        parse = stamps.parser(self.clock)
        t0, t1 = parse(low), parse(top)
        if t0 is None or t1 is None or (self.since is not None and t0 < self.since <= t1):
            return None
        lines = block.split("\n")
        return n, counts, low, top, [lines[k] for k in sorted(kept)]


def _cut(src: str, level_field: str, layout: str, words: list[str]) -> str | None:
    """`src` with one capturing group from the time to the level, its time held to `layout`
    and its level to `words`; None when `src` is not of that shape."""
    spans = {}
    for name in ("time", level_field):
        opening = f"(?P<{name}>"
        if src.count(opening) != 1:
            return None
        start = src.index(opening)
        close = closing_paren(src, start + len(opening))
        if close is None:
            return None
        spans[name] = (start, start + len(opening), close)
    (t0, _tb, t1), (l0, lb, l1) = spans["time"], spans[level_field]
    between = src[t1 + 1:l0]
    if not t1 < l0 or _BETWEEN.fullmatch(between) is None:
        return None
    level_body = src[lb:l1]
    if _WORDS.fullmatch(level_body) is None:
        return None
    body = re.compile(level_body)
    if body.fullmatch("") is not None:
        return None
    for word in words:  # the group could stop short of the word: another level read
        if any(body.fullmatch(word[:k]) for k in range(1, len(word))):
            return None
    if any(_captures(part) for part in (src[:t0], src[l1 + 1:])):
        return None
    time_rx = "".join("[0-9]" if c == "0" else re.escape(c) for c in layout)
    return (src[:t0] + "(" + time_rx + between + "(?:" + "|".join(words) + r")(?!\w))"
            + src[l1 + 1:])


def _captures(part: str) -> bool:
    """Whether `part` of a pattern opens a capturing group or refers back to one."""
    i, n = 0, len(part)
    while i < n:
        c = part[i]
        if c == "\\":
            if i + 1 < n and part[i + 1].isdigit():
                return True
            i += 2
        elif c == "[":
            i = _after_class(part, i)
        elif c == "(":
            if not part.startswith("(?", i) or part.startswith(("(?P<", "(?P="), i):
                return True
            i += 1
        else:
            i += 1
    return False


