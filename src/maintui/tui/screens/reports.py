"""ReportsScreen: the report files in the site's report folders, newest first."""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import humanize
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.widgets import DataTable, Static

from maintui.core.site.config import SiteConfig
from maintui.tui.screens.base import RunLogScreen
from maintui.tui.screens.report import ReportScreen
from maintui.tui.widgets.cells import fit_column, table_width
from maintui.tui.widgets.keybar import KeyBar
from maintui.tui.widgets.outcomes import OutcomeTable
from maintui.tui.widgets.problem import ProblemPanel

SUFFIXES = (".md", ".markdown", ".txt", ".log", ".json")
HEADERS = ("modified", "size", "name", "folder")


@dataclass(frozen=True)
class ReportFile:
    path: Path
    size: int
    mtime: float


def report_dirs(config: SiteConfig) -> list[Path]:
    """The reports folder (`paths.reports`), then `[reports] dirs = [...]` (or `dir`), once each."""
    section = config.data.get("reports", {})
    extra: list[str] = []
    if isinstance(section, dict):
        for key in ("dirs", "dir"):
            value = section.get(key, [])
            extra += [value] if isinstance(value, str) else [v for v in value if isinstance(v, str)]
    found: list[Path] = []
    for folder in [config.reports_dir, *map(Path, extra)]:
        folder = folder.expanduser()
        folder = folder if folder.is_absolute() else config.root / folder  # lists are not resolved
        if folder.resolve() not in found:
            found.append(folder.resolve())
    return found


def scan_reports(folders: list[Path]) -> list[ReportFile]:
    """Report files directly in `folders` (missing folders are skipped), newest first."""
    files = []
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in folder.iterdir():
            if path.suffix.lower() in SUFFIXES and path.is_file():
                st = path.stat()
                files.append(ReportFile(path, st.st_size, st.st_mtime))
    return sorted(files, key=lambda f: (f.mtime, f.path.name), reverse=True)


class ReportsScreen(RunLogScreen):
    """Report files (.md, .txt, .log, .json); Enter opens one in a ReportScreen."""

    DEFAULT_CSS = """
    ReportsScreen #reports-title { height: 1; padding: 0 1; text-style: bold; }
    ReportsScreen #reports-table { height: 1fr; }
    ReportsScreen.-empty #reports-table { height: auto; }
    ReportsScreen #reports-empty { display: none; height: auto; padding: 1 2; }
    ReportsScreen.-empty #reports-empty { display: block; }
    """
    AUTO_FOCUS = "#reports-table"
    REFRESH_GROUP = "reports-refresh"
    POLL_SECONDS = 5.0  # a folder listing is cheap; new exports show up by themselves

    def __init__(self, config: SiteConfig) -> None:
        super().__init__(config)
        self.folders = report_dirs(config)
        self.files: dict[str, ReportFile] = {}
        self._fitted = 0  # the width the rows were cut to

    def compose(self) -> ComposeResult:
        yield Static("Report files", id="reports-title")
        yield ProblemPanel()
        yield OutcomeTable(*HEADERS, id="reports-table")
        yield Static(id="reports-empty", markup=False)
        yield KeyBar()

    @work(exclusive=True, group="reports-refresh", exit_on_error=False)
    async def reload(self) -> None:
        files = await asyncio.to_thread(scan_reports, self.folders)
        self.files = {str(f.path): f for f in files}
        table = self.query_one(OutcomeTable)
        now = dt.datetime.now()
        rows = [(str(f.path), [
            humanize.naturaltime(now - dt.datetime.fromtimestamp(f.mtime)),
            Text(humanize.naturalsize(f.size, gnu=True), justify="right"),
            f.path.name, self._short(f.path.parent)]) for f in files]
        # a long folder gives way first, keeping its end; then a long name, keeping its start
        width = self._fitted = table_width(table)
        rows = fit_column(rows, HEADERS, width, 3, keep_end=True)
        table.set_rows(fit_column(rows, HEADERS, width, 2))
        self.set_class(not files, "-empty")
        self.query_one("#reports-empty", Static).update("No report files yet in " + ", ".join(map(str, self.folders))
                     + ".\nOpen a run's report (m in History) and press e to save one there.")
        self.query_one("#reports-title", Static).update(f"Report files · {len(files)}")

    def on_resize(self) -> None:
        # only a new width: a reload that changes nothing still re-lays the table out
        if self.files and table_width(self.query_one(OutcomeTable)) != self._fitted:
            self.reload()

    def _short(self, folder: Path) -> str:
        root = self.config.root.resolve()
        return str(folder.relative_to(root)) if folder.is_relative_to(root) else str(folder)

    @on(DataTable.RowSelected, "#reports-table")
    def action_open(self) -> None:
        key = self.query_one(OutcomeTable).cursor_key
        if key is not None and key in self.files:
            self.app.push_screen(ReportScreen(self.config, path=Path(key)))
