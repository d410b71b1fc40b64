"""Duration awareness in a session: usual timings of each step, and asking when one overruns."""

from __future__ import annotations

import statistics
import time
from typing import TYPE_CHECKING

from textual import work

from maintui.core.units import format_duration as fmt
from maintui.tui.dialogs.confirm import Choice, OverrunDialog

if TYPE_CHECKING:
    from maintui.tui.screens.session import SessionScreen

    _Base = SessionScreen
else:
    _Base = object


class SessionTiming(_Base):
    """Mixed into SessionScreen: p50/p95 from past runs; a step past its p95 asks the operator."""

    async def _load_durations(self) -> None:
        """p50/p95 of each step's past successful runs, for the detail and overrun checks."""

        for step in self.screen_file.steps:
            past = await self.store.step_durations(self.screen_file.name, step.id)
            if len(past) >= 2:
                cuts = statistics.quantiles(past, n=20, method="inclusive")
                self.durations[step.id] = (statistics.median(past), cuts[18], len(past))

    def _check_overrun(self) -> None:
        """Ask once a running step passes its usual p95 (three past runs at least)."""

        for sid, info in self.steps.items():
            known = self.durations.get(sid)
            if info["state"] != "running" or not known or known[2] < 3 or not info["started"]:
                continue
            elapsed = time.time() - info["started"]
            if elapsed <= self._overrun_after.get(sid, max(known[1], 1.0)):
                continue
            self._overrun_after[sid] = elapsed * 2  # asked now; again only at twice as long

            def answered(choice: Choice | None, sid: str = sid) -> None:
                self._overrun(choice.kind if choice else "wait", sid)

            self.app.push_screen(OverrunDialog(sid, fmt(elapsed), fmt(known[0]), fmt(known[1])),
                                 answered)
            return

    def _overrun(self, kind: str, sid: str) -> None:
        if kind == "extend":
            self._overrun_after[sid] = float("inf")
        elif kind == "abort":
            self._decide("abort", None, f"{sid} ran past its usual duration")
        elif kind == "incident":
            self._open_incident(sid)

    @work(group="session-incident")
    async def _open_incident(self, sid: str) -> None:
        from maintui.core.incidents.model import add_timeline, open_incident

        incident = await open_incident(self.store, f"{self.screen_file.name}: {sid} runs far "
                                       "longer than usual", "sev3")
        await add_timeline(self.store, incident.id, "run",
                           f"run {self.run_id} step {sid} overran", {"run_id": self.run_id})
        self.notify(f"incident {incident.id} opened", title="Incident", timeout=8)
