"""The Screens panel: with room, `rolled back` reads whole; at 80x24 it is cut as before."""

from __future__ import annotations

from textual.app import App, ComposeResult

from maintui.core.site.schedule import DueStatus
from maintui.core.store.rows import RunRow
from maintui.tui.models.board import ScreenStatus
from maintui.tui.widgets.screens import ScreenList

NOW = 1_796_464_000.0
LAST = RunRow(4, "weekly", "Weekly", "rolled_back", NOW - 600, NOW - 500, "root", "h")
SCREENS = (ScreenStatus("weekly", "Weekly", "session", "weekly", LAST,
                        DueStatus("never", None, None)),)


class Panel(App[None]):
    def compose(self) -> ComposeResult:
        yield ScreenList()

    def on_mount(self) -> None:
        self.query_one(ScreenList).show(SCREENS, NOW)


async def test_with_room_the_outcome_reads_whole_and_without_it_is_cut():
    for width, shown in ((70, "rolled back"), (40, "rolled…")):
        app = Panel()
        async with app.run_test(size=(width, 8)) as pilot:
            await pilot.pause()
            row = app.query_one(ScreenList).render_line(1).text
            assert shown in row, (width, row)
