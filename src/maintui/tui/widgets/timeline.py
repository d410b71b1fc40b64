"""TimelineTable: an incident's timeline entries in time order: when, what kind, what."""

from __future__ import annotations

from typing import TYPE_CHECKING

from maintui.core.units import clock_time
from maintui.tui.widgets.spans import clip
from maintui.tui.widgets.tables import StatusTable

if TYPE_CHECKING:
    from maintui.core.incidents.model import TimelineEntry

KIND_LEVELS = {"opened": "active", "closed": "active", "check": "warning", "action": "ok",
               "snapshot": "muted", "note": "ok"}


class TimelineTable(StatusTable):
    """The incident's entries in time order: when, what kind, what."""

    def on_mount(self) -> None:
        self.add_fixed_columns(("Time", 10), ("Kind", 8), ("What", 300))
        self._shown: tuple[list[TimelineEntry], float] | None = None

    def show(self, entries: list[TimelineEntry], now: float) -> None:
        self._shown = (entries, now)
        # what was done ends in `…` where the pane ends: the cut shows (the column is wide)
        room = self.scrollable_content_region.width - (10 + 8 + 3 * 2) - 2

        def what(text: str) -> str:
            first = text.splitlines()[0] if text else ""
            return clip(first, room) if room > 0 else first

        self.show_rows([(str(e.id), (clock_time(e.ts, now), self.styled(e.kind, KIND_LEVELS.get(
            e.kind, "muted")), what(e.text))) for e in entries])

    def on_resize(self) -> None:
        if self._shown is not None:
            self.show(*self._shown)
