"""A fleet step in the console: host sub-rows with live states and counts, the per-host output
filter, retrying one host, and abort cancelling the play. Real plays (ansible-runner) on the
test inventory (local hosts under several names, one unreachable), a real detached runner."""

from __future__ import annotations

import shutil
import time

import pytest
from textual.widgets import Log

from maintui.core.site.config import load_config
from maintui.tui.dialogs.text import ReasonDialog
from maintui.tui.models.hosts import sub_key
from maintui.tui.widgets.steps import StepQueue
from tests.core.fleet.conftest import DATA, FLEET
from tests.core.helpers import rows
from tests.ui.screens.test_session import Harness, until

pytest.importorskip("ansible_runner")

MIXED = """
title = "Mixed"
[[steps]]
id = "touch"
title = "Touch"
risk = "safe"
hosts = "web:broken"
run = "echo on $(hostname) as step $MAINTUI_STEP"
"""

SLOW = """
title = "Slow"
[[steps]]
id = "wait"
title = "Wait long"
risk = "safe"
hosts = "web"
run = "sleep 60"
"""


@pytest.fixture
def fleet(site):
    shutil.copy(DATA / "inventory.ini", site.root / "inventory.ini")
    site.config.write_text(site.config.read_text() + FLEET)
    return site


def lines(app) -> list[str]:
    """The output pane's lines, without the continuation lines of a wrapped one."""
    return [ln for ln in app.screen.query_one(Log).lines if not ln.startswith(" ")]


def cell_text(queue: StepQueue, key: str) -> str:
    return str(queue.get_row(key)[1]).strip()


async def test_hosts_show_under_their_step_filter_the_output_and_retry_alone(fleet):
    fleet.screen("mixed", MIXED)
    app = Harness(load_config(fleet.config), "mixed")
    async with app.run_test(size=(120, 40)) as pilot:
        session = app.screen
        queue = session.query_one(StepQueue)
        await pilot.press("r")
        await until(pilot, lambda: session.run_state == "failed", timeout=60)
        await until(pilot, lambda: sub_key("touch", "dead1") in queue.rows)
        # the count line and each host's row, in inventory order, with their states (the rows
        # follow the run log at the next poll: the run may be seen ended a poll before them)
        await until(pilot, lambda: cell_text(queue, sub_key("touch", None)) ==
                    "web:broken: 3 changed · 1 unreachable")
        keys = [k.value for k in queue.rows]
        assert keys == ["touch", *(sub_key("touch", h) for h in
                                   (None, "web1", "web2", "web3", "dead1"))]
        assert str(queue.get_row(sub_key("touch", "dead1"))[0]) == "⊘"
        # output reaches the pane at most every OUTPUT_EVERY s: the last lines may come after
        await until(pilot, lambda: {ln.split("]")[0] for ln in lines(app)} ==
                    {"[web1", "[web2", "[web3", "[dead1"})

        # the cursor on a host's row shows that host's lines alone; f moves to the next host
        queue.focus()
        queue.move_cursor(row=queue.get_row_index(sub_key("touch", "web2")))
        await until(pilot, lambda: lines(app) and all(ln.startswith("[web2] ")
                                                      for ln in lines(app)))
        assert "[web2] changed: Touch" in lines(app)
        assert session.query_one(Log).border_title == "touch: web2 only · f next host"
        await pilot.press("f")
        await until(pilot, lambda: lines(app) and all(ln.startswith("[web3] ")
                                                      for ln in lines(app)))
        await pilot.press("f", "f")  # dead1, then all hosts again
        await until(pilot, lambda: len({ln.split("]")[0] for ln in lines(app)}) == 4)

        # a host that is fine is not retried; the unreachable one is, alone, in a new run
        queue.move_cursor(row=queue.get_row_index(sub_key("touch", "web1")))
        await pilot.press("R")
        await pilot.pause(0.2)
        assert not isinstance(app.screen, ReasonDialog)
        queue.move_cursor(row=queue.get_row_index(sub_key("touch", "dead1")))
        await pilot.pause(0.2)
        await pilot.press("R")
        await until(pilot, lambda: isinstance(app.screen, ReasonDialog))
        await pilot.press(*"port closed", "enter")
        await until(pilot, lambda: session.run_id == 2 and session.run_state == "failed",
                    timeout=60)
        await until(pilot, lambda: sub_key("touch", "dead1") in queue.rows)
        assert sub_key("touch", "web1") not in queue.rows
        assert all(ln.startswith("[dead1] ") for ln in lines(app))
    db = fleet.db
    assert rows(db, "SELECT run_id, host, state FROM host_results WHERE run_id = 2") == [
        (2, "dead1", "unreachable")]
    notes = rows(db, "SELECT run_id, reason FROM decisions WHERE kind = 'note' ORDER BY id")
    assert notes == [(1, "dead1 retried alone in run 2: port closed"),
                     (2, "retry of dead1 alone, from run 1: port closed")]


async def test_abort_in_the_console_cancels_the_play(fleet):
    """Abort reaches ansible-runner's cancel_callback: the play stops long before its 60 s
    sleep, the step is cancelled, and the hosts that had not answered count as failed."""
    fleet.screen("slow", SLOW)
    app = Harness(load_config(fleet.config), "slow")
    async with app.run_test(size=(80, 24)) as pilot:
        session = app.screen
        queue = session.query_one(StepQueue)
        await pilot.press("r")
        await until(pilot, lambda: sub_key("wait", "web3") in queue.rows, timeout=30)
        assert cell_text(queue, sub_key("wait", None)) == "web: 3 running"
        started = time.monotonic()
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, ReasonDialog))
        await pilot.press(*"wrong window", "enter")
        await until(pilot, lambda: session.run_state == "aborted", timeout=40)
        took = time.monotonic() - started
        await until(pilot, lambda: cell_text(queue, sub_key("wait", None)) == "web: 3 failed")
    assert took < 30
    assert rows(fleet.db, "SELECT state FROM steps") == [("cancelled",)]
    assert {r[0] for r in rows(fleet.db, "SELECT message FROM host_results")} == {
        "the play stopped before it ended"}
