"""The latest runs from the run log."""

from __future__ import annotations

from textual.message import Message

from maintui.core.store.rows import RunRow
from maintui.core.units import clock_time, span
from maintui.tui.widgets.rows import STATE_LEVELS, RowList


class RecentRuns(RowList):
    """Newest runs first: id, screen, outcome, when, how long, by whom."""

    class RunSelected(Message):
        """The operator chose a run (Enter)."""

        def __init__(self, run_id: int) -> None:
            super().__init__()
            self.run_id = run_id

    def on_mount(self) -> None:
        self.add_fixed_columns(("#", 3), ("Screen", 8), ("Outcome", 9), ("Started", 10),
                               ("Took", 4), ("By", 8))
        self.border_title = "Recent runs"

    def show(self, runs: tuple[RunRow, ...], now: float) -> None:
        rows = [(str(r.id), self._cells(r, now)) for r in runs]
        self.show_rows(rows)
        self.border_subtitle = "" if runs else "no runs yet"

    def _cells(self, run: RunRow, now: float) -> tuple:
        state = run.state + (" (dry)" if run.dry_run else "")
        took = span((run.ended or now) - run.started)
        return (str(run.id), run.screen, self.styled(state, STATE_LEVELS.get(run.state, "muted")),
                clock_time(run.started, now), took, run.user)

    def chosen(self, key: str) -> None:
        self.post_message(self.RunSelected(int(key)))
