"""What a run leaves besides its steps: gauge snapshots, the report file, incident stamps."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from maintui.core.errors import MaintuiError, StoreError
from maintui.core.files import write_private
from maintui.core.incidents.model import stamp_run
from maintui.core.probes.psutil import quick_snapshot
from maintui.core.run.options import RunOptions
from maintui.core.run.report import render_report, render_report_sync, save_report
from maintui.core.site.config import SiteConfig
from maintui.core.site.model import Screen
from maintui.core.site.schedule import in_window


def outside_window(screen: Screen, now: float | None = None) -> bool:
    """Whether the screen has a maintenance window and `now` is not in it."""
    if not screen.window:
        return False
    return not in_window(screen.window, time.time() if now is None else now)


def weighed_steps(config: SiteConfig, screen: Screen) -> dict[str, dict[str, Any]]:
    """Each step's class, estimate, tags, impact and class policy, for those that give any."""
    from maintui.core.site.classes import class_policy

    out = {}
    for s in screen.steps:
        policy = class_policy(config.data, s.class_)
        said = {"class": s.class_, "estimate": s.estimate, "tags": list(s.tags),
                "impact": s.impact, "policy": policy.describe() if policy else ""}
        if any(v not in (None, "", []) for v in said.values()):
            out[s.id] = said
    return out


def _write_private(path: Path, text: str) -> None:
    write_private(path, text)  # 0600 in a 0700 folder, never half-written


class RunArtifacts:
    """The session's start and end, its report, its incident.

    `log` is the open `RunLog` (`add_event` here; the report and the incident read the
    rest); `gauges` takes the machine's numbers, psutil's unless a test passes its own.
    """

    def __init__(self, config: SiteConfig, log: Any, screen: Screen, options: RunOptions,
                 run_id: int, say: Callable[[str], None],
                 gauges: Callable[[], dict[str, Any]] = quick_snapshot) -> None:
        self.config, self.log, self.screen, self.options = config, log, screen, options
        self.run_id, self.say, self.gauges = run_id, say, gauges
        self.report_path: Path | None = None

    async def session_event(self, phase: str) -> None:
        """Gauges (and the window) at the start and end of the run, for the session report."""
        data: dict[str, Any] = {"phase": phase, "gauges": await asyncio.to_thread(self.gauges)}
        if phase == "start":
            data.update(window=self.screen.window, schedule=self.screen.schedule)
            if weighed := weighed_steps(self.config, self.screen):  # for the report
                data["steps"] = weighed
            if outside_window(self.screen):
                data["outside_window"] = self.options.reason or "no reason given"
        await self.log.add_event(self.run_id, "session", None, data)

    async def stamp_incident(self) -> None:
        """A run made for an incident lands on its timeline (steps, decisions, findings)."""
        if not self.options.incident:
            return
        try:
            await stamp_run(self.log, self.options.incident, self.run_id)
        except MaintuiError as exc:
            self.say(f"not stamped on incident {self.options.incident}: {exc}")

    async def write_report(self) -> Path | None:
        """Write the run's Markdown report to the site's reports folder; a failure is a note."""
        path = folder = self.config.reports_dir  # the file, once it is known
        try:
            run = await self.log.run(self.run_id)
            started = run.started if run is not None else time.time()
            text = await render_report(self.log, self.run_id)
            # one file per run: a rollback's report replaces the one written at the run's end
            path = await asyncio.to_thread(save_report, folder, self.screen.name, self.run_id,
                                           started, text)
        except (OSError, StoreError) as exc:
            self.say(f"report not written to {path}: {exc}")
            return None
        self.report_path = path
        self.say(f"report: {path}")
        return path

    def render_report(self) -> str:
        """The report so far, for a step's action running in a thread (its own connection)."""
        return render_report_sync(self.log.path, self.run_id)
