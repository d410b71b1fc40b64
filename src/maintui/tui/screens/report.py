"""ReportScreen: a run's Markdown report or a report file; and RunLogScreen, its base."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Log, MarkdownViewer, Static
from textual.worker import Worker, WorkerState

from maintui.core.ansi import clean
from maintui.core.errors import MaintuiError
from maintui.core.run.report import render_report
from maintui.core.site.config import SiteConfig

MAX_BYTES = 2 * 1024 * 1024  # a report file bigger than this is shown in part
MAX_LINES = 20_000


class ProblemPanel(Static):
    """Says what went wrong reading the run log or a file, instead of crashing."""

    BORDER_TITLE = "Problem"

    DEFAULT_CSS = """
    ProblemPanel { display: none; height: auto; margin: 1 1; padding: 0 1;
                   border: round $error; border-title-color: $error; }
    ProblemPanel.-shown { display: block; }
    """


class RunLogScreen(Screen[None]):
    """A screen that reads the run log: the app's open one, or its own (closed on unmount).

    Subclasses implement `reload` as a worker in `REFRESH_GROUP`. It runs when the screen
    is first shown, and with `POLL_SECONDS` every so often while the screen is visible,
    the next poll scheduled only after the last one ended so polls never overlap.
    """

    BINDINGS = [Binding("escape", "back", "Back")]
    REFRESH_GROUP = "run-log-refresh"
    POLL_SECONDS = 0.0

    def __init__(self, config: SiteConfig, store: Any = None) -> None:
        super().__init__()
        self.config = config
        self._store = store
        self._owns_store = store is None
        self._open_lock = asyncio.Lock()
        self._timer: Timer | None = None
        self._shown = False

    async def run_log(self) -> Any:
        """The open run log; opened on first use (StoreError when missing or damaged)."""
        async with self._open_lock:
            if self._store is None:
                from maintui.core.store.db import RunLog

                self._store = await RunLog.open(self.config.store_path, create=False)
            return self._store

    def reload(self) -> None:  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def wants_poll(self) -> bool:
        return self.POLL_SECONDS > 0

    def on_screen_resume(self) -> None:
        if not self._shown or self.wants_poll():
            self._shown = True
            self.reload()

    async def on_unmount(self) -> None:
        if self._owns_store and self._store is not None:
            store, self._store = self._store, None
            await store.close()

    def _poll(self) -> None:
        self._timer = None
        if self.is_current and self.wants_poll():
            self.reload()  # a hidden screen is reloaded when it is resumed

    def show_problem(self, text: str | None) -> None:
        panel = self.query_one(ProblemPanel)
        panel.update(text or "")
        panel.set_class(bool(text), "-shown")

    @on(Worker.StateChanged)
    def _worker_ended(self, event: Worker.StateChanged) -> None:
        worker, refresh = event.worker, event.worker.group == self.REFRESH_GROUP
        if event.state is WorkerState.ERROR:
            error = worker.error
            text = str(error) if isinstance(error, MaintuiError) else f"{type(error).__name__}: {error}"
            if refresh:
                self.show_problem(text)
            else:
                self.notify(text, title="Failed", severity="error")
        elif event.state is WorkerState.SUCCESS and refresh:
            self.show_problem(None)
        if refresh and event.state in (WorkerState.SUCCESS, WorkerState.ERROR):
            if self._timer is not None:
                self._timer.stop()
            if self.wants_poll():
                self._timer = self.set_timer(self.POLL_SECONDS, self._poll)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # A section's own screen (a mode's base) has nothing to go back to: no hint for it.
        return len(self.app.screen_stack) > 1 if action == "back" else True

    def action_refresh(self) -> None:
        self.reload()

    def action_back(self) -> None:
        self.dismiss()


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


def export_report(folder: Path, stem: str, markdown: str) -> Path:
    """Write `stem-YYYYmmdd-HHMM.md` in `folder` (created), never over an earlier export."""
    folder.mkdir(parents=True, exist_ok=True)
    base = f"{stem}-{time.strftime('%Y%m%d-%H%M')}"
    path, n = folder / f"{base}.md", 1
    while path.exists():
        n += 1
        path = folder / f"{base}-{n}.md"
    path.write_text(markdown, encoding="utf-8")
    return path


class ReportScreen(RunLogScreen):
    """One run's Markdown report (`run_id`) or one report file (`path`)."""

    DEFAULT_CSS = """
    ReportScreen #report-title { height: 1; padding: 0 1; text-style: bold; }
    ReportScreen #report-body { height: 1fr; }
    ReportScreen Log#report-body { padding: 0 1; }
    ReportScreen #report-loading { height: 1fr; padding: 1 2; }
    """
    BINDINGS = [Binding("e", "export", "Export")]
    REFRESH_GROUP = "report-load"

    def __init__(self, config: SiteConfig, *, run_id: int | None = None,
                 path: Path | None = None, store: Any = None) -> None:
        if (run_id is None) == (path is None):
            raise ValueError("ReportScreen needs a run_id or a path, not both")
        super().__init__(config, store)
        self.run_id, self.path = run_id, path
        self.markdown: str | None = None
        self._stem = f"run-{run_id}"

    def compose(self) -> ComposeResult:
        title = f"Report of run {self.run_id}" if self.path is None else str(self.path)
        yield Static(title, id="report-title", markup=False)
        yield ProblemPanel()
        yield Static("Loading…", id="report-loading")
        yield Footer()

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
            self._stem, self.markdown = f"{run.screen}-{run.id}", text
            self.query_one("#report-title", Static).update(
                f"Report of run {run.id} ({run.screen}) · e saves it in the reports folder")
        await self._show(kind, text)

    async def _show(self, kind: str, text: str) -> None:
        body: MarkdownViewer | Log
        if kind == "md":
            body = MarkdownViewer(text, show_table_of_contents=False, id="report-body")
        else:
            body = Log(max_lines=MAX_LINES, auto_scroll=False, id="report-body")
        await self.query("#report-loading, #report-body").remove()
        await self.mount(body, before=self.query_one(Footer))
        if isinstance(body, Log):
            body.write_lines(text.splitlines())
        body.focus()

    @work(group="report-export", exit_on_error=False)
    async def action_export(self) -> None:
        if self.markdown is None:
            self.notify("The report is still loading.", severity="warning")
            return
        path = await asyncio.to_thread(export_report, self.config.reports_dir, self._stem,
                                       self.markdown)
        self.notify(str(path), title="Report saved")
