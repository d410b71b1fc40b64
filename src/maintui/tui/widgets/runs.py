"""The latest runs from the run log."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

from maintui.core.states import label
from maintui.core.units import clock_time, span
from maintui.tui.widgets.rows import STATE_LEVELS, RowList, short_label

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
        self._runs: tuple[RunRow, ...] = ()
        self._now = 0.0
        self._short = False  # the outcomes in their short forms (`undone`): too narrow for words

    def on_mount(self) -> None:
        self.add_fixed_columns(*self.COLUMNS)
        self.border_title = "Recent runs"
        # no header until the run log is read: its widths are the runs' (`#  Screen` for run 1),
        # and a header drawn before them would jump when they come
        self.show_header = False

    def show(self, runs: tuple[RunRow, ...], now: float, gone: frozenset[int] = frozenset(), *,
             loading: bool = False) -> None:
        """`loading`: the run log is not read yet; "no runs yet" is said only once it is."""
        self._gone, self._runs, self._now = gone, runs, now
        if self.show_header == loading:  # the header comes with the first read, once
            self.show_header = not loading
            self._resize()
            self.refresh()
        self._need = {"Screen": max((len(self._screen(r)) for r in runs), default=0),
                      "Outcome": max((len(self._state(r)) for r in runs), default=0),
                      "short": max((len(self._state(r, short=True)) for r in runs), default=0),
                      "By": max((len(r.user or "") for r in runs), default=0),
                      "#": max((len(str(r.id)) for r in runs), default=0),
                      "When": max((len(clock_time(r.started, now)) for r in runs), default=0)}
        self._draw()
        self.border_subtitle = "" if runs else "loading…" if loading else "no runs yet"

    def on_resize(self) -> None:
        self._draw()
        super().on_resize()

    def _draw(self) -> None:
        self._fit()  # first: it decides the outcomes' forms
        self.show_rows([(str(r.id), self._cells(r, self._now)) for r in self._runs])

    def _fit(self) -> None:
        if not self._columns:  # not mounted yet: on_mount adds them
            return
        widths = dict(self.COLUMNS)
        # the id, the start, the screen and the outcome need no more than their values
        # (`13:12` today, a date before that): at 80x24 that room lets `rolled back` read whole
        for name, least in (("#", 1), ("When", 4), ("Screen", 6), ("Outcome", 7)):
            widths[name] = max(least, min(widths[name], self._need.get(name) or widths[name]))
        # less a scrollbar's width, shown or not: the columns stay put as it comes and goes
        room = self.size.width - 1 - sum(w + 2 for w in widths.values())
        if room > 0:  # the last column needs no more than its longest user (`root`)
            widths["By"] = max(2, min(widths["By"], self._need.get("By", 0)))
            room += self.COLUMNS[-1][1] - widths["By"]
        else:  # narrow (80x24): Took and By are off the edge; what grows is what shows
            room = self.size.width - 1 - sum(widths[c] + 2 for c in self.SHOWN)
        # an outcome the room cannot show whole (`rolled b…`) takes its short form (`undone`),
        # as in the Screens list: what room is left goes to the screen's name
        self._short = self._need.get("Outcome", 0) > widths["Outcome"] + max(0, room)
        need = dict(self._need, Outcome=self._need.get("short" if self._short else "Outcome", 0))
        for name in self.GROW:
            grow = max(0, min(need.get(name, 0) - widths[name], room))
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

    def _state(self, run: RunRow, *, short: bool = False) -> str:
        said = GONE if run.id in self._gone else label(run.state)
        return (short_label(said) if short else said) + (" (dry)" if run.dry_run else "")

    @staticmethod
    def _screen(run: RunRow) -> str:
        """The screen, and for a partial run (`--only`) what it ran, in the words of the Runs
        screen (`triage · check steps only`): not a whole run of it. Cut in a narrow
        column, its ellipsis still shows there is more than the screen."""
        return f"{run.screen} · {run.scope}" if run.selection else run.screen

    def _cells(self, run: RunRow, now: float) -> tuple:
        state = self._state(run, short=self._short)
        took = span((run.ended or now) - run.started)
        level = "critical" if run.id in self._gone else STATE_LEVELS.get(run.state, "muted")
        return (str(run.id), self._screen(run), self.styled(state, level),
                clock_time(run.started, now), took, run.user)

    def chosen(self, key: str) -> None:
        self.post_message(self.RunSelected(int(key)))
