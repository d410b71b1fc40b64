"""Message → template: the variable parts of a log message become placeholders, so lines that
differ only in numbers, ids, addresses, paths, durations, times or thread and process names
share one template and count as one group.

    template("Connection to 10.0.0.7:5432 timed out after 3000ms (attempt 4)")
        == "Connection to <ip> timed out after <dur> (attempt <num>)"

Rules, not a learned model: they need no warm-up, give the same template to the same line in
every process, and cost a few microseconds a line. Measured against loghub's published
templates in bench/logs_formats.py (numbers in docs/logs.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

LIMIT = 300  # characters of a message that decide its template (a template is a short key)

_HEX = r"[0-9a-fA-F]"
# One pass, alternatives tried left to right at each position: the longer shapes first, so
# an IP is not read as four numbers, nor a time as three.
_VARIABLE = re.compile(
    "|".join(f"(?P<{name}>{rx})" for name, rx in (
        ("url", r"\b[a-zA-Z][\w+.-]*://[^\s\"'<>]+"),
        ("uuid", rf"\b{_HEX}{{8}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{12}}\b"),
        ("time", r"\b\d{4}[-/.]\d\d[-/.]\d\d(?:[T _-]\d\d[:.]\d\d(?:[:.]\d\d)?(?:[.,]\d+)?"
                 r"(?:Z|[+-]\d\d:?\d\d)?)?\b"
                 r"|\b(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun),? )?"
                 r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +\d{1,2},? (?:\d{4} )?"
                 r"\d\d:\d\d:\d\d(?:[.,]\d+)?(?: \d{4})?\b"
                 r"|\b\d\d:\d\d:\d\d(?:[.,]\d+)?\b"),
        ("mac", rf"\b{_HEX}{{2}}(?::{_HEX}{{2}}){{5}}\b"),
        ("ip", r"(?<![\w.])/?\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?(?![\w.])"
               rf"|(?<![\w:])(?:{_HEX}{{0,4}}:){{2,7}}{_HEX}{{1,4}}(?![\w:])"
               r"|\b[a-zA-Z][\w-]*(?:\.[\w-]+)+:\d{1,5}\b"),  # host:port too
        ("email", r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b"),
        ("path", r"(?<![\w/.])(?:[A-Za-z]:)?(?:[/\\][\w.@+$~-]+){2,}[/\\]?"),
        ("hex", rf"\b0[xX]{_HEX}+\b|\b(?=[a-fA-F]*\d)(?=\d*[a-fA-F]){_HEX}{{6,}}\b"),
        ("dur", r"\b\d+(?:\.\d+)?\s?(?:ns|us|µs|ms|msecs?|s|secs?|seconds?|mins?|minutes?|h|"
                r"hours?|days?)\b"),
        ("size", r"\b\d+(?:\.\d+)?\s?(?:[KMGTP]i?B|[kKMGT]|bytes?|B)\b"),
        # ("quoted", r"'[^'\n]{0,200}'|\"[^\"\n]{0,200}\""),
        ("empty", r"\(\)|\[\]"),
        ("num", r"(?<![A-Za-z])[-+]?\d+(?:[.,]\d+)*"),
    )))
# A token still mixing letters and digits (user42, pool-1-thread-3, blk_-69522, v6.1.76)
# after the pass above: the whole token is one variable.
_MIXED = re.compile(r"[\w.$:-]*<\*>[\w.$<>*:-]*|[A-Za-z_][\w.$-]*\d[\w.$-]*")
_KEYVALUE = re.compile(r"\b([A-Za-z_][\w.-]*)=(?!<)([^\s,;&)\]]+)")
# "<*> (<*>)", "<*>.<*>", "<*>, <*>": one variable written in several parts
_RUNS = re.compile(r"<\*>(?:\s*\(<\*>\)|[\s.,:/_#-]+<\*>)+")
_SPACES = re.compile(r"\s+")
_FIXED = re.compile(r"[:=]$|^\W*[A-Z]{2,}\W*$")


def _placeholder(found: re.Match[str]) -> str:
    if found.lastgroup in ("quoted", "empty"):
        return found.group()[0] + "<*>" + found.group()[-1]
    return "<*>"


@lru_cache(maxsize=8192)
def template(message: str) -> str:
    """The message's template: variables replaced by `<num>`, `<ip>`, `<path>`, `<*>` …"""
    text = _VARIABLE.sub(_placeholder, message[:LIMIT])
    text = _KEYVALUE.sub(r"\1=<*>", text)
    text = _MIXED.sub(_mixed, text)
    text = _RUNS.sub("<*>", text)
    return _SPACES.sub(" ", text).strip()


def _mixed(found: re.Match[str]) -> str:
    return "<*>"


