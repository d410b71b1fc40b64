"""ReportScreen: a run's Markdown report or a report file."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.widgets import Log, MarkdownViewer, Static

from maintui.core.ansi import clean
from maintui.core.run.report import render_report, save_report
from maintui.core.site.config import SiteConfig
from maintui.tui import keys
from maintui.tui.screens.base import RunLogScreen
from maintui.tui.widgets.keybar import KeyBar
from maintui.tui.widgets.problem import ProblemPanel

MAX_BYTES = 2 * 1024 * 1024  # a report file bigger than this is shown in part
MAX_LINES = 20_000


def read_report(path: Path) -> tuple[str, str]:
    """(kind, text) of a report file: `md` for Markdown, `text` for the rest (JSON indented)."""
    with path.open("rb") as fh:
        data = fh.read(MAX_BYTES + 1)
    # Log writes escape codes raw: a report file is cleaned line by line before it is shown.
    text = "\n".join(map(clean, data[:MAX_BYTES].decode("utf-8", errors="replace").split("\n")))
    if path.suffix.lower() == ".json":
        try:
            text = json.dumps(json.loads(text), indent=2, ensure_ascii=False)
        except ValueError:
            pass  # shown as it is: a half-written file is still worth reading
    if len(data) > MAX_BYTES:
        text += f"\n\n… only the first {MAX_BYTES // 1024 // 1024} MiB of this file is shown\n"
    return ("md" if path.suffix.lower() in (".md", ".markdown") else "text"), text


class ReportScreen(RunLogScreen):
    """One run's Markdown report (`run_id`) or one report file (`path`)."""

    DEFAULT_CSS = """
    ReportScreen #report-title { height: 1; padding: 0 1; text-style: bold; }
    ReportScreen #report-body { height: 1fr; }
    ReportScreen Log#report-body { padding: 0 1; }
    ReportScreen #report-loading { height: 1fr; padding: 1 2; }
    """
    BINDINGS = keys.for_screen("report")
    REFRESH_GROUP = "report-load"

    def __init__(self, config: SiteConfig, *, run_id: int | None = None,
                 path: Path | None = None, store: Any = None) -> None:
        if (run_id is None) == (path is None):
            raise ValueError("ReportScreen needs a run_id or a path, not both")
        super().__init__(config, store)
        self.run_id, self.path = run_id, path
        self.markdown: str | None = None
        self._run: Any = None  # the run's row, once loaded: its report file is named by it

    def compose(self) -> ComposeResult:
        title = f"Report of run {self.run_id}" if self.path is None else str(self.path)
        yield Static(title, id="report-title", markup=False)
        yield ProblemPanel()
        yield Static("Loading…", id="report-loading")
        yield KeyBar()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "export":
            return self.run_id is not None
        return super().check_action(action, parameters)

    @work(exclusive=True, group="report-load", exit_on_error=False)
    async def reload(self) -> None:
        if self.path is not None:
            kind, text = await asyncio.to_thread(read_report, self.path)
        else:
            log = await self.run_log()
            run = await log.run(self.run_id)
            if run is None:
                raise LookupError(f"run {self.run_id} is not in the run log {self.config.store_path}")
            kind, text = "md", await render_report(log, run.id)
            self._run, self.markdown = run, text
            self.query_one("#report-title", Static).update(
                f"Report of run {run.id} ({run.screen}) · e saves it in the reports folder")
        await self._show(kind, text)

    async def _show(self, kind: str, text: str) -> None:
        body: MarkdownViewer | Log
        if kind == "md":
            body = MarkdownViewer(text, show_table_of_contents=False, id="report-body")
            # a MarkdownViewer takes no focus of its own: without it the arrows, Page Up/Down
            # and Home/End that scroll it went nowhere until a Tab
            body.can_focus = True
        else:
            body = Log(max_lines=MAX_LINES, auto_scroll=False, id="report-body")
        await self.query("#report-loading, #report-body").remove()
        await self.mount(body, before=self.query_one(KeyBar))
        if isinstance(body, Log):
            body.write_lines(text.splitlines())
        body.focus()

    @work(group="report-export", exit_on_error=False)
    async def action_export(self) -> None:
        if self.markdown is None:
            self.notify("The report is still loading.", severity="warning")
            return
        run = self._run  # the run's one report file, written again as it reads now
        path = await asyncio.to_thread(save_report, self.config.reports_dir, run.screen, run.id,
                                       run.started, self.markdown)
        self.notify(str(path), title="Report saved")
