"""Snapshots of the screens no other snapshot file covers (the report files list), and the
list of every screen and dialog with where each is pictured at 80x24 and 120x40."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from maintui.core.site.config import load_config
from maintui.tui.screens.reports import ReportsScreen
from maintui.tui.widgets.outcomes import OutcomeTable
from tests.conftest import Site
from tests.ui.screens.test_reports import ScreenApp
from tests.ui.screens.test_runs import settle

SIZES = [(80, 24), (120, 40)]
IDS = ["80x24", "120x40"]
UI = Path(__file__).resolve().parents[2] / "src" / "maintui" / "tui"

# Every screen and dialog class, and the snapshot tests that picture it at both sizes.
PICTURED = {
    "HomeScreen": "tests/ui/test_snapshots.py::TestHomeScreen::test_dashboard",
    "HelpScreen": "tests/ui/test_snapshots.py::TestHelpScreen::test_help",
    "TooSmallScreen": "tests/ui/test_snapshots.py::TestTooSmallScreen (below 80x24 only: "
                      "it is what a smaller terminal shows)",
    "LogsScreen": "tests/ui/test_snapshots_session.py::test_logs_screen",
    "SessionScreen": "tests/ui/test_snapshots_session.py::test_session_of_a_finished_run",
    "HistoryScreen": "tests/ui/screens/test_runs.py::TestHistorySnapshots::test_history_screen",
    "RunDetailScreen": "tests/ui/screens/test_runs.py::TestHistorySnapshots::"
                       "test_run_detail_screen",
    "ReportScreen": "tests/ui/screens/test_reports.py::TestReportSnapshots::test_report_screen",
    "ReportsScreen": "tests/ui/test_snapshots_screens.py::test_report_files",
    "IncidentScreen": "tests/ui/screens/test_triage.py::TestIncidentScreen::"
                      "test_a_closed_incident",
    "TriageScreen": "tests/ui/screens/test_triage.py::TestTriageScreen::"
                    "test_triage_with_an_open_incident_and_failing_checks",
    **{name: "tests/ui/test_snapshots_dialogs.py::test_dialog" for name in (
        "ConfirmDialog", "ChecklistDialog", "OverrunDialog", "InterruptedDialog",
        "RollbackDialog", "TakeOverDialog", "NewRunDialog", "ReasonDialog", "QuitDialog", "PlanDialog",
        "ProblemsDialog",
        "OpenIncidentDialog", "CloseIncidentDialog", "QuickActionDialog",
        "ScreenChooserDialog")},
}


def test_every_screen_and_dialog_is_pictured():
    """A new screen or dialog class fails here until a snapshot test pictures it."""
    import re

    found = set()
    for folder in ("screens", "dialogs"):
        for path in (UI / folder).glob("*.py"):
            found |= set(re.findall(r"^class (\w+(?:Screen|Dialog))\(", path.read_text(), re.M))
    found -= {"RunLogScreen", "_Dialog", "PickDialog"}  # bases, never shown alone
    assert sorted(found - set(PICTURED)) == []


def report_files(site: Site) -> Site:
    """Three report files of known ages (relative to now: their 'modified' text is fixed)."""
    (site.root / "config.toml").write_text(
        '[store]\npath = "state/runlog.db"\n[paths]\nreports = "reports"\n'
        '[reports]\ndirs = ["archive/quarterly-capacity-reviews"]\n')
    now = time.time()
    files = {"reports/monthly-12-20240601-0200.md": (3 * 86_400, "# Monthly\n" * 200),
             "reports/daily-31-20240603-0600.md": (5 * 3600, "# Daily\n"),
             "archive/quarterly-capacity-reviews/capacity-forecast-2024-q2.json":
                 (40 * 86_400, '{"disk": {"/": 85}}')}
    for name, (age, text) in files.items():
        path = site.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        os.utime(path, (now - age, now - age))
    return site


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_report_files(snap_compare, site, size):
    config = load_config(report_files(site).config)
    async def run_before(pilot) -> None:
        await settle(pilot)
        # DataTable sizes its columns when idle, after its rows; a frame drawn in between is
        # cached under a key without the widths (Textual 8.2): draw the table afresh
        table = pilot.app.screen.query_one(OutcomeTable)
        table._clear_caches()
        table.refresh()
        await pilot.pause()

    assert snap_compare(ScreenApp(lambda: ReportsScreen(config)), terminal_size=size,
                        run_before=run_before)
