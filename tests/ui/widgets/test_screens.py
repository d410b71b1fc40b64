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


async def test_with_room_the_outcome_reads_whole_and_without_it_takes_its_short_form():
    for width, shown in ((70, "rolled back"), (40, "undone ")):
        app = Panel()
        async with app.run_test(size=(width, 8)) as pilot:
            await pilot.pause()
            row = app.query_one(ScreenList).render_line(1).text
            assert shown in row, (width, row)


class Many(App[None]):
    """Nine screens, one a long name; tall enough for all of them, or not (a scrollbar)."""

    def compose(self) -> ComposeResult:
        yield ScreenList()

    def on_mount(self) -> None:
        names = ["daily", "fleet", "health", "monthly", "quarterly", "recovery", "triage",
                 "update", "weekly"]
        self.query_one(ScreenList).show(tuple(
            ScreenStatus(n, n.title(), "session", n, LAST if n == "weekly" else None,
                         DueStatus("never", None, None)) for n in names), NOW)


async def test_the_columns_stay_put_whether_a_scrollbar_shows_or_not():
    """Review: `5 quarter…` became `5 quarte…` between refreshes as the scrollbar came and
    went; the columns are fitted to the panel less a scrollbar's width, shown or not."""
    columns = []
    for height in (6, 14):  # 9 rows: a scrollbar at 6, none at 14
        app = Many()
        async with app.run_test(size=(42, height)) as pilot:
            await pilot.pause()
            table = app.query_one(ScreenList)
            columns.append((table._columns, table.render_line(5).text.rstrip()))
    assert columns[0] == columns[1]
    # the name reads whole (the list is read by it); the outcome took its short form
    assert columns[0][1].startswith(" 5 quarterly ")


async def test_at_80x24_the_name_has_its_room_first_and_the_outcomes_their_short_forms():
    """Review: at 80x24 Home's Screens said `5 quarte…`, `6 recove…`, `rolled ba…`; the
    panel there is 42 columns inside. Short forms are Recent runs' too (`undone`)."""
    app = Many()
    async with app.run_test(size=(42, 14)) as pilot:
        await pilot.pause()
        table = app.query_one(ScreenList)
        text = [table.render_line(y).text for y in range(10)]
    assert text[0].split() == ["Screen", "Last", "Outcome", "Due"]
    assert "5 quarterly" in text[5] and "6 recovery" in text[6]
    assert "undone" in text[9] and "…" not in "".join(text)


async def test_no_header_until_the_screen_files_are_read():
    class Empty(App[None]):
        def compose(self) -> ComposeResult:
            yield ScreenList()

    app = Empty()
    async with app.run_test(size=(42, 8)) as pilot:
        table = app.query_one(ScreenList)
        table.show((), NOW, loading=True)
        await pilot.pause()
        assert table.render_line(0).text.strip() == ""
        assert table.border_subtitle == "loading screens…"
        table.show(SCREENS, NOW)
        await pilot.pause()
        assert table.render_line(0).text.split() == ["Screen", "Last", "Outcome", "Due"]
