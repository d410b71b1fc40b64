"""HistoryScreen: past runs, newest first, filtered by outcome, screen and text."""

from __future__ import annotations

import time
from typing import Any

from rich.console import RenderableType
from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult
from textual.widgets import DataTable, Input, Static

from maintui.core.site.config import SiteConfig
from maintui.core.states import label
from maintui.core.store.rows import RunRow
from maintui.core.units import format_duration, when
from maintui.tui import keys
from maintui.tui.screens.base import RunLogScreen
from maintui.tui.screens.report import ReportScreen
from maintui.tui.screens.reports import ReportsScreen
from maintui.tui.screens.run_detail import RunDetailScreen
from maintui.tui.widgets.cells import fit_column, table_width
from maintui.tui.widgets.keybar import KeyBar
from maintui.tui.widgets.outcomes import OutcomeTable
from maintui.tui.widgets.problem import ProblemPanel

LIMIT = 500  # runs read per outcome; the table stays quick to rebuild
COLUMNS = ("#", "screen", "state", "started", "took", "user", "message")
WIDE = 100  # columns from which the start time shows its year
EMPTY = "No runs yet — run one with `maintui run daily`."
# What `f` cycles through: a name and the run states it shows (none: every state).
FILTERS: dict[str, tuple[str, ...]] = {
    "all": (),
    "succeeded": ("succeeded",),
    "failed": ("failed", "rollback_failed", "interrupted"),
    "stopped": ("aborted", "rolled_back"),
    "live": ("running", "waiting"),
}


def _next(options: list[str], current: str) -> str:
    return options[(options.index(current) + 1) % len(options)] if current in options else options[0]


