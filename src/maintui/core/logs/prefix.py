"""The shortest head of a format regex that decides a match: the rest always matches."""

from __future__ import annotations

import re


def _after_class(src: str, i: int) -> int:
    """The index just past the character class `[...]` that starts at `src[i]`."""
    n = len(src)
    i += 1
    if i < n and src[i] == "^":
        i += 1
    if i < n and src[i] == "]":  # a `]` first is a literal member
        i += 1
    while i < n and src[i] != "]":
        i += 2 if src[i] == "\\" else 1
    return i + 1


def head_prefix(pattern: re.Pattern[str], groups: tuple[str, ...]) -> re.Pattern[str]:
    """A pattern that matches where `pattern` does, with the same `groups`, but stops early.

    `pattern.match` on a line succeeds exactly when the prefix's does, with the same groups,
    when the cut-off rest can match the empty string and asserts nothing (then it succeeds at
    any position, so the engine never backtracks into the prefix). The prefix is the shortest
    run of top-level items that holds every one of `groups` and leaves such a rest; the pattern
    itself when there is none (a top-level `|`, say).
    """
    src = pattern.pattern
    cuts = _top_level_cuts(src)
    if cuts is None:
        return pattern
    for cut in cuts:
        head, rest = src[:cut], src[cut:]
        if not rest:
            return pattern
        if not all(f"(?P<{g}>" in head for g in groups if g in pattern.groupindex):
            continue
        if _asserts(rest):
            continue
        try:
            if re.compile(rest, pattern.flags).match("") is None:
                continue
            return re.compile(head, pattern.flags)
        except re.error:
            continue
    return pattern


def _top_level_cuts(src: str) -> list[int] | None:
    """Offsets between top-level items (quantifiers stay with their item); None on `|`."""
    cuts: list[int] = []
    depth, i, n = 0, 0, len(src)
    while i < n:
        c = src[i]
        if c == "\\":
            i += 2
        elif c == "[":
            i = _after_class(src, i)
        elif c == "(":
            depth += 1
            i += 1
            continue
        elif c == ")":
            depth -= 1
            i += 1
        elif c == "|" and depth == 0:
            return None
        else:
            i += 1
        if depth == 0:
            while i < n and src[i] in "*+?{":  # the quantifier belongs to the item
                if src[i] == "{":
                    close = src.find("}", i)
                    if close == -1:
                        return None
                    i = close + 1
                else:
                    i += 1
            cuts.append(i)
    return cuts


def _asserts(src: str) -> bool:
    """Whether `src` has anything whose success depends on the text around what it consumes.

    Anchors, word boundaries, lookarounds and back-references (outside character classes).
    """
    i, n = 0, len(src)
    while i < n:
        c = src[i]
        if c == "\\":
            if src[i + 1:i + 2] in ("b", "B", "A", "Z") or src[i + 1:i + 2].isdigit():
                return True
            i += 2
        elif c == "[":
            i = _after_class(src, i)
        elif c in "$^" or src.startswith(("(?=", "(?!", "(?<=", "(?<!", "(?P="), i):
            return True
        else:
            i += 1
    return False


def one_group(src: str, keep: str) -> str | None:
    """`src` with every group non-capturing but the one named `keep` (then unnamed); None
    when `src` anchors (`^`, `$`, `\\A`, `\\Z`) or refers back to a group: in a text of many
    lines such a pattern would not match as it does on one line alone."""
    out: list[str] = []
    i, n = 0, len(src)
    while i < n:
        c = src[i]
        if c == "\\":
            if src[i + 1:i + 2] in ("A", "Z") or src[i + 1:i + 2].isdigit():
                return None
            out.append(src[i:i + 2])
            i += 2
        elif c == "[":
            j = _after_class(src, i)
            out.append(src[i:j])
            i = j
        elif c in "$^" or src.startswith("(?P=", i):
            return None
        elif src.startswith("(?P<", i):
            end = src.index(">", i)
            out.append("(" if src[i + 4:end] == keep else "(?:")
            i = end + 1
        elif c == "(" and not src.startswith("(?", i):
            out.append("(?:")
            i += 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def closing_paren(src: str, i: int) -> int | None:
    """The index of the `)` that closes the group whose body starts at `src[i]`."""
    depth, n = 0, len(src)
    while i < n:
        c = src[i]
        if c == "\\":
            i += 2
            continue
        if c == "[":
            i = _after_class(src, i)
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            if depth == 0:
                return i
            depth -= 1
        i += 1
    return None


def group_body(src: str, name: str) -> str | None:
    """The text inside the group named `name` in pattern text `src`; None if there is none."""
    opening = f"(?P<{name}>"
    at = src.find(opening)
    if at == -1:
        return None
    start = at + len(opening)
    end = closing_paren(src, start)
    return None if end is None else src[start:end]