# Every digit read as 1, but the 0 of `0x`/`0X`: no rule above tells one digit from another
# (`\d`, `\w`, hex classes) but that `0x` opens a hex number, so messages whose first `LIMIT`
# characters differ only in such digits take the same decisions and, where the template kept
# none of those digits, get the same template: one key for "order 40 failed" and "order 97
# failed". (0xFF is never in UTF-8: the kept 0 cannot be mistaken for a character.)
_FOLD = bytes.maketrans(b"0123456789", b"1111111111")
_KEPT_DIGIT = re.compile(r"[0-9]")
_SHAPES_MAX = 8192  # keys kept (≤ 300 characters each, like `template`'s cache)
_SHAPES: dict[bytes, str] = {}


def shape_template(message: str) -> str:
    """`template(message)`, looked up by the message's shape (its digits read as 1, but the 0
    of `0x`): a log's error messages differ mostly in their numbers, and `template` costs
    ~20 µs where the shape's key costs ~0.4. Equal to `template` on every message
    (tests/core/logs/test_scan_fast.py: the shared logs, generated messages, in either
    order)."""
    raw = message[:LIMIT].encode("utf-8", "surrogatepass")
    if b"0x" in raw or b"0X" in raw:
        raw = raw.replace(b"0x", b"\xffx").replace(b"0X", b"\xffX")
    key = raw.translate(_FOLD)
    got = _SHAPES.get(key)
    if got is None:
        got = template(message)
        # A template that kept a digit holds the message's own: not the shape's.
        if _KEPT_DIGIT.search(got) is None:
            if len(_SHAPES) >= _SHAPES_MAX:  # bounded: start again
                _SHAPES.clear()
            _SHAPES[key] = got
    return got


@dataclass(slots=True)
class Group:
    """Lines of one template: `template` widens as words that vary are found (`<*>`)."""

    id: int
    template: str
    count: int = 0


class Templates:
    """Messages grouped by template as they come, in one pass and bounded memory.

    The rules above first; then a template that differs from a known one of the same length
    and first word in a few words only (user names, host names: words the rules cannot
    tell from prose) joins it, and those words become `<*>` (the idea of Drain, He et al.
    2017, with its tree cut to one level). `similarity` is the share of words that must agree.
    Past `max_groups` groups a new template is counted in a group that is not kept.
    """

    __slots__ = ("similarity", "max_groups", "groups", "_exact", "_buckets")

    def __init__(self, similarity: float = 0.8, max_groups: int = 5000) -> None:
        self.similarity = similarity
        self.max_groups = max_groups
        self.groups: list[Group] = []
        self._exact: dict[str, Group] = {}
        self._buckets: dict[tuple[int, str], list[tuple[list[str], Group]]] = {}

    def add(self, message: str) -> Group:
        """The group of `message`, with its count raised by one."""
        return self.add_template(shape_template(message))

    def add_template(self, masked: str) -> Group:
        """The group of a message whose `template` is `masked` (made elsewhere, e.g. by a
        worker process), with its count raised by one: `add` without the templating."""
        group = self._exact.get(masked)
        if group is None:
            group = self._place(masked)
        group.count += 1
        return group

    def peek(self, message: str) -> Group:
        """The group `message` would join, without counting it (a new template: a loose one)."""
        masked = template(message)
        group = self._exact.get(masked)
        if group is not None:
            return group
        words = masked.split(" ")
        for known, group in self._buckets.get((len(words), words[0]), []):
            if _agreement(known, words) >= self.similarity:
                return group
        return Group(-1, masked)

    def _place(self, masked: str) -> Group:
        words = masked.split(" ")
        key = (len(words), words[0])
        bucket = self._buckets.setdefault(key, [])
        best, best_score = None, self.similarity
        for known, group in bucket:
            score = _agreement(known, words)
            if score >= best_score:
                best, best_score = (known, group), score
        if best is not None:
            known, group = best
            for i, (a, b) in enumerate(zip(known, words, strict=True)):
                if a != b:
                    known[i] = "<*>"
            group.template = " ".join(known)
        elif len(self.groups) >= self.max_groups:
            return Group(-1, masked)
        else:
            group = Group(len(self.groups), masked)
            self.groups.append(group)
            bucket.append((words, group))
        if len(self._exact) < 8 * self.max_groups:
            self._exact[masked] = group
        return group


def _agreement(known: list[str], words: list[str]) -> float:
    same = 0
    for a, b in zip(known, words, strict=True):
        if a == b or a == "<*>":
            same += 1
        elif _FIXED.search(a) or _FIXED.search(b):
            return 0.0  # a key ("memory:") or a code word ("GET", "ERROR") is never a value
    return same / len(words)
