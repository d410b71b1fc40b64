"""Screen updates that write what changed on the terminal, not what Textual re-rendered.

Two things in Textual (8.x) cost bytes over a slow link, and both are undone here, for the
terminals the console's own driver opens (`QuietLinuxDriver` calls `track`):
- A partial update is written with `ChopsUpdate.render_segments`, which crops each widget's
  line on the right only: a gauge whose `8%` became `23%` rewrote its line from the label on.
  Here whole segments before the dirty span are skipped too (as Textual's own headless path,
  `__rich_console__`, does), so a wide character is never split, and a line widget that cuts
  its strips at the changed cells (widgets/spans.py) writes only those cells.
- Opening or closing a screen or dialog repaints the whole screen two or three times (on
  resume, after mounting its widgets, after pruning the old screen), ~12 KB each at 80x24.
  Here the cells on the terminal are remembered (from full frames and partial updates
  alike) and a full frame writes only the runs of cells that differ, as curses does; a new
  terminal, a size change or a resumed application mode (Ctrl+Z, then fg) starts from
  nothing, so the next frame is written whole.
Cells are compared as the terminal shows them (no mouse meta; a space by its background), and
what is written drops a colour sequence that sets the look the terminal is already in.
One thing costs CPU on every sample of an idle dashboard: a partial update renders every
widget whose clip (its container's area) meets the dirty area, each from its first line to
its last: ten widgets and ~140 lines for a few changed gauge cells. Here a widget is
rendered only on the lines where it shows a dirty cell that no widget in front covers
(`render_rows`): the two line widgets, not the borders, containers and screen behind them.
A rendered row is cut only into the pieces under a dirty span (`render_chops_partial`), a
run of changed cells is written from the strip's text (`render_range`), not a cropped strip,
and Textual's strips make their seven caches when first used, not each time one is made
(~70 strips an update, few caches used).
If Textual's classes change shape, nothing is replaced and its own code runs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from itertools import repeat
from weakref import WeakKeyDictionary

from rich.cells import get_character_cell_size
from rich.color import ColorSystem
from rich.console import Console
from rich.control import Control
from rich.segment import Segment
from rich.style import Style
from textual._compositor import ChopsUpdate, Compositor, LayoutUpdate
from textual.cache import FIFOCache
from textual.geometry import Region, Size
from textual.strip import Strip

Cell = tuple[str, Style | None]  # one terminal cell: its character(s) and style; "" is the
                                 # right half of a wide character
GAP = 6  # unchanged cells between two changes that are rewritten anyway (a move costs ~8 bytes)


class Shadow:
    """What is on one terminal, cell by cell, as far as known (a line is None when not)."""

    def __init__(self, size: Size = Size(0, 0)) -> None:
        self.size = size
        self.lines: list[list[Cell] | None] = [None] * size.height

    def wrote(self, x: int, y: int, cells: list[Cell]) -> None:
        """`cells` were written from column `x` of line `y`."""
        line = self.lines[y] if 0 <= y < len(self.lines) else None
        if line is not None:
            line[x: x + len(cells)] = cells
            if len(line) != self.size.width:  # not as expected: know nothing of the line
                self.lines[y] = None


# a reset followed by a style: one SGR does both (`ESC[0;1;38;5;24m`), 3 bytes a segment
_RESET_THEN_STYLE = re.compile("\x1b\\[0m\x1b\\[([0-9;]*)m")
_SGR = re.compile("(\x1b\\[[0-9;]*m)")
_SHADOWS: WeakKeyDictionary[Console, Shadow] = WeakKeyDictionary()
_WRITTEN: dict[Style, Style] = {}  # a style with meta -> the same without
_BLANKS: dict[Style, Style] = {}  # a style -> what a space in it shows
# characters one cell wide (printable Latin, Greek, Cyrillic, box drawing and blocks, as
# Rich's own table): a segment of these alone is cut into cells without asking each's width
_SINGLE = frozenset(chr(c) for start, end in ((0x20, 0x7E), (0xA0, 0xAC), (0xAE, 0x2FF),
                                              (0x370, 0x482), (0x2500, 0x25FC),
                                              (0x2800, 0x28FF))
                    for c in range(start, end + 1))
_textual_layout = LayoutUpdate.render_segments
_textual_renders = Compositor._get_renders
_textual_partial = Compositor.render_partial_update
_textual_chops = Compositor._render_chops
_DIRTY: WeakKeyDictionary[Compositor, list[Region]] = WeakKeyDictionary()  # during an update


def track(console: Console) -> None:
    """Write frames to this console's terminal by difference, from a blank slate (the
    terminal was just entered, or re-entered after a suspend)."""
    _SHADOWS[console] = Shadow()


def _as_written(style: Style | None) -> Style | None:
    """`style` as far as the terminal sees it: without the mouse meta Textual attaches (a
    screen under a dialog is drawn without it, which is not a change on the terminal)."""
    if style is None or style.link:  # a link is written (OSC 8): kept as it is
        return style
    plain = _WRITTEN.get(style)
    if plain is None:
        if len(_WRITTEN) >= 4096:  # styles carry mouse offsets: keep the cache bounded
            _WRITTEN.clear()
        plain = _WRITTEN[style] = style.clear_meta_and_links()
    return plain


def _blank(style: Style | None) -> Style | None:
    """What a space in `style` shows: its background only, unless a line or reverse video
    draws its colour (a space's colour alone is no change on the terminal)."""
    if style is None or style.color is None or style.reverse or style.underline \
            or style.strike or style.overline or style.underline2:
        return style
    blank = _BLANKS.get(style)
    if blank is None:
        if len(_BLANKS) >= 4096:
            _BLANKS.clear()
        blank = _BLANKS[style] = Style(bgcolor=style.bgcolor)
    return blank


def cells_of(strip: Strip) -> list[Cell]:
    """The cells a strip covers (a wide character is two, the second ""); control segments
    and zero-width characters add none (a combining mark joins the cell before it)."""
    cells: list[Cell] = []
    for text, style, control in strip:
        if control:
            continue
        style = _as_written(style)
        blank = _blank(style) if " " in text else style
        if _SINGLE.issuperset(text):  # every character one cell: no per-character lookup
            cells += zip(text, repeat(style)) if blank is style else \
                [(ch, blank if ch == " " else style) for ch in text]
            continue
        for ch in text:
            width = get_character_cell_size(ch)
            if width == 1:
                cells.append((ch, blank if ch == " " else style))
            elif width == 2:
                cells += [(ch, style), ("", style)]
            elif cells:
                cells[-1] = (cells[-1][0] + ch, cells[-1][1])
    return cells


def changed_runs(old: list[Cell] | None, new: list[Cell]) -> list[tuple[int, int]]:
    """The cell ranges [start, end) in which `new` differs from `old`, never starting or
    ending inside a wide character, joined across gaps of fewer than GAP cells."""
    if old is None or len(old) != len(new):
        return [(0, len(new))] if new else []
    runs: list[tuple[int, int]] = []
    x, width = 0, len(new)
    while x < width:
        if old[x] == new[x]:
            x += 1
            continue
        start = x - 1 if x and "" in (old[x][0], new[x][0]) else x  # from a wide char's left
        while x < width and old[x] != new[x]:
            x += 1
        while x < width and "" in (old[x][0], new[x][0]):  # to its right half
            x += 1
        if runs and start - runs[-1][1] < GAP:
            runs[-1] = (runs[-1][0], x)
        else:
            runs.append((start, x))
    return runs


Cursor = list[tuple[int, int] | None]  # [where the cursor is after what was written], or [None]


def _write(shadow: Shadow | None, console: Console, x: int, y: int, strip: Strip,
           cursor: Cursor) -> list[str]:
    """What puts `strip` at (x, y) on the terminal: the runs of cells that differ from what
    it shows there (all of them on a terminal not tracked); the shadow learns the result.
    A move is left out when the cursor is already there (two widgets side by side)."""
    if shadow is None or not 0 <= y < len(shadow.lines):
        cursor[0] = None
        return [Control.move_to(x, y).segment.text, strip.render(console)]
    cells = cells_of(strip)
    line = shadow.lines[y]
    old = line[x: x + len(cells)] if line is not None else None
    sequences: list[str] = []
    for start, end in changed_runs(old, cells):
        if cursor[0] != (x + start, y):
            sequences.append(f"\x1b[{y + 1};{x + start + 1}H")  # Control.move_to's text
        sequences.append(render_range(strip, start, end, console))
        # at the last column the cursor waits to wrap: where it is then is not sure
        cursor[0] = (x + end, y) if x + end < shadow.size.width else None
    if line is None and x == 0 and len(cells) == shadow.size.width:
        shadow.lines[y] = cells
    else:
        shadow.wrote(x, y, cells)
    return sequences


def render_range(strip: Strip, start: int, end: int, console: Console) -> str:
    """`strip.crop(start, end).render(console)`, without making the cropped strip (and its
    seven caches) when every character is one cell wide: each segment's text is sliced and
    rendered as `Strip.render` does. Anything else (a wide character, which a crop blanks
    where it cuts it; a control or empty segment) goes through the crop."""
    if start <= 0 and end >= strip.cell_length:
        return strip.render(console)
    color_system = console._color_system or ColorSystem.TRUECOLOR
    render = Strip.render_style
    out: list[str] = []
    x = 0
    for text, style, control in strip:
        if control or not text or not _SINGLE.issuperset(text):
            return strip.crop(start, end).render(console)
        if x >= end:
            break
        after = x + len(text)
        if after > start:
            piece = text[max(0, start - x): end - x]
            out.append(piece if style is None else render(style, piece, color_system))
        x = after
    return "".join(out)


def render_layout(self: LayoutUpdate, console: Console) -> str:
    """LayoutUpdate.render_segments, writing only the cells that differ from the terminal's."""
    shadow = _SHADOWS.get(console)
    if shadow is None or self.region.offset != (0, 0):
        return _textual_layout(self, console)
    if self.region.size != shadow.size:
        shadow = _SHADOWS[console] = Shadow(self.region.size)
    sequences: list[str] = []
    cursor: Cursor = [None]
    for y, line in enumerate(self.strips):
        sequences += _write(shadow, console, 0, y, Strip.join(line), cursor)
    return compact("".join(sequences))


def render_chops(self: ChopsUpdate, console: Console) -> str:
    """ChopsUpdate.render_segments, cropped to the dirty span on both sides, and on a tracked
    terminal to the cells in it that differ from what the terminal shows."""
    sequences: list[str] = []
    shadow = _SHADOWS.get(console)
    cursor: Cursor = [None]
    for y, x1, x2 in self.spans:
        for end, (x, strip) in zip(self.chop_ends[y], self.chops[y].items(), strict=True):
            if strip is None or x >= x2 or end <= x1:  # Textual's `x > x2` wrote bare moves
                continue
            skipped = _skipped(strip, x1 - x) if x < x1 else 0  # one crop for both ends
            sequences += _write(shadow, console, x + skipped, y,
                                strip.crop(skipped, min(end, x2) - x), cursor)
    return compact("".join(sequences))


def compact(written: str) -> str:
    """Rich writes each segment as `style, text, reset`. A reset followed by a style becomes
    one sequence (`ESC[0;1;38;5;24m`, 3 bytes a segment), and a sequence that sets the look
    the terminal is already in is left out (neighbouring segments of one look, ~20 bytes
    each). Like Rich, it takes the terminal to start from no style."""
    parts = _SGR.split(_RESET_THEN_STYLE.sub("\x1b[0;\\1m", written))
    out, look = [parts[0]], ""  # parts alternate: text, SGR, text, …
    for i in range(1, len(parts), 2):
        params = parts[i][2:-1]
        if params in ("", "0"):
            now = ""
        elif params.startswith("0;"):
            now = params[2:]
        else:  # a style without a reset adds to the look
            now = params if look in ("", params) else None
        if now is None or now != look:
            out.append(parts[i])
        look = now
        out.append(parts[i + 1])
    return "".join(out)


def _skipped(strip: Strip, cells: int) -> int:
    """The cells of the whole segments that end within the first `cells`: a crop from there
    never splits a wide character."""
    skipped = 0
    for segment in strip:
        width = segment.cell_length
        if skipped + width > cells:
            break
        skipped += width
    return skipped


def render_rows(self: Compositor, crop: Region | None = None
                ) -> Iterator[tuple[Region, Region, list[Strip]]]:
    """Compositor._get_renders for the dirty cells only: (region, clip, strips) for each run
    of lines on which a widget shows a dirty cell no widget in front of it covers, front to
    back, the strips being its lines of that run. Textual renders every widget whose clip
    meets the bounding box of all dirty regions, each whole; here a panel's border, the
    screen and containers behind changed widgets are not rendered at all. The dirty
    regions are those of the update (`partial_update`), else the crop itself. A full frame
    is unchanged."""
    if crop is None:
        yield from _textual_renders(self, crop)
        return
    # per line, the dirty cells [x1, x2) that no widget met so far covers
    todo: dict[int, list[tuple[int, int]]] = {}
    left, right = crop.x, crop.right
    for y, x1, x2 in self._regions_to_spans(_DIRTY.get(self) or (crop,)):
        x1, x2 = max(x1, left), min(x2, right)
        if crop.y <= y < crop.bottom and x2 > x1:
            todo.setdefault(y, []).append((x1, x2))
    for widget, (region, clip) in self.visible_widgets.items():
        if not todo:  # every dirty cell has its widget: those behind are hidden there
            return
        x, y, width, height = region.intersection(clip)
        end = x + width
        rows = []
        for row in range(max(y, crop.y), min(y + height, crop.bottom)):
            spans = todo.get(row)
            if spans is None or all(x2 <= x or x1 >= end for x1, x2 in spans):
                continue
            rest = _uncovered(spans, x, end)
            if rest:
                todo[row] = rest
            else:
                del todo[row]
            rows.append(row)
        for first, count in _runs(rows):
            yield region, Region(x, first, width, count), widget.render_lines(
                Region(x - region.x, first - region.y, width, count))


def _uncovered(spans: list[tuple[int, int]], x1: int, x2: int) -> list[tuple[int, int]]:
    """The parts of `spans` outside [x1, x2)."""
    out = []
    for a, b in spans:
        if a < x1:
            out.append((a, min(b, x1)))
        if b > x2:
            out.append((max(a, x2), b))
    return out


def _runs(rows: list[int]) -> Iterator[tuple[int, int]]:
    """Ascending line numbers as (first, count) runs of consecutive lines."""
    start = previous = None
    for row in rows:
        if previous is not None and row == previous + 1:
            previous = row
            continue
        if start is not None:
            yield start, previous - start + 1
        start = previous = row
    if start is not None:
        yield start, previous - start + 1


def render_chops_partial(self: Compositor, crop: Region, is_rendered_line: Callable[[int], bool]
                         ) -> list[dict[int, Strip | None]]:
    """Compositor._render_chops for a partial update: a rendered row is cut into the pieces
    between widget edges that meet a dirty span of its line, not into every piece (Textual
    divides each row at every edge it crosses; `render_chops` writes only the dirty spans, so
    the other pieces were never read). Any other render is Textual's."""
    dirty = _DIRTY.get(self)
    if dirty is None:
        return _textual_chops(self, crop, is_rendered_line)
    spans: dict[int, list[tuple[int, int]]] = {}
    for y, x1, x2 in self._regions_to_spans(dirty):
        spans.setdefault(y, []).append((x1, x2))
    cuts = self.cuts
    chops: list[dict[int, Strip | None]] = [dict.fromkeys(cut_set[:-1]) for cut_set in cuts]
    for region, clip, strips in self._get_renders(crop):
        render_region = region.intersection(clip)
        render_x = render_region.x
        first_cut, last_cut = render_region.column_span
        for y, strip in zip(render_region.line_range, strips, strict=False):
            if not is_rendered_line(y):
                continue
            line_spans, chops_line = spans.get(y, ()), chops[y]
            final_cuts = [cut for cut in cuts[y] if last_cut >= cut >= first_cut]
            for start, end in zip(final_cuts, final_cuts[1:], strict=False):
                # front to back: the first widget to draw a piece wins, as in Textual's
                if chops_line.get(start) is None \
                        and any(x1 < end and x2 > start for x1, x2 in line_spans):
                    chops_line[start] = strip.crop(start - render_x, end - render_x)
    return chops


def partial_update(self: Compositor) -> ChopsUpdate | None:
    """Compositor.render_partial_update, with its dirty regions kept for `render_rows`."""
    _DIRTY[self] = list(self._dirty_regions)
    try:
        return _textual_partial(self)
    finally:
        _DIRTY.pop(self, None)


# Strip's caches, by attribute, and their sizes as Textual's Strip.__init__ makes them
STRIP_CACHES = {"_divide_cache": 4, "_crop_cache": 16, "_style_cache": 16, "_filter_cache": 4,
                "_line_length_cache": 4, "_crop_extend_cache": 4, "_offsets_cache": 4}
_textual_strip_init = Strip.__init__


def _strip_init(self: Strip, segments: Iterable[Segment], cell_length: int | None = None
                ) -> None:
    """Strip.__init__ without its seven caches: each is made when first used (`_strip_cache`).
    A partial update makes ~70 strips (lines, crops, the pieces at every widget edge) and
    uses few of their caches; making them all was a fifth of its rendering, and the young
    collections that followed."""
    self._segments = list(segments)
    self._cell_length = cell_length
    self._render_cache = None
    self._link_ids = None
    self._cell_count = None


def _strip_cache(self: Strip, name: str) -> FIFOCache:
    """A Strip cache not made yet (its slot is empty): made now, as Strip.__init__ would."""
    size = STRIP_CACHES.get(name)
    if size is None:
        raise AttributeError(name)
    cache: FIFOCache = FIFOCache(size)
    setattr(self, name, cache)
    return cache


def _lazy_strip_caches() -> bool:
    """Make Strip's caches on first use; False (nothing changed) unless a Strip is made with
    exactly the caches and fields this knows."""
    made = Strip([])
    fields = {"_segments", "_cell_length", "_render_cache", "_link_ids", "_cell_count"}
    if set(Strip.__slots__) != fields | set(STRIP_CACHES) or hasattr(Strip, "__getattr__") \
            or any(not isinstance(getattr(made, name, None), FIFOCache)
                   or getattr(made, name)._maxsize != size
                   for name, size in STRIP_CACHES.items()):
        return False
    Strip.__init__ = _strip_init  # type: ignore[method-assign]
    Strip.__getattr__ = _strip_cache  # type: ignore[attr-defined]
    return True


def install() -> bool:
    """Use both writers for every update, and render only the rows an update covers; False
    if Textual's classes no longer have the fields they work from (then nothing is
    changed). Strips make their caches when they first use them."""
    _lazy_strip_caches()
    chops = ChopsUpdate([], [(0, 0, 0)], [])
    layout = LayoutUpdate([], Size(0, 0).region)
    if not all(hasattr(chops, name) for name in ("chops", "spans", "chop_ends")) \
            or not all(hasattr(layout, name) for name in ("strips", "region")) \
            or not hasattr(ChopsUpdate, "render_segments") \
            or not hasattr(LayoutUpdate, "render_segments") \
            or not hasattr(Compositor, "_get_renders") \
            or not hasattr(Compositor, "visible_widgets") \
            or not hasattr(Compositor, "render_partial_update") \
            or not hasattr(Compositor, "_regions_to_spans") \
            or not hasattr(Compositor, "_render_chops") or not hasattr(Compositor, "cuts"):
        return False
    ChopsUpdate.render_segments = render_chops  # type: ignore[method-assign]
    LayoutUpdate.render_segments = render_layout  # type: ignore[method-assign]
    Compositor._get_renders = render_rows  # type: ignore[method-assign]
    Compositor.render_partial_update = partial_update  # type: ignore[method-assign]
    Compositor._render_chops = render_chops_partial  # type: ignore[method-assign]
    return True
