"""Top processes, sortable by CPU or memory, filtered by name, user or pid.

Drawn through the line API with fixed columns: a new process list repaints only the lines
whose text changed (a DataTable re-measured and re-rendered every row each time).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.style import Style
from textual.geometry import Region, Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from maintui.core.units import size
from maintui.tui.paint import refresh_lines
from maintui.tui.widgets.plain import forget, plain_lines
from maintui.tui.widgets.spans import Piece, changed_span, clip, line_strip

if TYPE_CHECKING:
    from maintui.core.probes.base import Proc

MAX_ROWS = 60  # more than any screen shows; beyond that rows only cost time
SORTS = {"cpu": "CPU", "memory": "memory"}
COLUMNS = (("PID", 7, ">"), ("CPU%", 5, ">"), ("MEM%", 5, ">"), ("NAME", 16, "<"),
           ("USER", 8, "<"), ("IO/s", 6, ">"))


def _cell(text: str, width: int, align: str) -> str:
    return f" {clip(text, width):{align}{width}}"


HEADER: tuple[Piece, ...] = (("".join(_cell(t, w, a) for t, w, a in COLUMNS), "header"),)


class ProcessTable(ScrollView, can_focus=True):
    """The busiest processes; `sort` is "cpu" or "memory", `filter` a case-blind substring."""

    COMPONENT_CLASSES = {"processes--header", "processes--warning", "processes--critical"}
    DEFAULT_CSS = """
    ProcessTable { height: 1fr; overflow-x: hidden; scrollbar-size-vertical: 1; }
    ProcessTable > .processes--header { color: $text-muted; text-style: bold; }
    ProcessTable > .processes--warning { color: $warning; text-style: bold; }
    ProcessTable > .processes--critical { color: $error; text-style: bold reverse; }
    """

    sort: reactive[str] = reactive("cpu")
    filter: reactive[str] = reactive("")

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._procs: tuple[Proc, ...] = ()
        self._shown: list[Proc] = []  # filtered, sorted, cut: one per row
        self._lines: dict[int, tuple[Piece, ...]] = {}  # per row, its cells once drawn
        self._strips: dict[int, Strip] = {}
        self._spans: dict[int, tuple[int, int]] = {}  # per row, the cells last changed
        self._styles: dict[str | None, Style] = {}

    def on_mount(self) -> None:
        self._update_title()

    @property
    def row_count(self) -> int:
        return len(self._shown)

    def show(self, procs: tuple[Proc, ...]) -> int:
        """Show a new process list; returns how many visible lines had to be redrawn."""
        if procs is self._procs:  # the probe re-reads processes every few seconds only
            return 0
        self._procs = procs
        return self._refresh_rows()

    def watch_sort(self) -> None:
        self._update_title()
        self._refresh_rows()

    def watch_filter(self) -> None:
        self._update_title()
        self._refresh_rows()

    def visible(self) -> list[Proc]:
        """The processes shown, in order: filtered, then sorted, then cut."""
        needle = self.filter.strip().lower()
        procs = [p for p in self._procs
                 if not needle or needle in f"{p.pid} {p.name} {p.user}".lower()]
        field = "cpu" if self.sort == "cpu" else "memory"
        procs.sort(key=lambda p: (getattr(p, field), p.pid), reverse=True)
        return procs[:MAX_ROWS]

    def _refresh_rows(self) -> int:
        old, old_lines = self._shown, self._lines
        self._shown, self._lines = self.visible(), {}
        if len(self._shown) != len(old):
            self.virtual_size = Size(self.size.width, len(self._shown) + 1)
        top, height = self.scroll_offset.y, self.size.height
        width = self.scrollable_content_region.width  # not the scrollbar: it did not change
        # rows out of view are drawn afresh when scrolled to; their cells are made then too
        in_view = range(top, top + max(0, height - 1))
        self._strips = {row: strip for row, strip in self._strips.items() if row in in_view}
        self._spans = {row: span for row, span in self._spans.items() if row in in_view}
        dirty = []
        for row in in_view:
            if row < len(old) and row < len(self._shown) and row in old_lines \
                    and (old[row] is self._shown[row] or old[row] == self._shown[row]):
                # the same process, the same numbers (the probe hands back the same Proc)
                self._lines[row] = old_lines[row]
                continue
            before = old_lines.get(row) or (self._cells(old[row]) if row < len(old) else None)
            span = changed_span(before, self._line(row), width)
            if span is not None:  # only the cells that changed go on the wire
                self._strips.pop(row, None)
                self._spans[row] = span
                dirty.append(Region(span[0], row - top + 1, span[1] - span[0], 1))
        if dirty:  # one refresh for them all: each call also clears the widget's caches
            refresh_lines(self, *dirty)
        return len(dirty)

    def _line(self, row: int) -> tuple[Piece, ...] | None:
        """The cells of a row, made when it is first compared or drawn (of up to 60 rows,
        the ~16 in view; ~10 µs each)."""
        if not 0 <= row < len(self._shown):
            return None
        line = self._lines.get(row)
        if line is None:
            line = self._lines[row] = self._cells(self._shown[row])
        return line

    @staticmethod
    def _cells(p: Proc) -> tuple[Piece, ...]:
        hot = "critical" if p.cpu >= 90 else "warning" if p.cpu >= 50 else None
        io = "" if p.io is None else size(p.io)
        (_, pid, _), (_, cpu, _), (_, mem, _), (_, name, _), (_, user, _), (_, iow, _) = COLUMNS
        return ((_cell(str(p.pid), pid, ">"), None), (_cell(f"{p.cpu:5.1f}", cpu, ">"), hot),
                (_cell(f"{p.memory:5.1f}", mem, ">") + _cell(p.name, name, "<")
                 + _cell(p.user, user, "<") + _cell(io, iow, ">"), None))

    def text(self, row: int) -> str:
        """The plain text of a row (0 is the first process)."""
        return "".join(t for t, _ in self._line(row) or ())

    def _style(self, level: str | None) -> Style:
        if level not in self._styles:
            base = self.rich_style
            self._styles[level] = base + self.get_component_rich_style(
                f"processes--{level}", partial=True) if level else base
        return self._styles[level]

    def render_line(self, y: int) -> Strip:
        if y == 0:
            pieces: tuple[Piece, ...] = HEADER
        else:
            row = self.scroll_offset.y + y - 1
            if row in self._strips:
                return self._strips[row]
            line = self._line(row)
            if line is None:
                return Strip.blank(self.size.width, self._style(None))
            pieces = line
        runs = [(text, self._style(level)) for text, level in pieces]
        if not y:
            return line_strip(runs, None)
        strip = self._strips[row] = line_strip(runs, self._spans.pop(row, None))
        return strip

    def render_lines(self, crop: Region) -> list[Strip]:
        # a changed row without Textual's styles cache: the same strips (plain.py)
        return plain_lines(self, crop) or super().render_lines(crop)

    def notify_style_update(self) -> None:
        self._styles.clear()
        self._strips.clear()
        forget(self)
        super().notify_style_update()

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, len(self._shown) + 1)

    def _update_title(self) -> None:
        title = f"Processes · by {SORTS[self.sort]}"
        self.border_title = f"{title} · /{self.filter}" if self.filter else title

