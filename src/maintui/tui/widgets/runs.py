"""The latest runs from the run log."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

from maintui.core.states import label
from maintui.core.units import clock_time, span
from maintui.tui.widgets.rows import STATE_LEVELS, RowList

if TYPE_CHECKING:  # the rows' classes load with the run log, after the console's first frame
    from maintui.core.store.rows import RunRow

# a run the log says is going, whose runner is gone (killed, its host rebooted): the session
# and the CLI mark it interrupted when they open the run log; until then the row says so
GONE = "runner gone"


class RecentRuns(RowList):
    """Newest runs first: id, screen, outcome, when, how long, by whom."""

    class RunSelected(Message):
        """The operator chose a run (Enter)."""

        def __init__(self, run_id: int) -> None:
            super().__init__()
            self.run_id = run_id

    # at 80x24; Outcome, then Screen, widen when the panel has room (`rolled_back`, `quarterly`)
    COLUMNS = (("#", 3), ("Screen", 8), ("Outcome", 9), ("When", 10), ("Took", 4), ("By", 8))
    GROW = ("Outcome", "Screen")
    SHOWN = ("#", "Screen", "Outcome", "When")  # the columns 80x24 has room for

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._need: dict[str, int] = {}  # the longest screen name and outcome shown
        self._gone: frozenset[int] = frozenset()

    def on_mount(self) -> None:
        self.add_fixed_columns(*self.COLUMNS)
        self.border_title = "Recent runs"

    def show(self, runs: tuple[RunRow, ...], now: float, gone: frozenset[int] = frozenset()) -> None:
        self._gone = gone
        self._need = {"Screen": max((len(self._screen(r)) for r in runs), default=0),
                      "Outcome": max((len(self._state(r)) for r in runs), default=0),
                      "By": max((len(r.user or "") for r in runs), default=0),
                      "#": max((len(str(r.id)) for r in runs), default=0),
                      "When": max((len(clock_time(r.started, now)) for r in runs), default=0)}
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
        # the id, the start and the screen need no more than their values (`13:12` today, a
        # date before that): at 80x24 that room lets `rolled back` read whole
        for name, least in (("#", 1), ("When", 4), ("Screen", 6)):
            widths[name] = max(least, min(widths[name], self._need.get(name) or widths[name]))
        # less a scrollbar's width, shown or not: the columns stay put as it comes and goes
        room = self.size.width - 1 - sum(w + 2 for w in widths.values())
        if room > 0:  # the last column needs no more than its longest user (`root`)
            widths["By"] = max(2, min(widths["By"], self._need.get("By", 0)))
            room += self.COLUMNS[-1][1] - widths["By"]
        else:  # narrow (80x24): Took and By are off the edge; what grows is what shows
            room = self.size.width - 1 - sum(widths[c] + 2 for c in self.SHOWN)
        for name in self.GROW:
            grow = max(0, min(self._need.get(name, 0) - widths[name], room))
            widths[name] += grow
            room -= grow
        # a column the panel cannot show whole is left out, not cut at the edge (`T`, `0`)
        kept, used = [], 0
        for name, _ in self.COLUMNS:
            used += widths[name] + 2
            if name not in self.SHOWN and used > self.size.width - 1:
                break
            kept.append((name, widths[name]))
        columns = tuple(kept)
        if columns != self._columns:
            self._columns = columns
            self._resize()
            self.refresh()

    def _state(self, run: RunRow) -> str:
        return (GONE if run.id in self._gone else label(run.state)) + (" (dry)" if run.dry_run else "")

    @staticmethod
    def _screen(run: RunRow) -> str:
        """The screen, and the steps a partial run (`--only`) ran, as the palette names a
        screen's step (`monthly:maintenance-on`): not a whole run of it. Short, for a narrow
        column: cut, its ellipsis still shows there is more than the screen."""
        return f"{run.screen}:{','.join(run.selection)}" if run.selection else run.screen

    def _cells(self, run: RunRow, now: float) -> tuple:
        state = self._state(run)
        took = span((run.ended or now) - run.started)
        level = "critical" if run.id in self._gone else STATE_LEVELS.get(run.state, "muted")
        return (str(run.id), self._screen(run), self.styled(state, level),
                clock_time(run.started, now), took, run.user)

    def chosen(self, key: str) -> None:
        self.post_message(self.RunSelected(int(key)))
