"""The site's screens with their last run and due state, and the problems of broken files."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from maintui.core.states import label
from maintui.core.units import ago, span
from maintui.tui.models.board import ScreenStatus
from maintui.tui.widgets.rows import STATE_LEVELS, Cell, RowList, short_label
from maintui.tui.widgets.runs import GONE

if TYPE_CHECKING:  # the rows' classes load with the run log, after the console's first frame
    from maintui.core.store.rows import RunRow

DUE_LEVELS = {"ok": "ok", "due": "warning", "overdue": "critical", "never": "muted"}


class ScreenList(RowList):
    """One row per screen file; Enter (or its number on the home screen) opens it."""

    class ScreenSelected(Message):
        """The operator chose a screen to open."""

        def __init__(self, screen_name: str) -> None:
            super().__init__()
            self.screen_name = screen_name

    NAME_WIDTH = 9  # the least the name column gives way to (`5 quarte…`), after the outcome
    OUTCOME_WIDTH = 7  # `Outcome`, and the longest short form (`cut off`)
    REST = (("Last", 7), ("Outcome", 7), ("Due", 10))

    def on_mount(self) -> None:
        self._need: dict[str, int] = {}  # the longest of each column shown
        self._gone: frozenset[int] = frozenset()
        self._screens: tuple[ScreenStatus, ...] = ()
        self._now = 0.0
        self._short = False  # the outcomes in their short forms (`undone`): a narrow panel
        self.add_fixed_columns(("Screen", self.NAME_WIDTH), *self.REST)
        self.border_title = "Screens"
        # no header until the screen files are read: its widths are the names' (`5 quarterly`),
        # and a header drawn before them would jump when they come
        self.show_header = False

    def show(self, screens: tuple[ScreenStatus, ...], now: float, *,
             loading: bool = False, gone: frozenset[int] = frozenset()) -> None:
        self._gone, self._screens, self._now = gone, screens, now  # gone: runners gone
        if self.show_header == loading:  # the header comes with the first read, once
            self.show_header = not loading
            self._resize()
            self.refresh()
        self._short = False
        rows = self._rows_of()
        self._need = {name: max((len(_text(cells[i])) for _, cells in rows), default=0)
                      for i, (name, _) in enumerate((("Screen", 0), *self.REST))}
        self._need["short"] = max((len(short_label(self._outcome_of(s.last))) for s in screens
                                   if s.last is not None), default=0)
        self._draw()
        self.border_subtitle = "" if screens else \
            "loading screens…" if loading else "no screen files"

    def on_resize(self) -> None:
        self._draw()
        super().on_resize()

    def _rows_of(self) -> list:
        return [(s.name, self._cells(i, s, self._now)) for i, s in enumerate(self._screens, 1)]

    def _draw(self) -> None:
        self._fit()  # first: it decides the outcomes' forms
        self.show_rows(self._rows_of())

    def _fit(self) -> None:
        """Each column as wide as its longest value. When they do not all fit, the outcomes
        take their short forms (`undone`), then the outcome, then the name give way (each cut
        ends in `…`): the name is what the operator reads the list by. The room is the panel's
        width less a scrollbar's, shown or not: a scrollbar that comes and goes must not
        change the columns between two refreshes."""
        if not self._need:
            return
        room = self.size.width - 1  # the content box, less a scrollbar
        widths = {"Screen": max(len("Screen"), self._need["Screen"]), "Last": 7,
                  "Outcome": max(len("Outcome"), self._need["Outcome"]),
                  "Due": max(len("Due"), self._need["Due"])}
        over = sum(w + 2 for w in widths.values()) - room
        self._short = over > 0 and self._need["short"] < self._need["Outcome"]
        if self._short:
            short = max(len("Outcome"), self._need["short"])
            over -= widths["Outcome"] - short
            widths["Outcome"] = short
        for name, least in (("Outcome", self.OUTCOME_WIDTH), ("Screen", self.NAME_WIDTH)):
            give = max(0, min(over, widths[name] - least))
            widths[name] -= give
            over -= give
        columns = tuple((name, widths[name]) for name in ("Screen", "Last", "Outcome", "Due"))
        if self._columns != columns:
            self._columns = columns
            self._resize()
            self.refresh()

    def _cells(self, number: int, s: ScreenStatus, now: float) -> tuple:
        last = s.last
        outcome = ""
        if last is not None:
            said = self._outcome_of(last)
            outcome = self.styled(short_label(said) if self._short else said,
                                  "critical" if last.id in self._gone
                                  else STATE_LEVELS.get(last.state, "muted"))
        label = f"{number} {s.name}" if number < 10 else f"  {s.name}"
        return (label, ago(last.started if last else None, now), outcome, self._due(s, now))

    def _outcome_of(self, last: RunRow) -> str:
        return GONE if last.id in self._gone else label(last.state)

    def _due(self, s: ScreenStatus, now: float) -> Cell:
        """`in 5h` (ok), `due 2h` (late by), `overdue 3d`, `due now` (never succeeded), or `—`."""
        state, next_due = s.due.state, s.due.next_due
        if not s.schedule:
            return self.styled("—", "muted")
        if state == "never":  # scheduled, and never run to success: it is due now
            return self.styled("due now", "warning")
        if next_due is None:
            return self.styled(state, DUE_LEVELS[state])
        if state == "ok":
            return self.styled(ago(next_due, now), "ok")
        return self.styled(f"{state} {span(now - next_due)}", DUE_LEVELS[state])

    def chosen(self, key: str) -> None:
        self.post_message(self.ScreenSelected(key))


class ScreenProblems(Static):
    """What is wrong with the site's screen files (or the run log), in one line: how many, the
    key that shows them all, and the first one with its file named. The Screens list below
    keeps its rows at 80x24; `p` shows every problem in full (ProblemsDialog)."""

    DEFAULT_CSS = """
    ScreenProblems { height: 1; display: none; padding: 0 1; color: $text-error;
                     text-wrap: nowrap; text-overflow: ellipsis; }
    """

    def show(self, problems: tuple[str, ...]) -> None:
        self.display = bool(problems)
        if problems:
            self.update(Content.assemble((headline(problems), "bold"), " ",
                                         short_path(problems[0])))


def headline(problems: tuple[str, ...]) -> str:
    """`⚠ 7 problems (p shows all):`, then the first problem fills what room is left."""
    count = len(problems)
    return f"⚠ {count} problem{'s' if count > 1 else ''} (p shows {'all' if count > 1 else 'it'}):"


def short_path(problem: str) -> str:
    """A problem with its file's folder left out: the panel is 40 columns wide at 80x24."""
    head, sep, rest = problem.partition(":")
    return f"{head.rsplit('/', 1)[-1]}{sep}{rest}" if head.endswith(".toml") else problem


def _text(cell: Cell) -> str:
    return cell if isinstance(cell, str) else cell[0]
