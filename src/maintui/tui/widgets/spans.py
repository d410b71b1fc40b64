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
from textual.strip import Strip

Piece = tuple[str, str | None]  # (text, style key): what a line shows, before styling


def _cells(pieces: Sequence[Piece]) -> list[tuple[str, str | None]] | None:
    """One (character, style key) per cell; None when a character is not one cell wide."""
    cells = [(ch, style) for text, style in pieces for ch in text]
    if cell_len("".join(ch for ch, _ in cells)) != len(cells):
        return None
    return cells


def changed_span(old: Sequence[Piece] | None, new: Sequence[Piece] | None,
                 width: int) -> tuple[int, int] | None:
    """The cells `[start, end)` in which two renderings of a line differ, within `width`;
    None when they look the same. Wide characters (or a missing side) give the whole line."""
    if old == new:
        return None
    a, b = _cells(old or ()), _cells(new or ())
    if old is None or new is None or a is None or b is None:
        return (0, width) if width > 0 else None
    # past either end the line is blank: pad both to the same length to compare
    size = max(len(a), len(b))
    a += [(" ", None)] * (size - len(a))
    b += [(" ", None)] * (size - len(b))
    start = next((i for i in range(size) if a[i] != b[i]), size)
    if start == size:
        return None
    end = next(i for i in range(size, start, -1) if a[i - 1] != b[i - 1])
    start, end = min(start, width), min(end, width)
    return (start, end) if end > start else None


def cut_at(strip: Strip, span: tuple[int, int] | None) -> Strip:
    """The same strip with segment breaks at the span's ends, so that a partial update of the
    span writes the span and no more (a simplified line is one or two segments)."""
    if span is None:
        return strip
    start, end = span
    cuts = [c for c in (start, end) if 0 < c < strip.cell_length]
    return Strip.join(strip.divide([*cuts, strip.cell_length])) if cuts else strip
