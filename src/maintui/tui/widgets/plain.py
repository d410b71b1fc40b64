"""A line widget's content rows drawn as Textual's styles cache draws them, without it.

Textual draws every widget line through its styles cache (`StylesCache.render_line`): it
works out borders, padding, outline, hatch, tint and opacity afresh for each line, and the
title's style for each call. A gauge or process row that changed costs 36-58 µs there
(8-12 µs here), ~11 of them a sample on an idle dashboard. A line widget whose look is
plain (no padding, outline, hatch, tint, opacity or text opacity; a border at most, drawn
from its sides) gets the same strip here from its content line, its side edges (made once
per look) and the app's line filters (so NO_COLOR and ANSI themes apply as before). Any
other look, and the border's top and bottom rows, go through Textual's own path.
"""

from __future__ import annotations

from weakref import WeakKeyDictionary

from rich.segment import Segment
from textual._border import get_box
from textual.geometry import Region, Size
from textual.strip import Strip
from textual.style import Style
from textual.widget import Widget

Frame = tuple  # (size, gutter, content size, background, left edge, right edge, inner style)
# per widget: (its size and styles' update count, its frame or None when not plain)
_FRAMES: WeakKeyDictionary[Widget, tuple[tuple, Frame | None]] = WeakKeyDictionary()


def forget(widget: Widget) -> None:
    """The widget was restyled (CSS, theme, focus, an ancestor's classes: Textual calls
    `notify_style_update` on every node it restyles, which is how an ancestor's new
    background reaches here): work its frame out again."""
    _FRAMES.pop(widget, None)


def _plain(widget: Widget) -> bool:
    """Whether the styles cache would draw a content row as content plus side edges only."""
    styles = widget.styles
    return not widget.BLANK and not any(styles.padding) \
        and not any(edge for edge, _ in styles.outline) \
        and not styles.tint.a and styles.text_opacity == 1.0 \
        and not (styles.has_rule("hatch") and styles.hatch != "none") \
        and widget.opacity == 1.0


def _frame(widget: Widget, size: Size) -> Frame | None:
    """What a content row is drawn with, as `StylesCache.render_line` makes it: the side
    edges of the border, the inner (background) style; None when the look is not plain."""
    if not _plain(widget):
        return None
    styles = widget.styles
    base, background = widget.background_colors
    (_, _), (right, right_color), (_, _), (left, left_color) = styles.border
    inner, outer = Style(background=base + background), Style(background=base)
    left_edge = get_box(left, inner, outer, Style(foreground=base + left_color))[1][0] \
        if left else None
    right_edge = get_box(right, inner, outer, Style(foreground=base + right_color))[1][2] \
        if right else None
    gutter = styles.gutter
    return (size, gutter, size - gutter.totals, background, left_edge, right_edge,
            inner.rich_style)


def plain_lines(widget: Widget, crop: Region) -> list[Strip] | None:
    """`widget.render_lines(crop)` without the styles cache, the same strips; None when the
    widget's look or the crop's rows (a border's top or bottom) need Textual's own path."""
    size = widget.region.size
    key = (size, widget.styles._cache_key)  # its own rules, CSS or inline, and its size
    kept = _FRAMES.get(widget)
    if kept is None or kept[0] != key:
        kept = _FRAMES[widget] = (key, _frame(widget, size))
    frame = kept[1]
    if frame is None or (widget.auto_links and widget.hover_style._link_id):
        return None
    _, gutter, (content_width, content_height), background, left, right, inner = frame
    width, height = size
    if crop.y < gutter.top or crop.bottom > height - gutter.bottom:
        return None
    filters = widget.get_line_filters()
    render_line = widget.render_line
    strips = []
    for y in crop.line_range:
        row = y - gutter.top
        line = render_line(row) if row < content_height else Strip.blank(content_width, inner)
        short = content_width - line.cell_length
        if short < 0:  # as Textual: cut to the content's width
            line, short = line.adjust_cell_length(content_width, inner), 0
        # the segments `adjust_cell_length` and the side edges make, in one list
        segments = [left] if left is not None else []
        segments += line
        if short:
            segments.append(Segment(" " * short, inner))
        if right is not None:
            segments.append(right)
        for line_filter in filters:
            segments = line_filter.apply(segments, background)
        strips.append(Strip(segments, width))
    if crop.column_span != (0, width):
        x1, x2 = crop.column_span
        strips = [strip.crop(x1, x2) for strip in strips]
    return strips
