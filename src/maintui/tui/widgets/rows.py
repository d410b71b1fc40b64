"""A read-only list with fixed columns and a row cursor, drawn through the line API.

The home screen's Screens and Recent runs lists. They were DataTables: with their CSS and
component styles those cost about 15 ms of the console's first frame, for a dozen rows
that change every few seconds at most. Keys as in a DataTable: arrows, Page Up/Down,
Home/End, Enter (or a click on the highlighted row) chooses a row.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import BindingType
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from maintui.tui import keys
from maintui.tui.widgets.spans import clip

Cell = str | tuple[str, str]  # plain text, or (text, level) for text in a level's colour
Row = tuple[str, tuple[Cell, ...]]  # (row key, cells)
LEVELS = ("ok", "active", "warning", "critical", "muted")

# Run and step states → level, for colouring outcomes wherever they appear.
STATE_LEVELS = {
    "succeeded": "ok", "running": "active", "waiting": "warning", "aborted": "warning",
    "rolled_back": "warning", "failed": "critical", "rollback_failed": "critical",
    "interrupted": "critical",
}

# An outcome's short form, for a list too narrow for its words (Home at 80x24): the same in
# both of Home's lists. None is longer than the column's header, `Outcome`; an outcome not
# listed is short already (`failed`, `aborted`, `running`, `waiting`).
SHORT_LABELS = {
    "succeeded": "ok", "rolled back": "undone", "rollback failed": "undo ✗",
    "interrupted": "cut off", "runner gone": "gone",
}


def short_label(outcome: str) -> str:
    """The short form of an outcome as shown (`rolled back` → `undone`)."""
    return SHORT_LABELS.get(outcome, outcome)


class RowList(ScrollView, can_focus=True):
    """Rows replaced wholesale by `show_rows`, the cursor staying on the same row key;
    `chosen(key)` is called when the operator picks a row."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"rows--header", "rows--cursor",
                                             *(f"status--{level}" for level in LEVELS)}
    # No focus tint (a DataTable's): it changed every cell of both lists on a Tab, ~3 KB over
    # the wire; the focused list shows by its border and its cursor's colour.
    DEFAULT_CSS = """
    RowList { height: 1fr; overflow-x: hidden; scrollbar-size-vertical: 1; background: $surface; }
    RowList > .rows--header { color: $text-muted; text-style: bold; }
    RowList > .rows--cursor {
        background: $block-cursor-blurred-background; color: $block-cursor-blurred-foreground;
        text-style: $block-cursor-blurred-text-style;
    }
    RowList:focus > .rows--cursor {
        background: $block-cursor-background; color: $block-cursor-foreground;
        text-style: $block-cursor-text-style;
    }
    RowList > .status--ok { color: $success; }
    RowList > .status--active { color: $accent; text-style: bold; }
    RowList > .status--warning { color: $warning; text-style: bold; }
    RowList > .status--critical { color: $error; text-style: bold reverse; }
    RowList > .status--muted { color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = keys.for_screen("rows")

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._columns: tuple[tuple[str, int], ...] = ()
        self._rows: tuple[Row, ...] = ()
        self._index: dict[str, int] = {}
        self._styles: dict[str | None, Style] = {}
        self.cursor_row = 0
        self.show_header = True

    # -- content ---------------------------------------------------------------------------

    def add_fixed_columns(self, *columns: tuple[str, int]) -> None:
        """Columns of fixed width: the layout stays put as values change."""
        self._columns += columns
        self.refresh()

    @staticmethod
    def styled(text: str, level: str) -> Cell:
        """`text` in the colour of a level (ok, active, warning, critical, muted)."""
        return (text, level)

    def show_rows(self, rows: Sequence[Row]) -> bool:
        """Replace the rows unless they are unchanged; returns whether anything was redrawn."""
        rows = tuple(rows)
        if rows == self._rows:
            return False
        current = self.selected_key
        self._rows = rows
        self._index = {key: i for i, (key, _) in enumerate(rows)}
        self.cursor_row = self._index.get(current, self.cursor_row) if current else 0
        self.cursor_row = max(0, min(self.cursor_row, len(rows) - 1))
        self._resize()
        self.refresh()
        return True

    @property
    def row_count(self) -> int:
        return len(self._rows)

    @property
    def selected_key(self) -> str | None:
        """The key of the row under the cursor, if any."""
        return self._rows[self.cursor_row][0] if self._rows else None

    def get_row(self, key: str) -> tuple[str, ...]:
        """The plain text of a row's cells."""
        return self.get_row_at(self._index[key])

    def get_row_at(self, index: int) -> tuple[str, ...]:
        return tuple(c if isinstance(c, str) else c[0] for c in self._rows[index][1])

    def chosen(self, key: str) -> None:
        """Called with the row the operator picked (Enter, or a click on the cursor row)."""

    # -- keys and mouse --------------------------------------------------------------------

    def action_choose(self) -> None:
        if self._rows:
            self.chosen(self._rows[self.cursor_row][0])

    def action_move(self, by: int) -> None:
        self.move_cursor(self.cursor_row + by)

    def action_page(self, pages: int) -> None:
        self.move_cursor(self.cursor_row + pages * max(1, self._body_height()))

    def move_cursor(self, row: int) -> None:
        """Put the cursor on `row` (clamped) and scroll it into view."""
        row = max(0, min(row, len(self._rows) - 1))
        if row == self.cursor_row:
            return
        self.cursor_row = row
        top, height = self.scroll_offset.y, self._body_height()
        if row < top:
            self.scroll_to(y=row, animate=False)
        elif height and row >= top + height:
            self.scroll_to(y=row - height + 1, animate=False)
        self.refresh()

    async def _on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        row = self.scroll_offset.y + offset.y - self._header_height()
        if offset.y < self._header_height() or not 0 <= row < len(self._rows):
            return
        event.stop()
        if row == self.cursor_row:
            self.action_choose()
        else:
            self.move_cursor(row)

    # -- drawing ---------------------------------------------------------------------------

    def _header_height(self) -> int:
        return 1 if self.show_header else 0

    def _body_height(self) -> int:
        return self.scrollable_content_region.height - self._header_height()

    def _resize(self) -> None:
        width = sum(w + 2 for _, w in self._columns)
        self.virtual_size = Size(width, len(self._rows) + self._header_height())

    def on_resize(self) -> None:
        self._resize()

    def _style(self, component: str | None) -> Style:
        """The widget's style, or a component's blended over it (muted colours are
        translucent: only the full style mixes them with the background)."""
        if component not in self._styles:
            self._styles[component] = (self.get_component_rich_style(component) if component
                                       else self.rich_style)
        return self._styles[component]

    def _cell_style(self, line: str | None, level: str) -> Style:
        """A level's colour, but not over the cursor of the focused list (as in a DataTable)."""
        if line is None:
            return self._style(f"status--{level}")
        if line == "rows--cursor" and not self.has_focus:
            colour = self._style(f"status--{level}")
            return self._style(line) + Style(color=colour.color, bold=colour.bold)
        return self._style(line)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        row = self.scroll_offset.y + y - self._header_height()
        if y < self._header_height():
            cells: Sequence[Cell] = [label for label, _ in self._columns]
            line = "rows--header"  # the whole line in one style, whatever the cells' levels
        elif row < len(self._rows):
            cells, line = self._rows[row][1], "rows--cursor" if row == self.cursor_row else None
        else:
            return Strip.blank(width, self._style(None))
        plain, segments = self._style(line), []
        for cell, (_, cell_width) in zip(cells, self._columns, strict=False):
            text, level = (cell, None) if isinstance(cell, str) else cell
            text = clip(text, cell_width)  # cut with an ellipsis: the cut shows
            style = self._cell_style(line, level) if level else plain
            segments += [Segment(" ", plain), Segment(text, style),
                         Segment(" " * (cell_width - len(text) + 1), plain)]
        # one segment per run of one style: each costs an SGR and a reset on the wire
        return Strip(segments).simplify().adjust_cell_length(width, plain)

    def notify_style_update(self) -> None:
        self._styles.clear()
        super().notify_style_update()

    def on_focus(self) -> None:
        self._styles.clear()
        self.refresh()

    def on_blur(self) -> None:
        self._styles.clear()
        self.refresh()

