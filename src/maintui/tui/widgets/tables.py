"""A read-only, row-cursor DataTable with level-coloured cells, redrawn only when rows change
(the triage and incident tables; the home screen's lists are the lighter `RowList`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.text import Text
from textual.widgets import DataTable

from maintui.tui import keys

Row = tuple[str, tuple[Any, ...]]  # (row key, cells)


class StatusTable(DataTable):
    """Rows replaced wholesale by `show_rows`, keeping the cursor on the same row key."""

    COMPONENT_CLASSES = DataTable.COMPONENT_CLASSES | {
        "status--ok", "status--active", "status--warning", "status--critical", "status--muted",
    }
    DEFAULT_CSS = """
    StatusTable { height: 1fr; overflow-x: hidden; scrollbar-size-vertical: 1; }
    StatusTable:focus, StatusTable:focus > .datatable--header { background-tint: $foreground 0%; }
    StatusTable > .status--ok { color: $success; }
    StatusTable > .status--active { color: $accent; text-style: bold; }
    StatusTable > .status--warning { color: $warning; text-style: bold; }
    StatusTable > .status--critical { color: $error; text-style: bold reverse; }
    StatusTable > .status--muted { color: $text-muted; }
    """

    BINDINGS = keys.for_screen("status_table")

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=False, show_cursor=True)
        self._rows: tuple[Row, ...] = ()

    def add_fixed_columns(self, *columns: tuple[str, int]) -> None:
        """Columns of fixed width: the layout stays put as values change, and no re-measuring."""
        for label, width in columns:
            self.add_column(label, width=width, key=label)

    def styled(self, text: str, level: str) -> Text:
        """`text` in the colour of a level (ok, active, warning, critical, muted)."""
        return Text(text, style=self.get_component_rich_style(f"status--{level}", partial=True), end="")

    def show_rows(self, rows: Sequence[Row]) -> bool:
        """Replace the rows unless they are unchanged; returns whether anything was redrawn."""
        rows = tuple(rows)
        if rows == self._rows:
            return False
        self._rows = rows
        current = self._cursor_key()
        self.clear()
        for key, cells in rows:
            self.add_row(*cells, key=key)
        if current is not None and current in self.rows:
            self.move_cursor(row=self.get_row_index(current), animate=False, scroll=False)
        return True

    def _cursor_key(self) -> str | None:
        if not self.row_count:
            return None
        key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key
        return key.value

    @property
    def selected_key(self) -> str | None:
        """The key of the row under the cursor, if any."""
        return self._cursor_key()
