"""OutcomeTable: a row-cursor table with state cells coloured by outcome (runs, steps, files)."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import RenderableType
from rich.text import Text
from textual.widgets import DataTable

from maintui.core.states import label
from maintui.tui import keys

# Run and step states, finding statuses and decision kinds, by the colour they show in.
OUTCOMES = {
    "ok": ("succeeded", "ok", "confirm", "done"),
    "bad": ("failed", "timed_out", "rollback_failed", "critical", "abort", "rollback"),
    "warn": ("warning", "skipped", "aborted", "rolled_back", "interrupted", "cancelled",
             "not_done", "na", "skip"),
    "live": ("running", "waiting"),
}
OUTCOME = {state: name for name, states in OUTCOMES.items() for state in states}


class OutcomeTable(DataTable):
    """A row-cursor table whose state cells are coloured by outcome, refreshed in place."""

    BINDINGS = keys.for_screen("outcome_table")
    COMPONENT_CLASSES = {"outcome--ok", "outcome--bad", "outcome--warn", "outcome--live",
                         "outcome--idle"}
    DEFAULT_CSS = """
    OutcomeTable > .outcome--ok { color: $success; }
    OutcomeTable > .outcome--bad { color: $error; text-style: bold; }
    OutcomeTable > .outcome--warn { color: $warning; }
    OutcomeTable > .outcome--live { color: $accent; text-style: bold; }
    OutcomeTable > .outcome--idle { color: $text-muted; }
    """

    def __init__(self, *columns: str, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.add_columns(*columns)

    def outcome(self, state: str) -> Text:
        kind = OUTCOME.get(state, "idle")
        return Text(label(state), style=self.get_component_rich_style(f"outcome--{kind}", partial=True))

    @property
    def cursor_key(self) -> str | None:
        if not self.row_count:
            return None
        return self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value

    def set_rows(self, rows: Sequence[tuple[str, Sequence[RenderableType]]]) -> None:
        """Show `(key, cells)` rows; the same keys are updated cell by cell, so nothing flickers."""
        wanted = [key for key, _ in rows]
        if wanted == [key.value for key in self.rows]:
            for key, cells in rows:
                for column, cell in zip(self.columns, cells, strict=False):
                    if self.get_cell(key, column) != cell:
                        self.update_cell(key, column, cell, update_width=True)
            return
        keep = self.cursor_key
        self.clear()
        for key, cells in rows:
            self.add_row(*cells, key=key)
        if keep in wanted:
            self.move_cursor(row=wanted.index(keep))
