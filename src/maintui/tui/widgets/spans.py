"""Which cells of a line changed: a line widget repaints that span, not the whole line.

Textual's partial update writes whole segments (from the one holding the first dirty cell to
the one holding the last), so a strip is also cut at the span's ends before it is drawn.

Over a slow link every repainted cell costs its bytes (a bar is 3 bytes of UTF-8, a style
change ~20): a gauge whose text moved from `8%` to `23%` repaints three cells, and a
sparkline that grew by one bar repaints one.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

Piece = tuple[str, str | None]  # (text, style key): what a line shows, before styling


_CODES: dict[str | None, str] = {None: " "}  # a style key as one character, for comparing


def _code(style: str | None) -> str:
    if style not in _CODES:
        _CODES[style] = chr(0xE000 + len(_CODES))  # private use: never mistaken for text
    return _CODES[style]


def _cells(pieces: Sequence[Piece]) -> tuple[str, str] | None:
    """The line's text and its style keys, one character a cell for each; None when a
    character is not one cell wide."""
    text = "".join(t for t, _ in pieces)
    if not text.isascii() and cell_len(text) != len(text):
        return None
    return text, "".join(_code(style) * len(t) for t, style in pieces)


def _first_difference(a: str, b: str) -> int:
    """Where two strings of one length first differ (their length when they do not): a
    binary search of slices, compared in C rather than character by character here."""
    lo, hi = 0, len(a)
    while lo < hi:
        mid = (lo + hi) // 2
        if a[lo: mid + 1] == b[lo: mid + 1]:
            lo = mid + 1
        else:
            hi = mid
    return lo


def _piecewise(old: Sequence[Piece], new: Sequence[Piece]) -> tuple[int, int] | None:
    """`changed_span` of two lines whose pieces have the same styles and lengths (a value
    that changed in place: the usual gauge or process row), from the pieces that differ
    alone, without joining both lines' cells; ValueError when they are not such lines."""
    start = end = None
    x = 0
    for (text_a, style_a), (text_b, style_b) in zip(old, new, strict=True):
        size = len(text_a)
        if style_a != style_b or size != len(text_b) \
                or not (text_a.isascii() or cell_len(text_a) == size):
            raise ValueError("not the same shape")
        if text_a != text_b:
            if not text_b.isascii() and cell_len(text_b) != size:
                raise ValueError("a wide character")
            if start is None:
                start = x + _first_difference(text_a, text_b)
            end = x + size - _first_difference(text_a[::-1], text_b[::-1])
        x += size
    return None if start is None or end is None else (start, end)


def changed_span(old: Sequence[Piece] | None, new: Sequence[Piece] | None,
                 width: int) -> tuple[int, int] | None:
    """The cells `[start, end)` in which two renderings of a line differ, within `width`;
    None when they look the same. Wide characters (or a missing side) give the whole line."""
    if old == new:
        return None
    if old is not None and new is not None and len(old) == len(new):
        try:
            span = _piecewise(old, new)
        except ValueError:
            pass
        else:
            if span is None:
                return None
            start, end = min(span[0], width), min(span[1], width)
            return (start, end) if end > start else None
    return _changed_cells(old, new, width)


def _changed_cells(old: Sequence[Piece] | None, new: Sequence[Piece] | None,
                   width: int) -> tuple[int, int] | None:
    """`changed_span` cell by cell: both lines' text and style keys joined and compared."""
    a, b = _cells(old or ()), _cells(new or ())
    if old is None or new is None or a is None or b is None:
        return (0, width) if width > 0 else None
    # past either end the line is blank: pad both to the same length to compare
    size = max(len(a[0]), len(b[0]))
    text_a, styles_a = (part.ljust(size) for part in a)
    text_b, styles_b = (part.ljust(size) for part in b)
    start = min(_first_difference(text_a, text_b), _first_difference(styles_a, styles_b))
    if start == size:
        return None
    end = size - min(_first_difference(text_a[::-1], text_b[::-1]),
                     _first_difference(styles_a[::-1], styles_b[::-1]))
    start, end = min(start, width), min(end, width)
    return (start, end) if end > start else None


def line_strip(runs: Sequence[tuple[str, Style]], span: tuple[int, int] | None) -> Strip:
    """One strip for a line of styled text: neighbours of one style joined (each run of a
    style costs an SGR on the wire), with segment breaks at the span's ends, so that a
    partial update of the span writes the span and no more. Built in one pass, the same
    segments as a simplified strip divided at the span and joined, without the four
    strips between (a line widget draws a few of these every sample)."""
    merged: list[list] = []  # [text, style]
    for text, style in runs:
        if not text:
            continue
        if merged and merged[-1][1] == style:
            merged[-1][0] += text
        else:
            merged.append([text, style])
    width = sum(cell_len(text) for text, _ in merged)
    cuts = [c for c in span if 0 < c < width] if span else []
    segments: list[Segment] = []
    x = 0
    for text, style in merged:
        size = cell_len(text)
        for cut in cuts:
            if x < cut < x + size:  # split this run at the cut (at most twice)
                head, rest = Segment(text, style).split_cells(cut - x)
                segments.append(head)
                text = rest.text
                size -= cut - x
                x = cut
        segments.append(Segment(text, style))
        x += size
    return Strip(segments, width)


def clip(text: str, width: int) -> str:
    """`text` in `width` columns; a cut one ends in `…` so the operator sees it was cut."""
    return text if len(text) <= width else text[: max(0, width - 1)] + "…" if width > 0 else ""
