"""The triage screen: what is wrong right now, and the incident being worked on.

Checks (the `triage` screen file's steps tagged "check") run in a detached runner when the
screen opens and on `R`; quick actions (its other steps) and recovery run the same way,
attached to the open incident, their confirmation asked by the standard session screen.
The incident itself lives in the run log, so it survives leaving and reopening the console.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Header, Static

from maintui.core.incidents import model as inc
from maintui.core.probes.base import Snapshot
from maintui.core.states import RunState
from maintui.tui.models.board import Board
from maintui.tui.screens.triage_actions import SCREEN, IncidentActions
from maintui.tui.widgets import MaintenanceBanner, ProcessTable
from maintui.tui.widgets import triage as tw
from maintui.tui.widgets.triage import CheckTable, ErrorTable, FailedRuns, IncidentBar

if TYPE_CHECKING:
    from maintui.core.site.config import SiteConfig
    from maintui.tui.poller import Poller

REFRESH, REFRESH_BUSY = 2.0, 0.5  # seconds between looks at the run log and the logs


class TriageScreen(IncidentActions, Screen):
    """Gauges, top processes, failing checks, newest errors, failed runs; the open incident."""

    POLLS = frozenset({"resources", "board"})
    VERTICAL_BREAKPOINTS = [(0, "-short"), (34, "-tall")]
    DEFAULT_CSS = """
    TriageScreen #triage-status { height: 1; padding: 0 1; color: $text-muted; }
    TriageScreen #checks { height: auto; min-height: 3; max-height: 6; }
    TriageScreen #errors { height: 1fr; min-height: 5; }
    TriageScreen #triage-bottom { height: 8; }
    TriageScreen #triage-resources { width: 1fr; max-width: 46; padding: 0 1; }
    TriageScreen #triage-processes { width: 1fr; }
    TriageScreen #triage-runs { height: 8; }
    TriageScreen.-tall #checks { max-height: 10; }
    TriageScreen.-tall #triage-bottom { height: 10; }
    TriageScreen #checks, TriageScreen #errors, TriageScreen #triage-resources,
    TriageScreen #triage-processes, TriageScreen #triage-runs {
        border: round $primary 60%; border-title-color: $text-primary; border-title-style: bold;
        border-subtitle-color: $text-muted;
    }
    TriageScreen StatusTable:focus, TriageScreen RowList:focus { border: round $accent; }
    TriageScreen.-short #gauge-cores, TriageScreen.-short #gauge-swap,
    TriageScreen.-short #gauge-net, TriageScreen.-short #triage-runs { display: none; }
    """
    BINDINGS = [
        Binding("o", "open_incident", "Open", tooltip="Open an incident"),
        Binding("s", "snapshot", "Snapshot", tooltip="Snapshot diagnostics into the incident"),
        Binding("a", "quick_actions", "Actions", tooltip="Quick actions of the triage screen"),
        Binding("v", "recovery", "Recovery", tooltip="Start the recovery screen for the incident"),
        Binding("n", "note", "Note", tooltip="A note on the incident's timeline"),
        Binding("c", "close_incident", "Close", tooltip="Close the incident with a summary"),
        Binding("R", "run_checks", "Checks", tooltip="Run the checks again"),
        Binding("i", "view_incident", "Incident", tooltip="The incident's timeline and report"),
        Binding("m", "sort", "CPU/Mem", show=False),
    ]

    def __init__(self, config: SiteConfig, poller: Poller) -> None:
        super().__init__()
        self.config, self.poller = config, poller
        self._checks_live = False  # the check run was still going at the last look
        self.incident: inc.Incident | None = None
        self.check_run: int | None = None
        self._feed = tw.ErrorFeed(dict(config.logs))
        self._stamped: set[int] = set()
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield MaintenanceBanner(id="banner")
        yield IncidentBar(id="incident")
        yield Static(id="triage-status")
        yield CheckTable(id="checks")
        yield ErrorTable(list(self.config.logs), id="errors")
        with Horizontal(id="triage-bottom"):
            yield tw.ResourcePane(self.config, id="triage-resources")
            yield ProcessTable(id="triage-processes")
        yield FailedRuns(id="triage-runs")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#triage-resources").border_title = "Resources"
        self.query_one(CheckTable).show([], "checks not run yet")
        self.poller.sampled.subscribe(self, self.show_snapshot)
        self.poller.board_changed.subscribe(self, self.show_board)
        self.query_one(CheckTable).focus()
        self._show_latest()
        self.action_run_checks()
        self.refresh_state()

    def on_screen_resume(self) -> None:
        self._show_latest()
        if self._timer is None:
            self.refresh_state()  # the loop stopped while the screen was hidden

    def on_unmount(self) -> None:
        self._feed.close()

    def _show_latest(self) -> None:
        if self.poller.snapshot is not None:
            self.show_snapshot(self.poller.snapshot)
        self.show_board(self.poller.board)

    # -- what the poller brings ------------------------------------------------------------------

    def show_snapshot(self, snap: Snapshot) -> None:
        if not self.is_current:
            return
        self.query_one(tw.ResourcePane).show(snap, self.poller.history.series)
        self.query_one(ProcessTable).show(snap.processes)

    def show_board(self, board: Board) -> None:
        if not self.is_current:
            return
        now = self.poller.clock.now()
        self.query_one(MaintenanceBanner).show(board.maintenance, now)
        bad = self.query_one(FailedRuns).show_board(board, now)
        self.query_one("#triage-status", Static).update(tw.status_line(board, len(bad)))

    # -- the refresh loop: incident, checks, log errors -----------------------------------------

    @work(exclusive=True, group="triage-refresh", exit_on_error=False)
    async def refresh_state(self) -> None:
        """One look at the run log and the logs; the next is scheduled when this one ends.

        A failure still schedules the next look; a cancelled one (a newer refresh, or the app
        closing) does not: whoever cancelled it decides what comes next.
        """
        busy = False
        try:
            store = await self.poller.open_store()
            if store is not None:
                busy = await self._read_store(store)
            self.query_one(ErrorTable).show(await asyncio.to_thread(self._feed.refresh))
        except Exception:
            self._schedule(False)
            raise
        self._schedule(busy)

    def _schedule(self, busy: bool) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(REFRESH_BUSY if busy else REFRESH, self._tick)

    def _tick(self) -> None:
        self._timer = None
        if self.is_current:  # hidden: nothing done until the screen is resumed
            self.refresh_state()

    async def _read_store(self, store: Any) -> bool:
        """Show the incident and the checks; True while the check run is still going."""
        self.incident = await inc.open_incident_now(store)
        self.query_one(IncidentBar).show(self.incident, self.poller.clock.now())
        if self.incident is not None:
            await self._stamp_new_runs(store, self.incident)
        if self.check_run is None:
            return False
        run = await store.run(self.check_run)
        if run is None:
            return False
        failing = tw.failing_checks(await store.steps(run.id), await store.findings(run.id))
        self.query_one(CheckTable).show_run(run, failing, self.poller.clock.now())
        live = RunState(run.state).live
        if not live and self._checks_live:  # just ended: the failed-runs line must agree now
            await self.poller.poll_now(frozenset({"board"}))
        self._checks_live = live
        return live

    # -- actions ---------------------------------------------------------------------------------

    @work(exclusive=True, group="triage-checks", exit_on_error=False)
    async def action_run_checks(self) -> None:
        store = await self._store()
        if self.check_run is not None and (run := await store.run(self.check_run)) and \
                RunState(run.state).live:
            self.notify(f"The checks are running (run {run.id})", timeout=3)
            return
        extra = ["--only", "tag:check", "--yes"]
        if self.incident is not None:
            extra += ["--incident", self.incident.id]
        self.check_run = await self.spawn(SCREEN, extra)
        self.query_one(CheckTable).show([], f"run {self.check_run} running…")
        self.refresh_state()

    def action_sort(self) -> None:
        table = self.query_one(ProcessTable)
        table.sort = "memory" if table.sort == "cpu" else "cpu"