class HistoryScreen(RunLogScreen):
    """The run log's runs; Enter opens one, `m` its report, `R` the report files."""

    DEFAULT_CSS = """
    HistoryScreen #history-title { height: 1; padding: 0 1; text-style: bold; }
    HistoryScreen #history-filter { display: none; }
    HistoryScreen #history-filter.-shown { display: block; }
    HistoryScreen #history-table { height: 1fr; overflow-x: hidden; }
    HistoryScreen.-empty #history-table { height: auto; }
    HistoryScreen #history-empty { display: none; height: auto; padding: 1 2; }
    HistoryScreen.-empty #history-empty { display: block; }
    """
    BINDINGS = keys.for_screen("runs")
    AUTO_FOCUS = "#history-table"
    REFRESH_GROUP = "history-refresh"
    POLL_SECONDS = 3.0

    def __init__(self, config: SiteConfig, store: Any = None) -> None:
        super().__init__(config, store)
        self.outcome, self.screen_name = "all", "all"
        self.runs: list[RunRow] = []
        self.screens: list[str] = ["all"]
        self.loaded = False

    def compose(self) -> ComposeResult:
        yield Static("Runs", id="history-title")
        yield Input(placeholder="filter: screen, user, state or message", id="history-filter")
        yield ProblemPanel()
        yield OutcomeTable(*COLUMNS,
                           id="history-table")
        yield Static(EMPTY, id="history-empty", markup=False)
        yield KeyBar()

    @property
    def table(self) -> OutcomeTable:
        return self.query_one("#history-table", OutcomeTable)

    @work(exclusive=True, group="history-refresh", exit_on_error=False)
    async def reload(self) -> None:
        log = await self.run_log()
        screen = None if self.screen_name == "all" else self.screen_name
        states = FILTERS[self.outcome]
        if states:  # one indexed query per state, merged newest first
            runs = [r for s in states for r in await log.runs(LIMIT, screen=screen, state=s)]
            runs = sorted(runs, key=lambda r: r.id, reverse=True)[:LIMIT]
        else:
            runs = await log.runs(LIMIT, screen=screen)
        # a screen with partial runs only (`--only`) has no last run, and is a filter all the same
        self.screens = ["all", *sorted({*await log.last_runs(), *(r.screen for r in runs)})]
        self.runs, self.loaded = runs, True
        self.show_problem(None)
        self._fill()

    def _matches(self, run: RunRow, text: str) -> bool:
        hay = (f"{run.id} {run.screen} {run.scope} {run.title} {run.state} {label(run.state)} "
               f"{run.user} {run.message}")
        return text in hay.lower()

    def _fill(self) -> None:
        text = self.query_one("#history-filter", Input).value.strip().lower()
        runs = [r for r in self.runs if self._matches(r, text)] if text else self.runs
        table = self.table
        rows = [(str(r.id), self._cells(table, r)) for r in runs]
        table.set_rows(fit_column(rows, COLUMNS, table_width(table), 6))
        self.set_class(self.loaded and not runs, "-empty")
        empty = self.query_one("#history-empty", Static)
        filtered = self.outcome != "all" or self.screen_name != "all" or text
        empty.update("No runs match these filters (f: state, s: screen, /: text)."
                     if filtered else EMPTY)
        title = f"Runs · state: {self.outcome} · screen: {self.screen_name}"
        title += f" · text: {text}" if text else ""
        title += f" · {len(runs)} shown" if self.loaded else ""
        self.query_one("#history-title", Static).update(Text(title))

    def _cells(self, table: OutcomeTable, r: RunRow) -> list[RenderableType]:
        took = format_duration((r.ended or time.time()) - r.started)
        screen = r.screen + (" (dry)" if r.dry_run else "") + (f" · {r.scope}" if r.scope else "")
        return [Text(str(r.id), justify="right"), screen, table.outcome(r.state),
                when(r.started, self._stamp()), took if r.ended else f"{took}…", r.user,
                r.message]

    def _stamp(self) -> str:
        """The start time's format: the year only where there is room for it."""
        return "%Y-%m-%d %H:%M" if (self.size.width or self.app.size.width) >= WIDE else "%m-%d %H:%M"

    def on_resize(self) -> None:
        self._fill()

    def _selected(self) -> int | None:
        key = self.table.cursor_key
        return int(key) if key else None

    @on(DataTable.RowSelected, "#history-table")
    def action_open(self) -> None:
        if (run_id := self._selected()) is not None:
            self.app.push_screen(RunDetailScreen(self.config, run_id, store=self._store))

    def action_report(self) -> None:
        if (run_id := self._selected()) is not None:
            self.app.push_screen(ReportScreen(self.config, run_id=run_id, store=self._store))

    def action_reports(self) -> None:
        self.app.push_screen(ReportsScreen(self.config))

    def action_outcome(self) -> None:
        self.outcome = _next(list(FILTERS), self.outcome)
        self.reload()

    def action_screen(self) -> None:
        self.screen_name = _next(self.screens, self.screen_name)
        self.reload()

    def action_filter(self) -> None:
        box = self.query_one("#history-filter", Input)
        box.add_class("-shown")
        box.focus()

    @on(Input.Changed, "#history-filter")
    def _text_changed(self) -> None:
        self._fill()  # the rows are in memory: filtering text needs no query

    @on(Input.Submitted, "#history-filter")
    def _text_done(self) -> None:
        self.table.focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "back" and isinstance(self.focused, Input):  # Escape clears the filter
            return True
        return super().check_action(action, parameters)

    def action_back(self) -> None:
        box = self.query_one("#history-filter", Input)
        if box.has_focus:  # Escape in the filter clears it first
            box.value = ""
            box.remove_class("-shown")
            self.table.focus()
        else:
            super().action_back()


class HistoryApp(App[None]):
    """HistoryScreen on its own (`python -m maintui.tui.screens.runs`), as the tests use it."""

    def __init__(self, config: SiteConfig, store: Any = None) -> None:
        super().__init__()
        self.config, self.store = config, store

    def on_mount(self) -> None:
        self.push_screen(HistoryScreen(self.config, store=self.store), lambda _: self.exit())


if __name__ == "__main__":
    import argparse

    from maintui.core.site.config import load_config

    parser = argparse.ArgumentParser(description="Browse the run log's history.")
    parser.add_argument("--config", help="site config file")
    HistoryApp(load_config(parser.parse_args().config)).run()
