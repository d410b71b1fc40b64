"""Top processes, sortable by CPU or memory, filtered by name, user or pid.

Drawn through the line API with fixed columns: a new process list repaints only the lines
whose text changed (a DataTable re-measured and re-rendered every row each time).
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.geometry import Region, Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from maintui.core.probes.base import Proc
from maintui.core.units import size
from maintui.tui.widgets.rows import clip
from maintui.tui.widgets.spans import Piece, changed_span, cut_at

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
        self._lines: list[tuple[Piece, ...]] = []
        self._strips: dict[int, Strip] = {}
        self._spans: dict[int, tuple[int, int]] = {}  # per row, the cells last changed
        self._styles: dict[str | None, Style] = {}

    def on_mount(self) -> None:
        self._update_title()

    @property
    def row_count(self) -> int:
        return len(self._lines)

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
        lines = [self._cells(p) for p in self.visible()]
        old, self._lines = self._lines, lines
        if len(lines) != len(old):
            self.virtual_size = Size(self.size.width, len(lines) + 1)
        top, height = self.scroll_offset.y, self.size.height
        width = self.scrollable_content_region.width  # not the scrollbar: it did not change
        changed = 0
        for y in range(1, height):
            span = changed_span(_at(old, top + y - 1), _at(lines, top + y - 1), width)
            if span is not None:  # only the cells that changed go on the wire
                changed += 1
                self._strips.pop(top + y - 1, None)
                self._spans[top + y - 1] = span
                self.refresh(Region(span[0], y, span[1] - span[0], 1))
        return changed

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
        return "".join(t for t, _ in self._lines[row])

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
            if row >= len(self._lines):
                return Strip.blank(self.size.width, self._style(None))
            pieces = self._lines[row]
        strip = Strip([Segment(text, self._style(level)) for text, level in pieces]).simplify()
        if y:
            row = self.scroll_offset.y + y - 1
            strip = self._strips[row] = cut_at(strip, self._spans.pop(row, None))
        return strip

    def notify_style_update(self) -> None:
        self._styles.clear()
        self._strips.clear()
        super().notify_style_update()

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, len(self._lines) + 1)

    def _update_title(self) -> None:
        title = f"Processes · by {SORTS[self.sort]}"
        self.border_title = f"{title} · /{self.filter}" if self.filter else title


def _at(lines: list[tuple[Piece, ...]], index: int) -> tuple[Piece, ...] | None:
    return lines[index] if 0 <= index < len(lines) else None
