"""The grep pass's tests as POSIX ERE beside the same tests as Python regexes: a quiet record
head (`Pattern`) and a span of fixed-layout time texts (`span`), with classes never wider than
Python's, so a line grep selects is one `BulkHeads` selects (`core/logs/greppass.py`)."""

from __future__ import annotations

import re

from maintui.core.logs.bulk import BulkHeads

_SPECIAL = set(".[]()*+?{}|^$\\")


class Pattern:
    """The quiet-head test as a POSIX ERE for grep and the same test as a Python regex."""

    def __init__(self, parts: tuple[tuple[str, str], ...], words: list[str]) -> None:
        self.before, self.between, self.after = parts  # (ere, python) each
        self.words = words

    @classmethod
    def of(cls, bulk: BulkHeads, layout: str) -> Pattern | None:
        """From `bulk`'s regex, whose time holds to `layout`; None for an unknown shape."""
        src = bulk._rx.pattern  # "\n(?:" head ")?"
        if not (src.startswith("\\n(?:") and src.endswith(")?")):
            return None
        src = src[5:-2]
        time_rx = "(" + "".join("[0-9]" if c == "0" else re.escape(c) for c in layout)
        words = list(bulk.words)
        word_rx = "(?:" + "|".join(words) + r")(?!\w))"
        if src.count(time_rx) != 1 or src.count(word_rx) != 1:
            return None
        before, rest = src.split(time_rx)
        between, after = rest.split(word_rx)
        if not after.startswith(r"\s"):  # what drops the lookahead: a space must follow
            return None
        parts = tuple(_translate(p) for p in (before, between, after))
        if any(p is None for p in parts):
            return None
        return cls(parts, words)  # type: ignore[arg-type]

    def ere(self, times: str, words: list[str]) -> str:
        return ("^" + self.before[0] + times + self.between[0] + "(" + "|".join(words) + ")"
                + self.after[0])

    def python(self, times: str) -> re.Pattern[str]:
        """The time (group 1) and word (group 2) of a line grep calls quiet (one per line)."""
        times = times.replace("(", "(?:")  # `span`'s groups: ERE has no other kind
        return re.compile("^" + self.before[1] + "(" + times + ")" + self.between[1] + "("
                          + "|".join(self.words) + ")" + self.after[1], re.M)


def _lit(c: str) -> tuple[str, str]:
    if c == "]":
        return "[]]", r"\]"
    return ("\\" + c if c in _SPECIAL else c), re.escape(c)


def _translate(src: str) -> tuple[str, str] | None:
    """`src` (part of a pattern `BulkHeads` made) as (ERE, Python) of the same or a smaller
    language over ASCII lines; None for a part it does not know."""
    ere, py, i = [], [], 0
    while i < len(src):
        c = src[i]
        if c == "\\":
            nxt = src[i + 1:i + 2]
            if nxt == "s":
                ere.append("[ \t]")
                py.append("[ \t]")
            elif nxt == "d":
                ere.append("[0-9]")
                py.append("[0-9]")
            elif nxt and not nxt.isalnum():
                e, p = _lit(nxt)
                ere.append(e)
                py.append(p)
            else:
                return None
            i += 2
        elif src.startswith("[0-9]", i):
            ere.append("[0-9]")
            py.append("[0-9]")
            i += 5
        elif src.startswith("(?:", i):
            ere.append("(")
            py.append("(?:")
            i += 3
        elif c in ")|?*+":
            ere.append(c)
            py.append(c)
            i += 1
        elif c.isascii() and (c.isalnum() or c in " :,-_/=@#%&'\"<>~`!;"):
            e, p = _lit(c)
            ere.append(e)
            py.append(p)
            i += 1
        else:
            return None
    return "".join(ere), "".join(py)


def span(lo: str, hi: str) -> str:
    """A regex (ERE and Python alike) for the texts of `lo`'s layout from `lo` to `hi`,
    compared as text (`lo` <= `hi`)."""
    if not lo:
        return ""
    a, b = lo[0], hi[0]
    if a == b:
        return (a if a.isdigit() else _sep(a)) + span(lo[1:], hi[1:])
    alts = [a + _at_least(lo[1:]), b + _at_most(hi[1:])]
    if int(b) - int(a) > 1:
        alts.append(f"[{chr(ord(a) + 1)}-{chr(ord(b) - 1)}]" + any_time(lo[1:]))
    return "(" + "|".join(alts) + ")"


def any_time(s: str) -> str:
    return "".join("[0-9]" if c.isdigit() else _sep(c) for c in s)


def _sep(c: str) -> str:
    """A separator of a time layout, the same in ERE and Python."""
    return "[" + c + "]" if c in ".-" else c  # digits apart: - : , . T Z / space


def _at_least(s: str) -> str:
    if not s:
        return ""
    c = s[0]
    if not c.isdigit():
        return _sep(c) + _at_least(s[1:])
    alts = [c + _at_least(s[1:])]
    if c < "9":
        alts.append(f"[{chr(ord(c) + 1)}-9]" + any_time(s[1:]))
    return alts[0] if len(alts) == 1 else "(" + "|".join(alts) + ")"


def _at_most(s: str) -> str:
    if not s:
        return ""
    c = s[0]
    if not c.isdigit():
        return _sep(c) + _at_most(s[1:])
    alts = [c + _at_most(s[1:])]
    if c > "0":
        alts.append(f"[0-{chr(ord(c) - 1)}]" + any_time(s[1:]))
    return alts[0] if len(alts) == 1 else "(" + "|".join(alts) + ")"
