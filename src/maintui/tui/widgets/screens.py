"""The site's screens with their last run and due state, and the problems of broken files."""

from __future__ import annotations

from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from maintui.core.units import ago, span
from maintui.tui.models.board import ScreenStatus
from maintui.tui.widgets.rows import STATE_LEVELS, Cell, RowList

SHORT_STATES = {"succeeded": "ok", "rolled_back": "rolled back", "rollback_failed": "undo failed"}
DUE_LEVELS = {"ok": "ok", "due": "warning", "overdue": "critical", "never": "muted"}


class ScreenList(RowList):
    """One row per screen file; Enter (or its number on the home screen) opens it."""

    class ScreenSelected(Message):
        """The operator chose a screen to open."""

        def __init__(self, screen_name: str) -> None:
            super().__init__()
            self.screen_name = screen_name

    NAME_WIDTH = 9  # at 80x24; wider when the panel has room, so `3 quarterly` is not cut
    REST = (("Last", 7), ("Outcome", 7), ("Due", 10))

    def on_mount(self) -> None:
        self._longest = 0
        self._outcome = 0  # the longest outcome shown
        self.add_fixed_columns(("Screen", self.NAME_WIDTH), *self.REST)
        self.border_title = "Screens"

    def show(self, screens: tuple[ScreenStatus, ...], now: float, *,
             loading: bool = False) -> None:
        self._longest = max((len(s.name) + 2 for s in screens), default=0)
        self._outcome = max((len(SHORT_STATES.get(s.last.state, s.last.state))
                             for s in screens if s.last is not None), default=0)
        self._fit()
        self.show_rows([(s.name, self._cells(i, s, now)) for i, s in enumerate(screens, 1)])
        self.border_subtitle = "" if screens else \
            "loading screens…" if loading else "no screen files"

    def on_resize(self) -> None:
        self._fit()
        super().on_resize()

    def _fit(self) -> None:
        room = self.scrollable_content_region.width - sum(w + 2 for _, w in self.REST) - 2
        width = max(self.NAME_WIDTH, min(self._longest, room))
        # then the outcome, when room is left: `rolled back` whole rather than `rolled…`
        rest = dict(self.REST)
        rest["Outcome"] += max(0, min(self._outcome - rest["Outcome"], room - width))
        columns = (("Screen", width), *rest.items())
        if self._columns != columns:
            self._columns = columns
            self._resize()
            self.refresh()

    def _cells(self, number: int, s: ScreenStatus, now: float) -> tuple:
        last = s.last
        outcome = ""
        if last is not None:
            outcome = self.styled(SHORT_STATES.get(last.state, last.state),
                                  STATE_LEVELS.get(last.state, "muted"))
        label = f"{number} {s.name}" if number < 10 else f"  {s.name}"
        return (label, ago(last.started if last else None, now), outcome, self._due(s, now))

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
