"""What a run leaves besides its steps: gauge snapshots, the report file, incident stamps."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from maintui.core.errors import StoreError

if TYPE_CHECKING:
    from maintui.core.run.runner import Runner

    _Base = Runner
else:
    _Base = object


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


class RunnerRecords(_Base):
    """Mixed into Runner: the session's start and end, its report, its incident."""

    async def _session_event(self, phase: str) -> None:
        """Gauges (and the window) at the start and end of the run, for the session report."""
        from maintui.core.probes.psutil import quick_gauges

        data: dict[str, Any] = {"phase": phase, "gauges": await asyncio.to_thread(quick_gauges)}
        if phase == "start":
            data.update(window=self.screen.window, schedule=self.screen.schedule)
            if self.outside_window():
                data["outside_window"] = self.opt.reason or "no reason given"
        await self.log.add_event(self.run_id, "session", None, data)

    async def _stamp_incident(self) -> None:
        """A run made for an incident lands on its timeline (steps, decisions, findings)."""
        if not self.opt.incident:
            return
        from maintui.core.errors import MaintuiError
        from maintui.core.incidents.model import stamp_run

        try:
            await stamp_run(self.log, self.opt.incident, self.run_id)
        except MaintuiError as exc:
            self.out.say(f"not stamped on incident {self.opt.incident}: {exc}")

    def outside_window(self) -> bool:
        if not self.screen.window:
            return False
        from maintui.core.site.schedule import in_window

        return not in_window(self.screen.window, time.time())

    async def _export_report(self) -> None:
        """Write the run's Markdown report to the site's reports folder; a failure is a note."""
        from maintui.core.run.report import render_report

        reports = self.config.reports_dir
        stamp = time.strftime("%Y%m%d-%H%M", time.localtime())
        path = reports / f"{self.screen.name}-{self.run_id}-{stamp}.md"
        try:
            text = await render_report(self.log, self.run_id)
            await asyncio.to_thread(_write_private, path, text)
        except (OSError, StoreError) as exc:
            self.out.say(f"report not written to {path}: {exc}")
            return
        self.report_path = path
        self.out.say(f"report: {path}")

    def _render_report(self) -> str:
        from maintui.core.run.report import render_report_sync

        return render_report_sync(self.log.path, self.run_id)
