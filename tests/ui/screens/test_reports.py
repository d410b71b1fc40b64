"""Reports: a run's Markdown report, its export, report files listed and opened."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Log, MarkdownViewer

from maintui.core.run.report import render_report
from maintui.core.site.config import SiteConfig
from maintui.core.store.db import RunLog
from maintui.tui.screens.report import ReportScreen
from maintui.tui.screens.reports import ReportsScreen, report_dirs
from maintui.tui.screens.runs import HistoryApp
from maintui.tui.widgets.outcomes import OutcomeTable
from maintui.tui.widgets.problem import ProblemPanel
from tests.conftest import Site
from tests.ui.screens.test_runs import config, record_runs, settle

T0 = 1_714_536_000.0


@pytest.fixture
def runs(site: Site) -> Site:
    return record_runs(site)


class ScreenApp(App[None]):
    """One screen pushed on an empty app, as the console pushes it."""

    def __init__(self, make_screen) -> None:
        super().__init__()
        self.make_screen = make_screen

    def on_mount(self) -> None:
        self.push_screen(self.make_screen())


def markdown_of(pilot: Pilot) -> str:
    return pilot.app.screen.query_one(MarkdownViewer).document.source


async def test_m_on_a_run_renders_its_markdown_report(runs):
    app = HistoryApp(config(runs))
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("down", "m")
        await settle(pilot)
        assert isinstance(app.screen, ReportScreen)
        log = await RunLog.open(runs.db, create=False)
        try:
            assert markdown_of(pilot) == await render_report(log, 1)
        finally:
            await log.close()
        assert markdown_of(pilot).startswith("# Example checks — run 1")


async def test_the_report_opens_focused_so_page_down_and_end_scroll_it_at_once(runs):
    """Review: `m` on a run opened the report with nothing focused: PageDown and Down did
    nothing until a Tab."""
    app = HistoryApp(config(runs))
    async with app.run_test(size=(80, 12)) as pilot:
        await settle(pilot)
        await pilot.press("down", "m")
        await settle(pilot)
        viewer = app.screen.query_one(MarkdownViewer)
        assert app.focused is viewer
        assert viewer.max_scroll_y > 0  # there is somewhere to scroll to
        await pilot.press("pagedown")
        await pilot.pause()
        assert viewer.scroll_y > 0
        await pilot.press("end")
        await pilot.pause()
        assert viewer.scroll_y == viewer.max_scroll_y


async def test_e_exports_the_report_into_a_new_reports_folder_and_says_where(runs):
    cfg = config(runs)
    cfg.data.setdefault("paths", {})["reports"] = str(runs.root / "out" / "reports")
    app = ScreenApp(lambda: ReportScreen(cfg, run_id=1))
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        [saved] = (runs.root / "out" / "reports").glob("x-1-*.md")
        assert re.fullmatch(r"x-1-\d{8}-\d{4}\.md", saved.name)
        assert saved.read_text() == app.screen.markdown
        assert any(str(saved) in n.message for n in app._notifications)
        await pilot.press("e")  # again: the run's one report file, written again in place
        await settle(pilot)
        assert list((runs.root / "out" / "reports").glob("x-1-*.md")) == [saved]


async def test_the_report_of_a_run_that_is_not_logged_is_a_problem_not_a_crash(runs):
    app = ScreenApp(lambda: ReportScreen(config(runs), run_id=99))
    async with app.run_test() as pilot:
        await settle(pilot)
        assert "run 99 is not in the run log" in str(app.screen.query_one(ProblemPanel).render())


def site_with_reports(site: Site) -> SiteConfig:
    """Report files in `paths.reports` and in `[reports] dirs`, with known ages."""
    (site.root / "config.toml").write_text(
        '[store]\npath = "state/runlog.db"\n[paths]\nreports = "reports"\n'
        '[reports]\ndirs = ["archive", "reports"]\n')
    files = {"reports/x-1-20240501-0500.md": "# Report\n\n- **one**\n",
             "archive/capacity.json": '{"disk": {"/": 85}}',
             "archive/notes.txt": "\x1b[32mgreen\x1b[0m [bold]plain[/bold]\n",
             "archive/picture.png": "not a report"}
    for age, (name, text) in enumerate(files.items()):
        path = site.root / name
        path.parent.mkdir(exist_ok=True)
        path.write_text(text)
        os.utime(path, (T0 - age * 3600, T0 - age * 3600))
    return config(site)


def test_report_folders_are_paths_reports_then_reports_dirs_each_once(site: Site):
    cfg = site_with_reports(site)
    assert report_dirs(cfg) == [site.root / "reports", site.root / "archive"]


async def test_reports_screen_lists_report_files_from_every_folder_newest_first(site: Site):
    cfg = site_with_reports(site)
    app = ScreenApp(lambda: ReportsScreen(cfg))
    async with app.run_test() as pilot:
        await settle(pilot)
        table = app.screen.query_one(OutcomeTable)
        names = [Path(k.value).name for k in table.rows]
        assert names == ["x-1-20240501-0500.md", "capacity.json", "notes.txt"]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReportScreen)
        assert markdown_of(pilot) == "# Report\n\n- **one**\n"


async def test_an_empty_reports_folder_says_how_to_save_a_report(site: Site):
    app = ScreenApp(lambda: ReportsScreen(config(site)))
    async with app.run_test() as pilot:
        await settle(pilot)
        assert app.screen.has_class("-empty")
        assert "press e to save one" in str(app.screen.query_one("#reports-empty").render())


@pytest.mark.parametrize(("name", "lines"), [
    ("capacity.json", ["{", '  "disk": {', '    "/": 85', "  }", "}"]),
    ("notes.txt", ["green [bold]plain[/bold]"]),
])
async def test_text_reports_show_as_plain_text_and_json_indented(site: Site, name, lines):
    cfg = site_with_reports(site)
    app = ScreenApp(lambda: ReportScreen(cfg, path=site.root / "archive" / name))
    async with app.run_test() as pilot:
        await settle(pilot)
        assert list(app.screen.query_one(Log).lines) == lines
        assert not app.screen.check_action("export", ())  # only a run's report is exported


class TestReportSnapshots:
    @pytest.mark.parametrize("size", [(80, 24), (120, 40)])
    def test_report_screen(self, runs, snap_compare, size):
        app = ScreenApp(lambda: ReportScreen(config(runs), run_id=1))
        assert snap_compare(app, terminal_size=size, run_before=settle)
