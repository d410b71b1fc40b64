"""Resource gauges: one line each, coloured by thresholds, with a sparkline of recent history.

All the lines of a panel are drawn by one widget through Textual's line API, and a line is
redrawn only when what it shows changed (its text, level or bars): an idle dashboard repaints
a few short lines a second instead of re-rendering nine widgets.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, NamedTuple

from rich.style import Style
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget

from maintui.core.units import size, used_of
from maintui.tui.paint import refresh_lines
from maintui.tui.widgets.plain import forget, plain_lines
from maintui.tui.widgets.spans import Piece, changed_span, line_strip

if TYPE_CHECKING:
    from maintui.core.probes.base import Snapshot

BARS = "▁▂▃▄▅▆▇█"
LABEL_WIDTH, TEXT_WIDTH = 5, 14
Levels = Callable[[str, float], str]  # (gauge, value) -> "ok" | "warning" | "critical"
Series = Callable[[str], tuple[float, ...]]


def spark(values: Sequence[float], width: int, top: float) -> str:
    """The newest `width` values as bars scaled to `top`, right-aligned (newest last)."""
    if width <= 0:
        return ""
    recent = list(values)[-width:]
    top = top if top > 0 else max(recent, default=0.0) or 1.0
    last = len(BARS) - 1
    bars = "".join(BARS[min(last, max(0, int(v / top * len(BARS))))] for v in recent)
    return bars.rjust(width)


def _bar(value: float, top: float) -> str:
    return BARS[min(len(BARS) - 1, max(0, int(value / top * len(BARS))))]


class Spark:
    """One gauge's sparkline, rolled by a bar when its history only moved on by a sample
    (the usual case: every bar is recomputed only when the scale or width changes)."""

    def __init__(self) -> None:
        self._history: tuple[float, ...] = ()
        self._key: tuple[float, int] = (0.0, -1)  # (top, width) the bars were drawn for
        self._bars = ""

    def bars(self, history: tuple[float, ...], width: int, top: float) -> str:
        """`spark(history, width, top)`, from the last bars when only one value came."""
        old, bars = self._history, self._bars
        if (top, width) == self._key and top > 0 and width > 0 and history and (
                (len(history) == len(old) + 1 and history[:-1] == old)  # one added
                or (len(history) == len(old) >= width and history[:-1] == old[1:])):  # rolled
            bars = bars[1:] + _bar(history[-1], top)
        elif history != old or (top, width) != self._key:
            bars = spark(history, width, top)
        self._history, self._key, self._bars = history, (top, width), bars
        return bars


class Reading(NamedTuple):
    """What a gauge shows: its text, threshold level, and history scaled to `top`."""

    text: str
    level: str = "ok"
    history: tuple[float, ...] = ()
    top: float = 100.0


class Cores(NamedTuple):
    """Every core as one bar, each with its own level: compact at any core count."""

    cores: tuple[tuple[float, str], ...] = ()

    @property
    def level(self) -> str:
        levels = {level for _, level in self.cores}
        return next((lv for lv in ("critical", "warning") if lv in levels), "ok")


Row = Reading | Cores


class GaugeLines(Widget):
    """Labelled gauge lines, one per key, drawn by one widget; unchanged lines are not redrawn."""

    COMPONENT_CLASSES = {"gauge--label", "gauge--spark", "gauge--warning", "gauge--critical"}
    DEFAULT_CSS = """
    GaugeLines { height: auto; width: 1fr; }
    GaugeLines > .gauge--label { text-style: bold; }
    GaugeLines > .gauge--spark { color: $success; }
    GaugeLines > .gauge--warning { color: $warning; text-style: bold; }
    GaugeLines > .gauge--critical { color: $error; text-style: bold reverse; }
    """

    def __init__(self, labels: dict[str, str], *, label_width: int = LABEL_WIDTH,
                 id: str | None = None) -> None:
        super().__init__(id=id)
        self.label_width = label_width
        self._labels: dict[str, str] = {}
        self._rows: dict[str, Row] = {}
        self._drawn: list[tuple[Piece, ...]] = []  # per line, what it shows (for change checks)
        self._strips: dict[int, Strip] = {}
        self._spans: dict[int, tuple[int, int]] = {}  # per line, the cells last changed
        self._styles: dict[str | None, Style] = {}
        self._sparks: dict[str, Spark] = {}
        self.set_labels(labels)

    # -- what is shown -----------------------------------------------------------------------

    def set_labels(self, labels: dict[str, str]) -> None:
        """The lines, in order (key → label); changes the height only when their number does."""
        if list(labels.items()) == list(self._labels.items()):
            return
        count = len(self._labels)
        self._labels = dict(labels)
        self._rows = {k: v for k, v in self._rows.items() if k in labels}
        self._drawn, self._strips, self._spans = [], {}, {}
        self.styles.height = len(labels)
        self.refresh(layout=len(labels) != count)

    def reading(self, key: str) -> Row | None:
        """What the line `key` shows now (None before the first sample)."""
        return self._rows.get(key)

    def level(self, key: str) -> str:
        row = self._rows.get(key)
        return row.level if row is not None else "ok"

    def show_rows(self, rows: dict[str, Row]) -> int:
        """Update lines by key; returns how many lines had to be redrawn."""
        self._rows.update((k, v) for k, v in rows.items() if k in self._labels)
        return self._redraw()

    # -- drawing -----------------------------------------------------------------------------

    def _redraw(self) -> int:
        width = self.content_size.width
        lines = [self._pieces(key, label, self._rows.get(key), width)
                 for key, label in self._labels.items()]
        drawn, self._drawn = self._drawn, lines
        dirty = []
        for y, line in enumerate(lines):
            span = changed_span(drawn[y] if y < len(drawn) else None, line, width)
            if span is not None:  # only the cells that changed go on the wire
                self._strips.pop(y, None)
                self._spans[y] = span
                dirty.append(Region(span[0], y, span[1] - span[0], 1))
        if dirty:  # one refresh for them all: each call also clears the widget's caches
            refresh_lines(self, *dirty)
        return len(dirty)

    def _pieces(self, key: str, label: str, row: Row | None, width: int) -> tuple[Piece, ...]:
        head = (f"{label[: self.label_width]:<{self.label_width}} ", "gauge--label")
        room = width - len(head[0])
        if isinstance(row, Cores):
            return (head, *((BARS[min(7, max(0, int(v / 100 * 8)))],
                             "gauge--spark" if lv == "ok" else f"gauge--{lv}")
                            for v, lv in row.cores[: max(0, room)]))
        r = row or Reading("…")
        level = None if r.level == "ok" else f"gauge--{r.level}"
        text = f"{r.text:<{TEXT_WIDTH}} "
        spark_line = self._sparks.setdefault(key, Spark())
        return head, (text, level), (spark_line.bars(r.history, room - len(text), r.top),
                                     level or "gauge--spark")

    def _style(self, component: str | None) -> Style:
        """The widget's style with a component's on top, kept until the CSS or theme changes."""
        if component not in self._styles:
            base = self.rich_style
            self._styles[component] = base + self.get_component_rich_style(
                component, partial=True) if component else base
        return self._styles[component]

    def render_line(self, y: int) -> Strip:
        if y >= len(self._drawn):
            return Strip.blank(self.content_size.width, self._style(None))
        if y not in self._strips:  # one segment per run of a style: each costs an SGR
            self._strips[y] = line_strip([(text, self._style(component))
                                          for text, component in self._drawn[y]],
                                         self._spans.get(y))
        return self._strips[y]

    def render_lines(self, crop: Region) -> list[Strip]:
        # a changed line without Textual's styles cache: the same strips (plain.py)
        return plain_lines(self, crop) or super().render_lines(crop)

    def notify_style_update(self) -> None:
        self._styles.clear()
        self._strips.clear()
        forget(self)
        super().notify_style_update()

    def on_resize(self) -> None:
        self._drawn, self._strips, self._spans = [], {}, {}
        self._redraw()


def _scale(values: Sequence[float], floor: float) -> float:
    """Top of an open-ended gauge: its recent maximum, never below `floor` (so noise stays low)."""
    return max(max(values, default=0.0), floor)


GAUGES = {"cpu": "CPU", "cores": "cores", "memory": "MEM", "swap": "SWAP", "load": "LOAD",
          "net": "NET"}


class ResourceGauges(GaugeLines):
    """CPU total and per core, memory, swap, load per core and network rates (or some of them)."""

    def __init__(self, levels: Levels, *, keys: Sequence[str] = tuple(GAUGES),
                 id: str | None = None) -> None:
        super().__init__({k: GAUGES[k] for k in keys}, id=id)
        self.levels = levels

    def show(self, snap: Snapshot, series: Series) -> int:
        """Update every gauge; only lines whose text, level or bars changed are redrawn."""
        lv = self.levels
        one, five, fifteen = snap.load
        per_core = snap.load_per_core[0]
        load, net = series("load"), series("net")
        return self.show_rows({
            "cpu": Reading(f"{snap.cpu:.0f}%", lv("cpu", snap.cpu), series("cpu")),
            "cores": Cores(tuple((c, lv("cpu", c)) for c in snap.cores)),
            "memory": Reading(f"{snap.memory:.0f}% {used_of(snap.memory_used, snap.memory_total)}",
                              lv("memory", snap.memory), series("memory")),
            "swap": Reading(f"{snap.swap:.0f}%", lv("swap", snap.swap), series("swap")),
            "load": Reading(f"{one:.2f} {five:.2f} {fifteen:.2f}", lv("load", per_core), load,
                            top=_scale(load, 1.0)),
            "net": Reading(f"↓{size(snap.rx)} ↑{size(snap.tx)}", "ok", net,
                           top=_scale(net, 64 * 1024)),
        })
