"""`LogView`: a virtualised view over a sequence of log lines (only visible rows are drawn)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from itertools import islice
from operator import itemgetter

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from maintui.core.logs.levels import Level
from maintui.core.logs.tail import Line

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
        "logview--error", "logview--critical", "logview--traceback",
    }
    DEFAULT_CSS = """
    LogView { height: 1fr; }
    LogView > .logview--source { color: $text-muted; }
    LogView > .logview--debug { color: $text-muted; }
    LogView > .logview--warning { color: $warning; }
    LogView > .logview--error { color: $error; }
    LogView > .logview--critical { color: $error; text-style: bold reverse; }
    LogView > .logview--traceback { color: $error; text-style: italic; }
    """

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
        # Drawn rows by (line, scroll_x, width, prefix): a flood repaints the same rows.
        self._strips: LRUCache[tuple[object, ...], Strip] = LRUCache(1024)
        self.marked: tuple[str, int] | None = None  # (source, offset): a jump's target line

    # -- content -----------------------------------------------------------------------

    def show(self, lines: Sequence[Line], show_source: bool, *, end: bool = True) -> None:
        """Display `lines` (kept by reference), scrolled to the end unless `end` is False."""
        self.lines, self.show_source = lines, show_source
        self._source_width = max((len(line.source) for line in lines), default=0) + 1
        self._width = max((len(line.text) for line in lines), default=0)
        self._resize(end)

    def grew(self, new: int, *, end: bool) -> None:
        """`new` lines were appended to `lines` (older ones may have dropped off the front)."""
        if new:  # a deque: walk its end, never index into the middle
            lines = list(islice(reversed(self.lines), new))
            self._width = max(self._width, max(map(len, map(_TEXT, lines)), default=0))
            widest = max(map(len, set(map(_SOURCE, lines))), default=0) + 1  # C loops: a flood
            self._source_width = max(self._source_width, widest)
        self._resize(end)

    def shifted(self, added: int) -> None:
        """`added` lines were put before the current ones: keep the same lines in view."""
        self.grew(0, end=False)
        self.scroll_to(y=self.scroll_y + added, animate=False, immediate=True)

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

    def _style(self, name: str) -> Style:
        style = self._styles.get(name)
        if style is None:
            style = self._styles[name] = self.get_component_rich_style(name)
        return style

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index, width = scroll_y + y, self.size.width
        if index >= len(self.lines):
            return Strip.blank(width, self.rich_style)
        line = self.lines[index]
        prefix = self._source_width if self.show_source else 0
        marked = self.marked is not None and (line.source, line.offset) == self.marked
        key = (line, scroll_x, width, prefix, marked)
        strip = self._strips.get(key)
        if strip is None:
            base = self.rich_style
            strip = self._draw(line, prefix, base, width < COMPACT_BELOW).crop_extend(
                scroll_x, scroll_x + width, base)
            if marked:
                strip = strip.apply_style(Style(reverse=True))
            self._strips[key] = strip
        return strip

    def _draw(self, line: Line, prefix: int, base: Style, compact: bool = False) -> Strip:
        segments = []
        if prefix:
            name = line.source.ljust(prefix)
            segments.append(Segment(name, self._style("logview--source")))
        if line.traceback:
            style = self._style("logview--traceback")
        else:
            level = line.level
            style = self._style(_LEVEL_CLASS[level]) if level else base
        text = compact_time(line.text) if compact else line.text
        segments.append(Segment(text.expandtabs(4), style))
        return Strip(segments)

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
