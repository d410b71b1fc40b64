"""Recent runs: at 80x24 the columns keep their width; with room, the outcome and the screen
name widen so `rolled_back` and `quarterly` read whole."""

from __future__ import annotations

from textual.app import App, ComposeResult

from maintui.core.store.rows import RunRow
from maintui.tui.widgets.runs import RecentRuns

NOW = 1_796_464_000.0
RUNS = (RunRow(2, "quarterly", "Quarterly", "rolled_back", NOW - 600, NOW - 500, "root", "h"),
        RunRow(1, "daily", "Daily", "failed", NOW - 900, NOW - 880, "root", "h"))


class Panel(App[None]):
    def compose(self) -> ComposeResult:
        yield RecentRuns()

    def on_mount(self) -> None:
        self.query_one(RecentRuns).show(RUNS, NOW)


def line(app: App, y: int) -> str:
    return app.query_one(RecentRuns).render_line(y).text


async def test_with_room_the_outcome_and_screen_name_read_whole():
    app = Panel()
    async with app.run_test(size=(70, 10)) as pilot:
        await pilot.pause()
        first = line(app, 1)
        assert "rolled_back" in first and "quarterly" in first and "…" not in first


async def test_without_room_they_are_cut_with_an_ellipsis_as_before():
    app = Panel()
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.pause()
        first = line(app, 1)
        assert "rolled_b…" in first and "quarter…" in first
