"""`maintui run SCREEN --only …` is a partial run: recorded with what it ran, listed saying so,
and not the screen's run for "last run" and "due" (Home, the session, triage)."""

from __future__ import annotations

import asyncio
import json
import time

from maintui.core.site.config import load_config
from maintui.core.store.db import RunLog
from maintui.tui.models.board import ScreenCatalog, build_board
from tests.core.helpers import rows

MONTHLY = """
title = "Monthly maintenance"
schedule = "monthly"

[[steps]]
id = "notice"
title = "Announce"
run = "echo announcing"
risk = "safe"

[[steps]]
id = "maintenance-on"
title = "Enter maintenance mode"
action = "maintenance.mode"
with = { state = "on", message = "Monthly maintenance" }
after = ["notice"]
risk = "normal"

[[steps]]
id = "maintenance-off"
title = "Leave maintenance mode"
action = "maintenance.mode"
with = { state = "off" }
after = ["maintenance-on"]
risk = "normal"
"""


def board_of(site):
    """Home's board for the site, read from its run log as the console reads it."""
    config = load_config(site.config)
    catalog = ScreenCatalog(config)
    catalog.refresh()

    async def go():
        log = await RunLog.open(config.store_path)
        try:
            return await build_board(catalog, log, time.time(), None, [])
        finally:
            await log.close()

    board = asyncio.run(go())
    return next(s for s in board.screens if s.name == "monthly"), board


def test_an_only_run_leaves_the_screens_last_run_and_due_as_they_were(site, capsys):
    site.screen("monthly", MONTHLY)
    assert site.cli("run", "monthly", "--yes") == 0  # run 1: every step
    before, _ = board_of(site)
    assert before.last.id == 1 and before.due.state == "ok"
    assert site.cli("run", "monthly", "--yes", "--only", "maintenance-on") == 0  # run 2
    after, board = board_of(site)
    assert after.last.id == 1 and after.due == before.due  # still run 1's "in 30d"
    assert board.runs[0].id == 2 and board.runs[0].scope == "maintenance-on only"
    assert rows(site.db, "SELECT id, selection FROM runs ORDER BY id") == [
        (1, None), (2, '["maintenance-on"]')]
    capsys.readouterr()

    assert site.cli("history") == 0
    listed = {line.split()[0]: line for line in capsys.readouterr().out.splitlines()[1:]}
    assert listed["2"].endswith("(maintenance-on only: a partial run)")
    assert "partial" not in listed["1"]
    assert site.cli("history", "--json") == 0
    said = {r["id"]: r["only"] for r in json.loads(capsys.readouterr().out)}
    assert said == {2: ["maintenance-on"], 1: []}
    assert site.cli("show", "2") == 0
    assert "monthly: Monthly maintenance · maintenance-on only (a partial run)" in \
        capsys.readouterr().out
    report = next((site.root / "state" / "reports").glob("monthly-2-*.md")).read_text()
    assert "- **Steps:** maintenance-on only (a partial run, not a whole monthly run)" in report


def test_an_only_that_picks_every_step_is_a_whole_run(site):
    site.screen("monthly", MONTHLY)
    assert site.cli("run", "monthly", "--yes", "--only",
                    "notice,maintenance-on,maintenance-off") == 0
    assert rows(site.db, "SELECT selection FROM runs") == [(None,)]
    status, _ = board_of(site)
    assert status.last.id == 1 and status.due.state == "ok"


def test_turning_maintenance_mode_on_is_not_flagged_as_a_problem(site):
    """The step that sets the mode reports it `ok` (what the operator confirmed); a check of
    the mode (`state = "status"`) still flags ON as a warning."""
    site.screen("monthly", MONTHLY + """
[[steps]]
id = "status"
title = "Maintenance mode status"
action = "maintenance.mode"
with = { state = "status" }
risk = "safe"
""")
    assert site.cli("run", "monthly", "--yes", "--only", "maintenance-on") == 0
    assert rows(site.db, "SELECT status FROM findings WHERE run_id = 1") == [("ok",)]
    assert site.cli("run", "monthly", "--yes", "--only", "status") == 0
    assert rows(site.db, "SELECT status FROM findings WHERE run_id = 2") == [("warning",)]
