"""The session screen at 80x24, as an operator review found it: the introduction read from its
first line, the detail pane's outcome first and its cut text marked, output re-wrapped."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.widgets import Log

from maintui.core.run.stepview import StepView
from maintui.core.site.config import load_config
from maintui.tui.widgets.steps import DETAIL_LINES, StepDetail
from tests.ui.screens.test_session import Harness, until

LONG = """
title = "Long"
description = '''
Every morning, unattended from cron (`maintui run long --yes`): is the service up, are the
machine's resources and disks healthy, did the last day log errors or raise critical alerts,
is the newest backup fresh and sound. Checks continue past a failure so the report is
complete, and every finding says which file and which row it came from.

A second paragraph, so the introduction is taller than the pane at 80x24: it goes on to
say where the report is written, who reads it, and what to do when a check fails at night.
'''
schedule = "daily"
[[steps]]
id = "look"
title = "Look around"
run = "echo looking"
risk = "safe"
"""


def log_lines(log: Log) -> list[str]:
    """The Log's lines as drawn (after its scroll)."""
    width, height = log.scrollable_content_region.size
    return [strip.text.rstrip() for strip in log.render_lines(Region(0, 0, width, height))]


async def test_the_introduction_starts_at_its_first_line_at_80x24(site):
    site.screen("long", LONG)
    app = Harness(load_config(site.config), "long")
    async with app.run_test(size=(80, 24)) as pilot:
        log = app.screen.query_one(Log)
        await until(pilot, lambda: log.line_count > 0)
        await pilot.pause(0.2)
        assert log.line_count > log.scrollable_content_region.height  # taller than the pane
        assert log.lines[0].startswith("Every morning")
        assert any(line.startswith("Every morning") for line in log_lines(log)), log_lines(log)


class _Detail(App):
    def compose(self) -> ComposeResult:
        yield StepDetail(id="detail")


BACKUP = StepView(
    "backup", "Back up the database", "normal",
    description="Writes a compressed copy of the database next to the last ones, so a bad "
                "change tonight can be undone from this morning's state.",
    command="backup.sqlite /srv/app/data/production/app.db /srv/backups/app-20261205.db.gz",
    plan=["write a backup of /srv/app/data/production/app.db (1.2 GiB) to /srv/backups/",
          "keep the 7 newest backups in /srv/backups/"],
    rollback="delete /srv/backups/app-20261205.db.gz")


async def test_a_skipped_step_says_how_it_ended_and_why_first_not_what_it_will_do():
    app = _Detail()
    async with app.run_test(size=(80, 24)):
        detail = app.query_one(StepDetail)
        detail.show(BACKUP, reason="not run: health.process did not succeed", state="skipped")
        lines = str(detail.render()).splitlines()
        assert lines[1] == "⤼ skipped — not run: health.process did not succeed", lines
        assert not any(line.startswith("will ") for line in lines), lines
        detail.show(BACKUP)  # before the run: what it will do
        assert any(line.startswith("will ") for line in str(detail.render()).splitlines())


@pytest.mark.parametrize("size", [(60, 24), (80, 24)], ids=["60x24", "80x24"])
async def test_detail_text_cut_at_the_panes_height_ends_in_an_ellipsis(size):
    app = _Detail()
    async with app.run_test(size=size) as pilot:
        detail = app.query_one(StepDetail)
        detail.show(BACKUP)
        await pilot.pause()
        lines = str(detail.render()).splitlines()
        assert len(lines) == DETAIL_LINES, lines
        assert lines[-1].endswith("…"), lines
        assert len(lines[-1]) <= detail.scrollable_content_region.width


def footer(app) -> list[str]:
    from maintui.tui.widgets.keybar import KeyBar

    return [str(key.description) for key in app.screen.query_one(KeyBar).query("FooterKey")]


async def test_b_is_not_offered_once_nothing_is_left_to_undo(site):
    from tests.ui.screens.test_session_control import TWO, roll_back_with_b

    site.screen("two", TWO)
    app = Harness(load_config(site.config), "two")
    async with app.run_test(size=(120, 40)) as pilot:
        session = app.screen
        assert "Roll back" not in footer(app)  # no run yet
        await pilot.press("r")
        await until(pilot, lambda: session.run_state == "succeeded")
        await until(pilot, lambda: "Roll back" in footer(app))
        await roll_back_with_b(pilot, app, site)
        await until(pilot, lambda: session.run_state == "rolled_back", timeout=20)
        await until(pilot, lambda: "Roll back" not in footer(app))
        assert session.check_action("rollback", ()) is False


