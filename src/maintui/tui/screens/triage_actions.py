"""The triage screen's incident work: open, note, snapshot, quick actions, recovery, close."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from textual import work

from maintui.core.incidents import model as inc
from maintui.core.run.launch import spawn_runner
from maintui.core.states import RunState
from maintui.tui.dialogs.confirm import ReasonDialog
from maintui.tui.dialogs.incident import CloseIncidentDialog, OpenIncidentDialog, QuickActionDialog
from maintui.tui.widgets.triage import IncidentBar

if TYPE_CHECKING:
    from maintui.core.site.config import SiteConfig
    from maintui.tui.poller import Poller

SCREEN = "triage"  # the screen file whose steps are the checks and the quick actions


class IncidentActions:
    """Mixed into TriageScreen: each action is a worker, its dialog awaited, its result written
    to the run log; failures reach the app's one worker-error handler."""

    config: SiteConfig
    poller: Poller
    incident: inc.Incident | None
    check_run: int | None
    _stamped: set[int]

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

    @work(exclusive=True, group="triage-incident", exit_on_error=False)
    async def action_open_incident(self) -> None:
        if self.incident is not None:
            self.notify(f"{self.incident.id} is open: c closes it", severity="warning")
            return
        new = await self.app.push_screen_wait(OpenIncidentDialog())
        if new is not None:
            self.incident = await inc.open_incident(await self._store(), new.title, new.severity,
                                                    now=self.poller.clock.now())
            self.query_one(IncidentBar).show(self.incident, self.poller.clock.now())
            self.notify(f"{self.incident.id} opened: everything done now goes on its timeline")

    @work(exclusive=True, group="triage-incident", exit_on_error=False)
    async def action_note(self) -> None:
        if (incident := self._needs_incident()) is not None:
            text = await self.app.push_screen_wait(ReasonDialog(f"Note on {incident.id}"))
            if text:
                await inc.add_timeline(await self._store(), incident.id, "note", text,
                                       now=self.poller.clock.now())
                self.notify("Note added to the timeline", timeout=3)

    @work(exclusive=True, group="triage-snapshot", exit_on_error=False)
    async def action_snapshot(self) -> None:
        from maintui.core.incidents.diagnostics import snapshot, store_snapshot, summary_line

        if (incident := self._needs_incident()) is not None:
            self.notify("Taking a diagnostics snapshot…", timeout=2)
            snap = await asyncio.to_thread(snapshot, self.config)
            await store_snapshot(await self._store(), incident.id, snap)
            self.notify(summary_line(snap), title=f"Snapshot stored on {incident.id}")

    @work(exclusive=True, group="triage-incident", exit_on_error=False)
    async def action_quick_actions(self) -> None:
        screen = next((s for s in self.poller.catalog.screens if s.name == SCREEN), None)
        actions = [(s.id, s.title, s.risk) for s in (screen.steps if screen else [])
                   if "check" not in s.tags]
        if not actions:
            self.notify(f"The {SCREEN} screen file has no quick actions", severity="warning")
            return
        picked = await self.app.push_screen_wait(
            QuickActionDialog(actions, self.incident.id if self.incident else None))
        if picked:
            await self._launch(SCREEN, ["--only", picked], f"quick action {picked}")

    @work(exclusive=True, group="triage-incident", exit_on_error=False)
    async def action_recovery(self) -> None:
        if self.incident is None:
            self.notify("No incident open: the recovery run is not attached to one",
                        severity="warning")
        await self._launch("recovery", [], "recovery")

    async def _launch(self, screen: str, extra: list[str], what: str) -> None:
        """Start a run for the incident and open its session (which asks for confirmations)."""
        from maintui.tui.screens.session import SessionScreen

        store = await self._store()
        for _ in range(100):  # one run per screen: let the checks finish first
            run = await store.run(self.check_run) if self.check_run and screen == SCREEN else None
            if run is None or not RunState(run.state).live:
                break
            await asyncio.sleep(0.2)
        incident = self.incident
        if incident is not None:
            extra = [*extra, "--incident", incident.id]
        run_id = await self.spawn(screen, extra)
        if incident is not None:
            await inc.add_timeline(store, incident.id, "action", f"{what} started as run {run_id}",
                                   {"run_id": run_id, "screen": screen},
                                   now=self.poller.clock.now())
        self.app.push_screen(SessionScreen(self.config, screen, run_id=run_id, store=store))

    @work(exclusive=True, group="triage-incident", exit_on_error=False)
    async def action_close_incident(self) -> None:
        from maintui.tui.screens.incident import IncidentScreen, export_incident_report

        if (incident := self._needs_incident()) is None:
            return
        summary = await self.app.push_screen_wait(CloseIncidentDialog(incident.id, incident.title))
        if not summary:
            return
        store = await self._store()
        await self._stamp_new_runs(store, incident)
        await inc.close_incident(store, incident.id, summary, now=self.poller.clock.now())
        self.incident = None
        self.query_one(IncidentBar).show(None, self.poller.clock.now())
        path = await export_incident_report(store, incident.id, self.config.reports_dir)
        self.notify(str(path), title=f"{incident.id} closed; report saved")
        self.app.push_screen(IncidentScreen(self.config, incident.id, store=store))

    @work(exclusive=True, group="triage-incident", exit_on_error=False)
    async def action_view_incident(self) -> None:
        from maintui.tui.screens.incident import IncidentScreen

        found = self.incident or next(iter(await inc.list_incidents(await self._store(), limit=1)),
                                      None)
        if found is None:
            self.notify("No incidents yet: o opens one", severity="warning")
            return
        self.app.push_screen(IncidentScreen(self.config, found.id, store=await self._store()))
