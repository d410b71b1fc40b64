"""The run detail shows a finding's details (which files, which rows) under the findings, the
worst finding's first, the highlighted one's as the cursor moves; output says them too."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from textual.pilot import Pilot
from textual.widgets import Log, Static

from maintui.core.site.config import load_config
from maintui.tui.screens.run_detail import RunDetailScreen
from maintui.tui.screens.runs import HistoryApp
from maintui.tui.widgets.outcomes import OutcomeTable
from tests.conftest import Site
from tests.ui.screens.test_runs import settle

SCREEN = """
title = "Found"
[[steps]]
id = "scan"
title = "Scan the exports"
risk = "safe"
run = '''
echo "::warning title=Exports,file=/srv/exports/a.csv,rows=12::stale export"
echo "::error file=/srv/db/app.db::integrity check failed"
'''
[[steps]]
id = "depth"
title = "Queue depth"
risk = "safe"
action = "metric.check"
with = { name = "queue depth", command = "echo 3", warning = 10, critical = 20 }
"""

PLAIN = """
title = "Plain"
[[steps]]
id = "say"
title = "Say"
risk = "safe"
run = "echo '::notice::all quiet'"
"""


def _text(static: Static) -> str:
    return str(static.render())


@asynccontextmanager
async def run_detail(site: Site, size: tuple[int, int]
                     ) -> AsyncIterator[tuple[Pilot, RunDetailScreen]]:
    """The run history at `size`, Enter pressed on its newest run: its detail screen."""
    app = HistoryApp(load_config(site.config))
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, RunDetailScreen)
        yield pilot, app.screen


@pytest.fixture
def found(site: Site) -> Site:
    site.screen("found", SCREEN)
    assert site.cli("run", "found", "--yes") == 0
    return site


@pytest.fixture
def plain(site: Site) -> Site:
    site.screen("plain", PLAIN)
    assert site.cli("run", "plain", "--yes") == 0
    return site


async def test_the_worst_findings_details_show_and_follow_the_cursor(found: Site):
    async with run_detail(found, (80, 24)) as (pilot, screen):
        notes = screen.query_one("#run-notes", OutcomeTable)
        assert [str(notes.get_row_at(i)[0]) for i in range(notes.row_count)] == [
            "critical", "warning", "ok"]
        panel = screen.query_one("#finding-detail", Static)
        output = screen.query_one("#run-output", Log)
        # the step's output says them too, worst first, with their details
        lines = [str(line) for line in output.lines]
        assert lines.index("│ [critical] integrity check failed") < lines.index(
            "│ [warning] Exports: stale export")
        assert "│     file: /srv/exports/a.csv" in lines
        assert not panel.display  # 24 rows: the output has the room until the findings have focus
        notes.focus()
        await settle(pilot)
        assert panel.display and not output.display
        assert "scan: integrity check failed" in _text(panel)
        assert "file: /srv/db/app.db" in _text(panel)
        await pilot.press("down")
        await settle(pilot)
        assert "Exports: stale export" in _text(panel) and "rows: 12" in _text(panel)
        await pilot.press("down")
        await settle(pilot)
        assert "queue depth: 3" in _text(panel) and "critical: 20" in _text(panel)
        screen.query_one("#run-steps").focus()
        await settle(pilot)
        assert output.display and not panel.display


async def test_a_tall_terminal_shows_the_worst_findings_details_beside_the_output(found: Site):
    async with run_detail(found, (120, 40)) as (_, screen):
        panel = screen.query_one("#finding-detail", Static)
        assert panel.display and "file: /srv/db/app.db" in _text(panel)
        assert screen.query_one("#run-output", Log).display


async def test_findings_without_details_leave_the_panel_hidden(plain: Site):
    async with run_detail(plain, (80, 24)) as (_, screen):
        notes = screen.query_one("#run-notes", OutcomeTable)
        assert str(notes.get_row_at(0)[2]) == "all quiet"
        assert not screen.query_one("#finding-detail", Static).display
