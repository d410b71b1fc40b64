"""`LogView`: a virtualised view over a sequence of log lines (only visible rows are drawn).

A row never takes more cells than the view is wide: a line cut at the right edge ends in
`…` (and starts with one when panned past its start, ← →: half the width a press), and a
character a terminal may draw at another width than measured is written out (`\\u200b`).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Container, Sequence
from itertools import islice
from operator import itemgetter

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from maintui.core.ansi import strip_ansi
from maintui.core.logs.format import Format
from maintui.core.logs.levels import Level
from maintui.core.logs.tail import CUT, Line
from maintui.tui import keys

_LEVEL_CLASS = {
    Level.DEBUG: "logview--debug",
    Level.INFO: "logview--info",
    Level.WARNING: "logview--warning",
    Level.ERROR: "logview--error",
    Level.CRITICAL: "logview--critical",
}


_SOURCE, _TEXT = itemgetter(0), itemgetter(2)  # Line fields, read by C loops
# Below this width a line's leading ISO time is shown compact (`12-05 06:04:21`, not
# `2026-12-05 06:04:21,915`): 9 more columns of the message at 80 columns.
COMPACT_BELOW = 100
_ISO_HEAD = re.compile(r"\d{4}-(\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?")


ELLIPSIS = "…"
_ODD = re.compile(r"[^ -~]")  # candidates (any but printable ASCII), kept if printable


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char.isprintable():
        return char
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """`text` (tabs expanded) with the characters no cell width can be trusted for written
    out: controls, format characters (zero-width space, bidi marks), private use, unassigned
    code points, separators but the space."""
    return text if text.isprintable() else _ODD.sub(_escape, text)


def widest(texts: list[str]) -> int:
    """The most cells any of `texts` takes as drawn (tabs at 4): C loops for ASCII."""
    most = max(map(len, texts), default=0)
    blob = "".join(texts)
    if blob.isascii() and "\t" not in blob:
        return most
    odd = (t for t in texts if "\t" in t or not t.isascii())
    return max(most, max((cell_len(printable(t.expandtabs(4))) for t in odd), default=0))


def fields_row(fmt: Format, text: str, compact: bool = False) -> str:
    """A JSON or logfmt line as lnav shows it: its time (`compact`: month-day and
    seconds), level and message; the raw line when the format does not read it."""
    parsed = fmt.parse(text)
    if not parsed.start:
        return text
    shape = "%m-%d %H:%M:%S " if compact else "%Y-%m-%d %H:%M:%S "
    stamp = " " * (15 if compact else 20) if parsed.time is None else \
        time.strftime(shape, time.localtime(parsed.time))
    level = f"{parsed.level.name:<8} " if parsed.level else " " * 9
    return f"{stamp}{level}{strip_ansi(parsed.message)}"  # a JSON "\u001b[32m" decoded


def cut_label(text: str) -> tuple[str, str] | None:
    """A line cut at `tail.MAX_LINE` bytes: (its text without the marker, the label drawn at
    the row's right edge, ` [cut: 2.0 MB line]`); None for a whole line."""
    found = CUT.search(text)
    if found is None:
        return None
    body = text[:found.start()]
    size = len(body.encode("utf-8", "replace")) + int(found[1])
    return body, f" [cut: {_human(size)} line]"


def _human(size: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000  # type: ignore[assignment]
    return f"{size} B"


def compact_time(text: str) -> str:
    """`text` with a leading ISO date and time shortened to month-day and seconds."""
    head = _ISO_HEAD.match(text)
    return f"{head[1]} {head[2]}{text[head.end():]}" if head else text


class LogView(ScrollView, can_focus=True):
    """Draws `lines[scroll_y : scroll_y + height]`; the lines live in the screen's model.

    Text goes out as plain Segments, never as markup, so a log line cannot style the
    screen. Scrolling is immediate (no animation) so following and pausing stay exact.
    """

    COMPONENT_CLASSES = {
        "logview--source", "logview--debug", "logview--info", "logview--warning",
        "logview--error", "logview--critical", "logview--traceback", "logview--context",
    }
    DEFAULT_CSS = """
    LogView { height: 1fr; }
    LogView > .logview--source { color: $text-muted; }
    LogView > .logview--debug { color: $text-muted; }
    LogView > .logview--warning { color: $warning; }
    LogView > .logview--error { color: $error; }
    LogView > .logview--critical { color: $error; text-style: bold reverse; }
    LogView > .logview--traceback { color: $error; text-style: italic; }
    LogView > .logview--context { color: $text-muted; text-style: dim; }
    """

    BINDINGS = keys.for_screen("log_view")

    class UserScrolled(Message):
        """The operator scrolled (keys or mouse): `up` towards older lines, or down."""

        def __init__(self, view: LogView, up: bool) -> None:
            super().__init__()
            self.view, self.up = view, up

        @property
        def control(self) -> LogView:
            return self.view

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.lines: Sequence[Line] = ()
        self.show_source = False
        self._source_width = 0
        self._width = 0
        self._styles: dict[str, Style] = {}
        self._base: Style | None = None  # the widget's own style, read once a frame
        self._cols: int | None = None  # the rows' width (not under the scrollbar): likewise
        # Drawn rows by (line, scroll_x, width, prefix): a flood repaints the same rows.
        self._strips: LRUCache[tuple[object, ...], Strip] = LRUCache(1024)
        self.marked: tuple[str, int] | None = None  # (source, offset): a jump's target line
        self.placeholder = ""  # shown on the first row while there are no lines (why not)
        # (source, offset) of lines shown as context, dimmed: a filter match's record head
        self.context: Container[tuple[str, int]] = ()
        # Sources whose lines are JSON or logfmt: drawn as time, level, message (`fields_row`)
        # unless `raw`; searching and filtering still read the line as written.
        self.fielded: dict[str, Format] = {}
        self.raw = False

    # -- content -----------------------------------------------------------------------

    def show(self, lines: Sequence[Line], show_source: bool, *, end: bool = True) -> None:
        """Display `lines` (kept by reference), scrolled to the end unless `end` is False."""
        self.lines, self.show_source = lines, show_source
        self._source_width = max((cell_len(line.source) for line in lines), default=0) + 1
        self._width = widest([line.text for line in lines])
        self._resize(end)

    def grew(self, new: int, *, end: bool) -> None:
        """`new` lines were appended to `lines` (older ones may have dropped off the front)."""
        if new:  # a deque: walk its end, never index into the middle
            lines = list(islice(reversed(self.lines), new))
            self._width = max(self._width, widest(list(map(_TEXT, lines))))
            if self.show_source:  # else `show` measures them when they are shown
                names = max(map(cell_len, set(map(_SOURCE, lines))), default=0) + 1  # C loops
                self._source_width = max(self._source_width, names)
        self._resize(end)

    def shifted(self, added: int) -> None:
        """`added` lines were put before the current ones: keep the same lines in view."""
        self.grew(0, end=False)
        self.scroll_to(y=self.scroll_y + added, animate=False, immediate=True)

    def top_line(self) -> Line | None:
        """The line on the top row, None with no lines. Read at the scroll position clamped
        to the lines: after they shrank (a filter) the position is the longer list's until
        the view has scrolled to the new end after the next refresh, and a key handled
        before that (Enter in a burst) would read past the end."""
        return self.lines[self.top_index()] if self.lines else None

    def top_index(self) -> int:
        """The index of the line on the top row (see `top_line`)."""
        return max(0, min(int(self.scroll_y), self.max_scroll_y, len(self.lines) - 1))

    def _resize(self, end: bool) -> None:
        prefix = self._source_width if self.show_source else 0
        self.virtual_size = Size(prefix + self._width, len(self.lines))
        if end:  # after the refresh: max_scroll_y is only right once the layout knows the size
            self.scroll_end(animate=False, x_axis=False)
        self.refresh()

    # -- drawing -----------------------------------------------------------------------

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()
        self._strips.clear()

    def render_lines(self, crop: Region) -> list[Strip]:
        # `rich_style` walks the ancestors' styles (~0.1 ms): once a frame, not once a row.
        self._base, self._cols = self.rich_style, self.scrollable_content_region.width
        try:
            return super().render_lines(crop)
        finally:
            self._base = self._cols = None

    def _style(self, name: str) -> Style:
        style = self._styles.get(name)
        if style is None:
            style = self._styles[name] = self.get_component_rich_style(name)
        return style

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.scrollable_content_region.width if self._cols is None else self._cols
        base = self.rich_style if self._base is None else self._base
        if index >= len(self.lines):
            if index == 0 and self.placeholder:
                text = set_cell_size(printable(self.placeholder), width)
                return Strip([Segment(text, self._style("logview--source"))], width)
            return Strip.blank(width, base)
        line = self.lines[index]
        prefix = self._source_width if self.show_source else 0
        marked = self.marked is not None and (line.source, line.offset) == self.marked
        context = (line.source, line.offset) in self.context
        key = (line, scroll_x, width, prefix, marked, context, self.raw)
        strip = self._strips.get(key)
        if strip is None:
            strip = self._draw(line, prefix, base, width < COMPACT_BELOW, scroll_x, width,
                               context)
            if marked:
                strip = strip.apply_style(Style(reverse=True))
            self._strips[key] = strip
        return strip

    def _draw(self, line: Line, prefix: int, base: Style, compact: bool, scroll_x: int,
              width: int, context: bool = False) -> Strip:
        """The row for `line`: its source (fixed), then its text's cells scroll_x .. on, in
        `width` cells; `…` where the text goes on past an edge. A context line is dimmed."""
        source = self._style("logview--source")
        if prefix >= width:
            return Strip([Segment(set_cell_size(line.source, width), source)], width)
        segments = []
        if prefix:
            name = line.source
            name = name.ljust(prefix) if name.isascii() else set_cell_size(name, prefix)
            segments.append(Segment(name, source))
        if context:
            style = self._style("logview--context")
        elif line.traceback:
            style = self._style("logview--traceback")
        else:
            level = line.level
            style = self._style(_LEVEL_CLASS[level]) if level else base
        text = line.text
        fmt = self.fielded.get(line.source) if not self.raw else None
        if fmt is not None:
            text = fields_row(fmt, text, compact)
        elif compact:
            text = compact_time(text)
        text = text.expandtabs(4)
        room = width - prefix
        label = cut_label(text) if text.endswith(" bytes]") else None
        if label is not None and cell_len(label[1]) < room:
            # a line cut at MAX_LINE: its first cells, the label pinned at the right edge
            body = self._draw(line._replace(text=label[0]), prefix, base, False, scroll_x,
                              width - cell_len(label[1]), context)
            return Strip.join([body, Strip([Segment(label[1], self._style("logview--source"))])])
        if text.isascii() and text.isprintable():
            # The common row (a flood draws ~20 new ones a frame): one cell a character,
            # cut and padded here, one Strip instead of three.
            cut = text[scroll_x : scroll_x + room]
            if len(text) > scroll_x + room:
                cut = cut[:-1] + ELLIPSIS
            if scroll_x and cut:
                cut = ELLIPSIS + cut[1:]
            if cut:
                segments.append(Segment(cut, style))
            if len(cut) < room:
                segments.append(Segment(" " * (room - len(cut)), base))
            return Strip(segments, width)
        return self._draw_cells(segments, text, style, base, scroll_x, width - prefix, prefix)

    @staticmethod
    def _draw_cells(segments: list[Segment], text: str, style: Style, base: Style,
                    scroll_x: int, room: int, prefix: int) -> Strip:
        """`_draw` for any text (wide, combining, odd characters): measured in cells."""
        body = Strip([Segment(printable(text), style)])
        total = body.cell_length
        shown = body.crop_extend(scroll_x, scroll_x + room, base)
        if total > scroll_x + room:
            shown = Strip.join([shown.crop(0, room - 1), Strip([Segment(ELLIPSIS, style)], 1)])
        if scroll_x and total > scroll_x:
            shown = Strip.join([Strip([Segment(ELLIPSIS, style)], 1), shown.crop(1, room)])
        return Strip.join([Strip(segments, prefix), shown]) if prefix else shown

    def set_fielded(self, fielded: dict[str, Format]) -> None:
        """The sources drawn as time, level, message (a file's format judged later too)."""
        if fielded != self.fielded:
            self.fielded = fielded
            self._strips.clear()
            self.refresh()

    def toggle_raw(self) -> None:
        """JSON and logfmt lines as written, or as time, level, message again."""
        self.raw = not self.raw
        self._strips.clear()
        self.refresh()

    def action_pan(self, step: int) -> None:
        """Scroll long lines by half the text's width (`less` does the same)."""
        room = self.scrollable_content_region.width - (
            self._source_width if self.show_source else 0)
        self.scroll_to(x=self.scroll_x + step * max(1, room // 2), animate=False,
                       immediate=True)

    # -- scrolling: immediate, and reported so the screen can pause or read back ----------

    def _user_scroll(self, scroll: Callable[..., object], up: bool, **options: object) -> None:
        scroll(animate=False, **options)
        self.post_message(self.UserScrolled(self, up))

    def action_scroll_up(self) -> None:
        self._user_scroll(self.scroll_up, True, immediate=True)

    def action_page_up(self) -> None:
        self._user_scroll(self.scroll_page_up, True)

    def action_scroll_home(self) -> None:
        self._user_scroll(self.scroll_home, True, immediate=True, x_axis=False)

    def action_scroll_down(self) -> None:
        self._user_scroll(self.scroll_down, False, immediate=True)

    def action_page_down(self) -> None:
        self._user_scroll(self.scroll_page_down, False)

    def action_scroll_end(self) -> None:
        self._user_scroll(self.scroll_end, False, immediate=True, x_axis=False)

    def _on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        super()._on_mouse_scroll_up(event)
        self.post_message(self.UserScrolled(self, True))

    def _on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        super()._on_mouse_scroll_down(event)
        self.post_message(self.UserScrolled(self, False))
