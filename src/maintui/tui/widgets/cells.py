"""Table cells cut to the room a table has: one flexible column gives way with an ellipsis, so
a narrow terminal never cuts a name at the pane's edge (nor makes the table scroll sideways)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from rich.cells import cell_len
from rich.console import RenderableType
from rich.text import Text
from textual.widget import Widget

K = TypeVar("K")
PADDING = 2  # a DataTable cell's padding, left and right
GUTTER = 2   # the vertical scrollbar, when the rows outgrow the table


def clipped(text: str, room: int, *, keep_end: bool = False) -> str:
    """`text` in `room` cells: its start and `…`, or `…` and its end (a path's end names it)."""
    if cell_len(text) <= room:
        return text
    if room <= 1:
        return "…"[:room]
    return "…" + text[-(room - 1):] if keep_end else text[: room - 1] + "…"


def table_width(table: Widget) -> int:
    """The width a table's rows are fitted to: its own (else the app's), less room for a
    scrollbar its screen may show once the rows are in (the table is not refitted then)."""
    return (table.size.width or table.app.size.width) - GUTTER


def _width(cell: RenderableType) -> int:
    return cell.cell_len if isinstance(cell, Text) else cell_len(str(cell))


def fit_column(rows: Sequence[tuple[K, Sequence[RenderableType]]], headers: Sequence[str],
               width: int, column: int, *, keep_end: bool = False,
               least: int = 12) -> list[tuple[K, list[RenderableType]]]:
    """`rows` with the cells of `column` cut (never below `least` cells) so every column fits
    in `width`: the others keep their full width, as DataTable sizes them."""
    others = sum(max([cell_len(headers[i]), *(_width(cells[i]) for _, cells in rows)]) + PADDING
                 for i in range(len(headers)) if i != column)
    room = max(least, width - others - PADDING - GUTTER)
    out = []
    for key, cells in rows:
        cells = list(cells)
        cell = cells[column]
        if _width(cell) > room:
            if isinstance(cell, Text):
                cell = cell.copy()
                cell.truncate(room, overflow="ellipsis")
            else:
                cell = clipped(str(cell), room, keep_end=keep_end)
            cells[column] = cell
        out.append((key, cells))
    return out
