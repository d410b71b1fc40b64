"""IncidentScreen: one incident's timeline, its diagnostics snapshots and its Markdown report."""

from __future__ import annotations

import asyncio
import re
import time
from pathlib import Path
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.widgets import Log, MarkdownViewer, Static, TabbedContent, TabPane

from maintui.core.files import write_private
from maintui.core.incidents import model as inc
from maintui.core.incidents.report import render_incident_report
from maintui.core.site.config import SiteConfig
from maintui.core.units import clock_time
from maintui.tui import keys
from maintui.tui.screens.base import RunLogScreen
from maintui.tui.widgets.keybar import KeyBar
from maintui.tui.widgets.problem import ProblemPanel
from maintui.tui.widgets.timeline import TimelineTable

_DETAILS = re.compile(r"<details><summary>(.*?)</summary>")


async def export_incident_report(log: Any, incident_id: str, folder: Path) -> Path:
    """Write `INC-….md` in the reports folder, where the Reports browser lists it."""
    markdown = await render_incident_report(log, incident_id)

    def write() -> Path:
        path = folder / f"{incident_id}.md"
        write_private(path, markdown)  # 0600 in a 0700 folder, never half-written
        return path

    return await asyncio.to_thread(write)


def for_viewer(markdown: str) -> str:
    """The report as Textual's Markdown shows it: it drops HTML, so `<details>` become headings."""
    return _DETAILS.sub(r"**\1**", markdown).replace("</details>", "")


class IncidentScreen(RunLogScreen):
    """Timeline, diagnostics and report of one incident; `e` saves the report as INC-….md."""

    DEFAULT_CSS = """
    IncidentScreen #incident-head { height: 1; padding: 0 1; text-style: bold; }
    IncidentScreen TabbedContent { height: 1fr; }
    IncidentScreen TabPane { padding: 0; }
    IncidentScreen #incident-snapshots { height: 1fr; padding: 0 1; }
    """
    BINDINGS = keys.for_screen("incident")
    REFRESH_GROUP = "incident-load"
    POLL_SECONDS = 3.0  # an open incident's timeline grows while the operator reads it

    def __init__(self, config: SiteConfig, incident_id: str, *, store: Any = None,
                 tab: str = "timeline") -> None:
        super().__init__(config, store)
        self.incident_id, self.initial_tab = incident_id, tab
        self.incident: inc.Incident | None = None
        self.markdown = ""

    def compose(self) -> ComposeResult:
        yield Static(self.incident_id, id="incident-head", markup=False)
        yield ProblemPanel()
        with TabbedContent(initial=self.initial_tab):
            with TabPane("Timeline", id="timeline"):
                yield TimelineTable(id="incident-timeline")
            with TabPane("Diagnostics", id="diagnostics"):
                yield Log(id="incident-snapshots", auto_scroll=False, highlight=False)
            with TabPane("Report", id="report"):
                yield MarkdownViewer("Loading…", show_table_of_contents=False, id="incident-report")
        yield KeyBar()

    def wants_poll(self) -> bool:
        return self.incident is None or self.incident.is_open

    @work(exclusive=True, group="incident-load", exit_on_error=False)
    async def reload(self) -> None:
        from maintui.core.incidents.diagnostics import render_snapshot

        log = await self.run_log()
        self.incident = found = await inc.get_incident(log, self.incident_id)
        entries = await inc.timeline(log, found.id)
        markdown = await render_incident_report(log, found.id)
        clock = getattr(self.app, "clock", None)  # the console's (a fake one in tests)
        now = clock.now() if clock is not None else time.time()
        state = "open" if found.is_open else f"closed {clock_time(found.closed or 0, now)}"
        self.query_one("#incident-head", Static).update(
            f"{found.id} · {found.severity.upper()} · {state} · {found.title}")
        self.query_one(TimelineTable).show(entries, now)
        snaps = [e for e in entries if e.kind == inc.EntryKind.SNAPSHOT]
        if markdown != self.markdown:
            self.markdown = markdown
            text = "\n".join(render_snapshot(e.data) for e in snaps) or "No diagnostics snapshot " \
                "yet: s on the triage screen takes one."
            self.query_one(Log).clear().write_lines(text.splitlines())
            await self.query_one(MarkdownViewer).document.update(for_viewer(markdown))

    def on_mount(self) -> None:
        self._focus_pane(self.initial_tab)

    def action_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab
        self._focus_pane(tab)

    def _focus_pane(self, tab: str) -> None:
        """The tab's body takes the keys: Down and End move in the timeline at once (the tabs
        row had the focus, and the keys did nothing until Tab)."""
        body = {"timeline": "#incident-timeline", "diagnostics": "#incident-snapshots",
                "report": "#incident-report"}.get(tab)
        if body is not None:
            self.query_one(body).focus()

    @work(group="incident-export", exit_on_error=False)
    async def action_export(self) -> None:
        path = await export_incident_report(await self.run_log(), self.incident_id,
                                            self.config.reports_dir)
        self.notify(str(path), title="Report saved")
