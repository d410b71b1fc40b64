"""The triage screen: what is wrong right now, and the incident being worked on.

It works on one screen file of `kind = "triage"` (the app picks it: the only one, or the
operator's choice among several). Its steps tagged "check" run in a detached runner on `R`;
quick actions (its other steps) and recovery (a screen file of `kind = "recovery"`, chosen the
same way) run the same way, attached to the open incident, their confirmation asked by the
standard session screen.
The incident itself lives in the run log, so it survives leaving and reopening the console.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.reactive import Reactive
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Header, Static

from maintui.core.errors import MaintuiError
from maintui.core.incidents import model as inc
from maintui.core.probes.base import Snapshot
from maintui.core.run.launch import spawn_runner
from maintui.core.states import RunState
from maintui.tui import keys
from maintui.tui.dialogs.incident import (
    CloseIncidentDialog,
    NewIncident,
    OpenIncidentDialog,
    QuickActionDialog,
)
from maintui.tui.dialogs.text import ReasonDialog
from maintui.tui.models.board import Board
from maintui.tui.models.errors import ErrorFeed
from maintui.tui.paint import together
from maintui.tui.widgets import KeyBar, MaintenanceBanner, ProcessTable
from maintui.tui.widgets import triage as tw
from maintui.tui.widgets.triage import CheckTable, ErrorTable, FailedRuns, IncidentBar

if TYPE_CHECKING:
    from maintui.core.site.config import SiteConfig
    from maintui.tui.poller import Poller

REFRESH, REFRESH_BUSY = 2.0, 0.5  # seconds between looks at the run log and the logs
CHECKS = tw.CHECKS  # the `--only` of a check run: the triage screen's checks
NOTE_MISSING = "a note needs its text: type it, then Enter"
NO_TRIAGE = 'no screen file has kind = "triage": its checks and quick actions come from one'


RECOVERY_TITLE = "Recovery: which screen?"

class TriageScreen(Screen):
    """Gauges, top processes, failing checks, newest errors, failed runs; the open incident.

    A key that asks something pushes its dialog in the key's own action, so the keys typed
    right behind it land in the dialog's field, not on this screen (where letters are
    actions). What the dialog answers is written by `_record`: one write at a time, never
    cancelled by the next key, a failure said to the operator.
    """

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
    /* the top edge only: a whole border's colour is two cells a row on every Tab */
    TriageScreen StatusTable:focus, TriageScreen RowList:focus { border-top: round $accent; }
    TriageScreen.-short #gauge-cores, TriageScreen.-short #gauge-swap,
    TriageScreen.-short #gauge-net, TriageScreen.-short #triage-runs { display: none; }
    """
    BINDINGS = keys.for_screen("triage")
    # as on Home: a focus move repaints the two widgets it moves between, not the whole screen
    focused: Reactive[Widget | None] = Reactive(None, repaint=False)

    def __init__(self, config: SiteConfig, poller: Poller, screen: str | None = None) -> None:
        super().__init__()
        self.config, self.poller = config, poller
        self.screen_name = screen  # the triage screen file: checks and quick actions
        self._checks_live = False  # the check run was still going at the last look
        self._incident: inc.Incident | None = None
        self.check_run: int | None = None
        self._feed = ErrorFeed(dict(config.logs), config.log_formats)
        self._stamped: set[int] = set()
        self._timer: Timer | None = None
        self._writing = asyncio.Lock()  # the incident's writes, one after another, in order

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
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#triage-resources").border_title = "Resources"
        # Looking writes nothing: the last check run is shown; R starts a new one.
        checks = self.query_one(CheckTable)
        checks.show([], "checks not run yet · R runs them" if self.screen_name else NO_TRIAGE)
        if self.screen_name and sum(s.kind == "triage" for s in self.poller.catalog.screens) > 1:
            checks.border_title = f"Failing checks · {self.screen_name}"  # which of several
        # Called in place, not posted: a message to a screen under a dialog repaints the whole
        # dialog (Textual keeps a covered screen dirty), ~10 KB a second at 80x24.
        self.poller.sampled.subscribe(self, self.show_snapshot, immediate=True)
        self.poller.board_changed.subscribe(self, self.show_board, immediate=True)
        self.query_one(CheckTable).focus()
        self._show_latest()
        self.refresh_state()

    def on_screen_resume(self) -> None:
        self._show_latest()
        self.poller.board_soon()  # a run may have ended meanwhile: its count shows at once
        if self._timer is None:
            self.refresh_state()  # the loop stopped while the screen was hidden

    def on_unmount(self) -> None:
        self._feed.close()

    @property
    def incident(self) -> inc.Incident | None:
        """The open incident, if any; the footer's incident keys follow it."""
        return self._incident

    @incident.setter
    def incident(self, incident: inc.Incident | None) -> None:
        changed = (incident is None) != (self._incident is None)
        self._incident = incident
        if changed and self.is_attached:
            self.refresh_bindings()

    # Keys that cannot act are not shown: o with an incident open, n, s and c without one.
    NEEDS_INCIDENT = frozenset({"note", "snapshot", "close_incident"})

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "open_incident":
            return self._incident is None
        if action in self.NEEDS_INCIDENT:
            return self._incident is not None
        return True

    def _show_latest(self) -> None:
        if self.poller.snapshot is not None:
            self.show_snapshot(self.poller.snapshot)
        self.show_board(self.poller.board)

    # -- what the poller brings ------------------------------------------------------------------

    def show_snapshot(self, snap: Snapshot) -> None:
        if self.app.screen is not self:  # covered, even by a dialog: draw on resume
            return
        with together(self):  # the changed lines written now, in one update
            self.query_one(tw.ResourcePane).show(snap, self.poller.history.series)
            self.query_one(ProcessTable).show(snap.processes)

    def show_board(self, board: Board) -> None:
        if self.app.screen is not self:  # covered, even by a dialog: draw on resume
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
            groups = await asyncio.to_thread(self._feed.refresh)
            self.query_one(ErrorTable).show(groups, self._feed.unread())
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
        if self.check_run is None:  # the latest check run, read-only; none started by looking
            if self.screen_name is None:
                return False
            # a run that ran the checks: a quick action run alone (`--only restart`, the
            # palette's maintenance toggle) is a partial run that checked nothing
            latest = [r for r in await store.runs(20, screen=self.screen_name)
                      if not r.partial or CHECKS in r.selection]
            if not latest:
                return False
            self.check_run = latest[0].id
        run = await store.run(self.check_run)
        if run is None:
            return False
        now = self.poller.clock.now()
        failing = tw.failing_checks(await store.steps(run.id), await store.findings(run.id))
        if not RunState(run.state).live:
            failing = tw.superseded(failing, self._maintenance_checks(),
                                    self.poller.board.maintenance, run.ended or run.started, now)
        self.query_one(CheckTable).show_run(run, failing, now)
        live = RunState(run.state).live
        if not live and self._checks_live:  # just ended: the failed-runs line must agree now
            await self.poller.poll_now(frozenset({"board"}))
        self._checks_live = live
        return live

    def _maintenance_checks(self) -> set[str]:
        """The triage screen's checks that report maintenance mode (the board knows it now)."""
        screen = next((s for s in self.poller.catalog.screens if s.name == self.screen_name), None)
        return {s.id for s in (screen.steps if screen else [])
                if s.action == "maintenance.mode" and s.with_.get("state") == "status"}

    # -- the incident ----------------------------------------------------------------------------

    async def _stamp_new_runs(self, store: Any, incident: inc.Incident) -> None:
        """Runs that ended since the incident opened go on its timeline, whoever started them."""
        for run in self.poller.board.runs:
            if run.id not in self._stamped and run.started >= incident.opened \
                    and not RunState(run.state).live:
                await inc.stamp_run(store, incident.id, run.id)
                self._stamped.add(run.id)

    async def spawn(self, screen: str, extra: list[str]) -> int:
        """Start a detached runner (in a thread: it waits for the run id) and return its run id."""
        return await asyncio.to_thread(spawn_runner, self.config.path, screen, extra)

    async def _store(self) -> Any:
        store = await self.poller.open_store()
        if store is None:
            raise inc.IncidentError("the run log cannot be opened; see the home screen's problems")
        return store

    def _needs_incident(self) -> inc.Incident | None:
        if self.incident is None:
            self.notify("No open incident: o opens one", severity="warning", timeout=4)
        return self.incident

    # -- actions ---------------------------------------------------------------------------------

    @work(exclusive=True, group="triage-checks", exit_on_error=False)
    async def action_run_checks(self) -> None:
        if self.screen_name is None:
            self.notify(NO_TRIAGE, severity="warning")
            return
        store = await self._store()
        if self.check_run is not None and (run := await store.run(self.check_run)) and \
                RunState(run.state).live:
            self.notify(f"The checks are running (run {run.id})", timeout=3)
            return
        extra = ["--only", CHECKS, "--yes"]
        if self.incident is not None:
            extra += ["--incident", self.incident.id]
        self.check_run = await self.spawn(self.screen_name, extra)
        self.query_one(CheckTable).show([], f"run {self.check_run} running…")
        self.refresh_state()

    def action_sort(self) -> None:
        table = self.query_one(ProcessTable)
        table.sort = "memory" if table.sort == "cpu" else "cpu"

    def _record(self, what: str, write: Callable[[], Awaitable[object]]) -> None:
        """Run `write` (it takes `_writing` for its writes, so they go in order) in a worker
        that no later key cancels (a note cancelled by `c` was lost and left the run log
        locked); a failure is said, never dropped."""
        self.run_worker(self._recorded(what, write), name=what, group="triage-write",
                        exit_on_error=False)

    async def _recorded(self, what: str, write: Callable[[], Awaitable[object]]) -> None:
        try:
            await write()
        except (MaintuiError, OSError) as exc:
            self.notify(str(exc), title=f"{what} failed", severity="error", timeout=15)

    async def action_open_incident(self) -> None:
        if self.incident is not None:
            self.notify(f"{self.incident.id} is open: c closes it", severity="warning")
            return

        def opened(new: NewIncident | None) -> None:
            if new is not None:
                self._record("Opening the incident", lambda: self._open(new))

        await self.app.push_screen(OpenIncidentDialog(), opened)  # mounted: keys reach it

    async def _open(self, new: NewIncident) -> None:
        async with self._writing:
            self.incident = await inc.open_incident(await self._store(), new.title,
                                                    new.severity, now=self.poller.clock.now())
        self.query_one(IncidentBar).show(self.incident, self.poller.clock.now())
        self.notify(f"{self.incident.id} opened: everything done now goes on its timeline")

    async def action_note(self) -> None:
        if (incident := self._needs_incident()) is None:
            return

        def noted(text: str | None) -> None:
            if text:
                self._record("The note", lambda: self._note(incident, text))

        await self.app.push_screen(ReasonDialog(f"Note on {incident.id}", missing=NOTE_MISSING),
                                   noted)

    async def _note(self, incident: inc.Incident, text: str) -> None:
        async with self._writing:
            await inc.add_timeline(await self._store(), incident.id, "note", text,
                                   now=self.poller.clock.now())
        self.notify("Note added to the timeline", timeout=3)

    @work(exclusive=True, group="triage-snapshot", exit_on_error=False)
    async def action_snapshot(self) -> None:
        from maintui.core.incidents.diagnostics import snapshot, summary_line
        from maintui.core.incidents.model import store_snapshot

        if (incident := self._needs_incident()) is not None:
            self.notify("Taking a diagnostics snapshot…", timeout=2)
            snap = await asyncio.to_thread(snapshot, self.config)
            await store_snapshot(await self._store(), incident.id, snap)
            self.notify(summary_line(snap), title=f"Snapshot stored on {incident.id}")

    async def action_quick_actions(self) -> None:
        if self.screen_name is None:
            self.notify(NO_TRIAGE, severity="warning")
            return
        screen = next((s for s in self.poller.catalog.screens if s.name == self.screen_name),
                      None)
        actions = [(s.id, s.title, s.risk) for s in (screen.steps if screen else [])
                   if "check" not in s.tags]
        if not actions:
            self.notify(f"The {self.screen_name} screen file has no quick actions",
                        severity="warning")
            return
        screen_name = self.screen_name

        def picked(step: str | None) -> None:
            if step:
                self._record(f"Quick action {step}", lambda: self._launch(
                    screen_name, ["--only", step], f"quick action {step}"))

        await self.app.push_screen(
            QuickActionDialog(actions, self.incident.id if self.incident else None), picked)

    def action_recovery(self) -> None:
        """v: start the site's recovery screen, picked from a chooser when there are several.
        With the screen files read already (every board read), the chooser opens in this call:
        keys typed right behind `v` (a laggy link sends them in one burst) reach it."""
        found = self.app.known_screens("recovery")
        if found is None:  # not read yet: read them first, a moment later
            self._recovery_after_reading()
        elif len(found) > 1:
            self.app.push_screen(self.app.screen_chooser(RECOVERY_TITLE, "recovery", found),
                                 lambda name: self._recover(name) if name else None)
        else:
            self._recover(found[0][0] if found else None)

    @work(exclusive=True, group="triage-recovery", exit_on_error=False)
    async def _recovery_after_reading(self) -> None:
        picked, name = await self.app.choose_screen("recovery", RECOVERY_TITLE)
        if picked:
            self._recover(name)

    def _recover(self, name: str | None) -> None:
        """Start the recovery screen `name` for the incident; None: the site has none."""
        if name is None:
            self.notify('No screen file has kind = "recovery": add that line to the procedure '
                        "that recovers the service (screens/recovery.toml in the examples)",
                        severity="warning", timeout=8)
            return
        if self.incident is None:
            self.notify("No incident open: the recovery run is not attached to one",
                        severity="warning")
        what = "recovery" if name == "recovery" else f"recovery ({name})"
        self._record(what.capitalize(), lambda: self._launch(name, [], what))

    async def _launch(self, screen: str, extra: list[str], what: str) -> None:
        """Start a run for the incident and open its session (which asks for confirmations)."""
        from maintui.tui.screens.session import SessionScreen

        store = await self._store()
        for _ in range(100):  # one run per screen: let the checks finish first
            run = (await store.run(self.check_run)
                   if self.check_run and screen == self.screen_name else None)
            if run is None or not RunState(run.state).live:
                break
            await asyncio.sleep(0.2)
        incident = self.incident
        if incident is not None:
            extra = [*extra, "--incident", incident.id]
        run_id = await self.spawn(screen, extra)
        if incident is not None:
            async with self._writing:
                await inc.add_timeline(store, incident.id, "action",
                                       f"{what} started as run {run_id}",
                                       {"run_id": run_id, "screen": screen},
                                       now=self.poller.clock.now())
        self.app.push_screen(SessionScreen(self.config, screen, run_id=run_id, store=store))

    async def action_close_incident(self) -> None:
        if (incident := self._needs_incident()) is None:
            return

        def summarised(summary: str | None) -> None:
            if summary:
                self._record(f"Closing {incident.id}", lambda: self._close(incident, summary))

        await self.app.push_screen(CloseIncidentDialog(incident.id, incident.title), summarised)

    async def _close(self, incident: inc.Incident, summary: str) -> None:
        from maintui.tui.screens.incident import IncidentScreen, export_incident_report

        store = await self._store()
        async with self._writing:  # after the note typed just before `c`
            await self._stamp_new_runs(store, incident)
            await inc.close_incident(store, incident.id, summary, now=self.poller.clock.now())
        self.incident = None
        self.query_one(IncidentBar).show(None, self.poller.clock.now())
        path = await export_incident_report(store, incident.id, self.config.reports_dir)
        self.notify(str(path), title=f"{incident.id} closed; report saved")
        self.app.push_screen(IncidentScreen(self.config, incident.id, store=store))

    @work(exclusive=True, group="triage-view", exit_on_error=False)
    async def action_view_incident(self) -> None:
        from maintui.tui.screens.incident import IncidentScreen

        found = self.incident or next(iter(await inc.list_incidents(await self._store(), limit=1)),
                                      None)
        if found is None:
            self.notify("No incidents yet: o opens one", severity="warning")
            return
        self.app.push_screen(IncidentScreen(self.config, found.id, store=await self._store()))
