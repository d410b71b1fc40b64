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

    # at 80x24; Outcome, then Screen, widen when the panel has room (`rolled_back`, `quarterly`)
    COLUMNS = (("#", 3), ("Screen", 8), ("Outcome", 9), ("Started", 10), ("Took", 4), ("By", 8))
    GROW = ("Outcome", "Screen")

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._need: dict[str, int] = {}  # the longest screen name and outcome shown

    def on_mount(self) -> None:
        self.add_fixed_columns(*self.COLUMNS)
        self.border_title = "Recent runs"

    def show(self, runs: tuple[RunRow, ...], now: float) -> None:
        self._need = {"Screen": max((len(r.screen) for r in runs), default=0),
                      "Outcome": max((len(self._state(r)) for r in runs), default=0),
                      "By": max((len(r.user or "") for r in runs), default=0)}
        self._fit()
        rows = [(str(r.id), self._cells(r, now)) for r in runs]
        self.show_rows(rows)
        self.border_subtitle = "" if runs else "no runs yet"

    def on_resize(self) -> None:
        self._fit()
        super().on_resize()

    def _fit(self) -> None:
        if not self._columns:  # not mounted yet: on_mount adds them
            return
        widths = dict(self.COLUMNS)
        room = self.scrollable_content_region.width - sum(w + 2 for _, w in self.COLUMNS) - 2
        if room > 0:  # the last column needs no more than its longest user (`root`)
            widths["By"] = max(2, min(widths["By"], self._need.get("By", 0)))
            room += self.COLUMNS[-1][1] - widths["By"]
        for name in self.GROW:
            grow = max(0, min(self._need.get(name, 0) - widths[name], room))
            widths[name] += grow
            room -= grow
        columns = tuple((name, widths[name]) for name, _ in self.COLUMNS)
        if columns != self._columns:
            self._columns = columns
            self._resize()
            self.refresh()

    @staticmethod
    def _state(run: RunRow) -> str:
        return run.state + (" (dry)" if run.dry_run else "")

    def _cells(self, run: RunRow, now: float) -> tuple:
        state = self._state(run)
        took = span((run.ended or now) - run.started)
        return (str(run.id), run.screen, self.styled(state, STATE_LEVELS.get(run.state, "muted")),
                clock_time(run.started, now), took, run.user)

    def chosen(self, key: str) -> None:
        self.post_message(self.RunSelected(int(key)))
