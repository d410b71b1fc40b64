"""TimelineTable: an incident's timeline entries in time order: when, what kind, what."""

from __future__ import annotations

from typing import TYPE_CHECKING

from maintui.core.units import clock_time
from maintui.tui.widgets.tables import StatusTable

if TYPE_CHECKING:
    from maintui.core.incidents.model import TimelineEntry

KIND_LEVELS = {"opened": "active", "closed": "active", "check": "warning", "action": "ok",
               "snapshot": "muted", "note": "ok"}


class TimelineTable(StatusTable):
    """The incident's entries in time order: when, what kind, what."""

    def on_mount(self) -> None:
        self.add_fixed_columns(("Time", 10), ("Kind", 8), ("What", 300))

    def show(self, entries: list[TimelineEntry], now: float) -> None:
        self.show_rows([(str(e.id), (clock_time(e.ts, now), self.styled(e.kind, KIND_LEVELS.get(
            e.kind, "muted")), e.text.splitlines()[0] if e.text else "")) for e in entries])
