"""A dialog's body (what a rollback undoes, a gate's plan) uses the rows the terminal has, and
PageUp/PageDown scroll it while a field keeps the focus; the key line offers them only then."""

from __future__ import annotations

from textual.containers import VerticalScroll
from textual.widgets import Input

from maintui.core.run.stepview import StepView
from maintui.tui.dialogs.confirm import ConfirmDialog
from maintui.tui.dialogs.rollback import RollbackDialog
from tests.ui.test_snapshots_dialogs import DialogApp, footer_text, settle

UNDO = [(f"step-{n:02}", "nothing to run: this step has no undo, its change stays")
        for n in range(19)]
OPTIMIZE = StepView(
    "optimize", "ANALYZE, VACUUM and PRAGMA optimize the database", "normal",
    command="sqlite.optimize db=/srv/app/data/app.db operations=[\"analyze\",\"vacuum\"]",
    plan=["ANALYZE on /srv/app/data/app.db", "VACUUM on /srv/app/data/app.db",
          "PRAGMA optimize on /srv/app/data/app.db",
          *(f"check free space first: VACUUM needs up to 172.0 KiB in the {where} "
            "(free: 73.7 GiB)" for where in ("database folder /srv/app/data", "temp folder /tmp"))],
    description="VACUUM rewrites the file: the action checks free space first and refuses if "
                "it would not fit.", impact="The database is locked for writes while VACUUM runs.",
    typed="optimize", class_="perfective", policy="perfective policy: type the step id")


async def fill(pilot) -> None:
    await settle(pilot)
    await pilot.pause(0.2)  # fitted after the first layout, then the key line again


async def test_a_long_rollback_list_takes_the_rows_the_terminal_has():
    app = DialogApp(RollbackDialog(2, "failed", UNDO))
    async with app.run_test(size=(120, 40)) as pilot:
        await fill(pilot)
        body = app.screen.query_one(".dialog--body", VerticalScroll)
        # it showed 5 of 19 in an 8-row box, 11 rows of the screen empty below the dialog
        assert body.size.height == 19 and body.max_scroll_y == 0, body.size
        assert "PgUp/PgDn" not in footer_text(app)  # nothing left to scroll to
        assert app.screen.region.contains_region(app.screen.query_one("#rollback").region)
    app = DialogApp(RollbackDialog(2, "failed", UNDO * 3))
    async with app.run_test(size=(120, 40)) as pilot:
        await fill(pilot)
        body = app.screen.query_one(".dialog--body", VerticalScroll)
        dialog = app.screen.query_one(".dialog")
        # longer than the screen: as tall as it can be, the key line and a problem line apart
        assert dialog.outer_size.height == 40 - 1 - 1 and body.max_scroll_y > 0
        assert app.screen.region.contains_region(app.screen.query_one("#rollback").region)


async def test_pagedown_scrolls_the_undo_list_while_the_reason_has_the_focus():
    app = DialogApp(RollbackDialog(2, "failed", UNDO))
    async with app.run_test(size=(80, 24)) as pilot:
        await fill(pilot)
        body = app.screen.query_one(".dialog--body", VerticalScroll)
        assert isinstance(app.screen.focused, Input) and body.max_scroll_y > 0
        assert "PgUp/PgDn Scroll" in footer_text(app)
        await pilot.press("pagedown")
        await pilot.pause()
        assert body.scroll_y > 0
        assert app.screen.query_one("#reason", Input).value == ""  # the field took nothing
        await pilot.press("pageup")
        await pilot.pause()
        assert body.scroll_y == 0


async def test_the_end_of_a_gates_plan_and_its_rollback_line_are_reached_with_pagedown():
    app = DialogApp(ConfirmDialog(OPTIMIZE))
    async with app.run_test(size=(80, 24)) as pilot:
        await fill(pilot)
        body = app.screen.query_one(".dialog--body", VerticalScroll)
        assert isinstance(app.screen.focused, Input)  # type the step id: the field has it
        assert body.max_scroll_y > 0 and "PgUp/PgDn Scroll" in footer_text(app)
        for _ in range(3):
            await pilot.press("pagedown")
        await pilot.pause()
        assert body.scroll_y == body.max_scroll_y
        last = body.query("Static").last()
        assert "rollback" in str(last.render())
        assert body.region.contains_region(last.region)  # the rollback line in view


async def test_a_body_that_fits_offers_no_scrolling():
    app = DialogApp(RollbackDialog(2, "failed", UNDO[:3]))
    async with app.run_test(size=(120, 40)) as pilot:
        await fill(pilot)
        assert "PgUp/PgDn" not in footer_text(app)
        assert footer_text(app).startswith("esc Not now ")