async def test_a_live_rollback_lists_the_steps_it_undoes_newest_first(site):
    from maintui.tui.dialogs.confirm import ConfirmDialog
    from maintui.tui.dialogs.rollback import RollbackDialog
    from tests.ui.screens.test_session import SESSION

    site.screen("monthly", SESSION)
    app = Harness(load_config(site.config), "monthly")
    async with app.run_test(size=(80, 24)) as pilot:
        session = app.screen
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog)
                    and app.screen.view.step_id == "change")
        await pilot.press("y")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog)
                    and app.screen.view.step_id == "optional")
        await pilot.press("escape")  # not now: the run waits at the gate
        await until(pilot, lambda: app.screen is session)
        await pilot.press("b")
        await until(pilot, lambda: isinstance(app.screen, RollbackDialog))
        assert [sid for sid, _ in app.screen.undo] == ["change", "look"]
        listed = str(app.screen.query_one("#undo").render())
        assert listed.index("1. change") < listed.index("2. look"), listed
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is session)
        assert session.run_state == "waiting"  # nothing was sent


async def test_the_rollback_dialog_marks_a_risky_undo_in_words():
    from maintui.tui.dialogs.rollback import RollbackDialog
    from tests.ui.test_snapshots_dialogs import DialogApp, settle

    app = DialogApp(RollbackDialog(7, "failed", [
        ("vacuum", "restore /srv/backups/app-20240601.db.gz"), ("notice", "notice stop")],
        risky=frozenset({"vacuum"})))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        listed = str(app.screen.query_one("#undo").render()).splitlines()
        assert listed[0] == "1. vacuum  ! risky: restore /srv/backups/app-20240601.db.gz"
        assert listed[1] == "2. notice  notice stop"


ECHO = """
title = "Echo"
[[steps]]
id = "write"
title = "Write the report"
run = "echo wrote /srv/maintui/reports/update-5-20261205-1306.md and /srv/maintui/reports/update-5-20261205-1306.json"
risk = "safe"
"""


async def test_output_is_wrapped_again_at_the_new_width_when_the_pane_widens(site):
    from maintui.tui.widgets.output import OutputPane

    site.screen("echo", ECHO)
    app = Harness(load_config(site.config), "echo")
    async with app.run_test(size=(80, 24)) as pilot:
        session = app.screen
        log = session.query_one(OutputPane)
        await pilot.press("r")
        await until(pilot, lambda: session.run_state == "succeeded")
        await until(pilot, lambda: any("wrote" in line for line in log.lines))
        narrow = [line for line in log.lines if line.strip()]
        assert all(len(line) <= log.room for line in narrow)
        first = next(i for i, line in enumerate(narrow) if "wrote" in line)
        assert narrow[first].endswith("/"), narrow  # a path breaks after a slash
        await pilot.press("o")  # the output alone: the pane is as wide as the screen
        await until(pilot, lambda: log.room > 70)
        await until(pilot, lambda: any("update-5-20261205-1306.md and" in line
                                       for line in log.lines))
        wide = [line for line in log.lines if line.strip()]
        assert len(wide) < len(narrow), (narrow, wide)
        assert all(len(line) <= log.room for line in wide)


@pytest.mark.parametrize("width", [44, 60, 80])
async def test_a_finding_in_the_detail_breaks_its_path_after_a_slash_not_mid_name(width):
    app = _Detail()
    async with app.run_test(size=(width, 24)):
        detail = app.query_one(StepDetail)
        name = "update-2-20261205-1317.md"
        detail.set_findings([{"step_id": "report", "status": "ok",
                              "summary": f"report written: {name}",
                              "details": {"path": f"/tmp/h6demo/reports/{name}"}}])
        detail.show(StepView("report", "Write the update report", "safe",
                             command="report.write screen=update"))
        lines = str(detail.render()).splitlines()
        found = lines[1:lines.index(next(ln for ln in lines if ln.startswith("risk")))]
        assert found[0].startswith("found ok report written:"), found
        assert sum(name in line for line in found) == 2, found  # summary and path: whole
        assert all(len(line) <= detail.scrollable_content_region.width for line in found)
