"""The dashboard reads the run log only when it changed: a run left "running" by a killed
runner no longer makes it read the log at every sample, and its row says the runner is gone."""

from __future__ import annotations

import time

from maintui.core.store.db import RunLog
from maintui.core.store.rows import RunRow
from maintui.tui.models.logreads import RunLogReads
from maintui.tui.widgets.runs import GONE, RecentRuns
from maintui.tui.widgets.screens import ScreenList
from tests.core.helpers import interrupt, run_state
from tests.ui.conftest import settle

SAMPLES = 20


def count_reads(store: RunLog) -> dict[str, int]:
    """Counts the statements the store runs on the runs and leases tables."""
    counts = {"runs": 0, "leases": 0}
    read = store.read

    async def counted(sql: str, params: tuple | list = ()) -> list:
        for table in counts:
            counts[table] += f"FROM {table}" in sql
        return await read(sql, params)

    store.read = counted  # type: ignore[method-assign]
    return counts


async def test_a_run_left_running_is_read_once_and_shown_with_its_runner_gone(build, ui_site):
    app = build(store=None)  # the console opens the site's run log itself
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot=pilot)  # on Home, polled by hand from here
        # the start-up look for a live run to reattach to is over: this one is left on Home
        await app.workers.wait_for_complete([w for w in app.workers if w.name == "attach"])
        interrupt(ui_site)  # run 1 of screen s: its runner killed in step c
        assert run_state(ui_site.db) == "running"
        poller = app.poller
        await poller.poll_now()
        await pilot.pause()
        assert poller.board.gone == {1}, (poller.board.runs, await poller.store.lease("s"))
        counts = count_reads(poller.store)
        for _ in range(SAMPLES):  # a run shows going: the board is read at every sample
            await poller.poll_now()
        # the log did not change, the runner is gone
        assert counts == {"runs": 0, "leases": 0}, poller.board.runs
        runs = {key: cells for key, cells in app.screen.query_one(RecentRuns)._rows}
        assert runs["1"][2] == (GONE, "critical")
        screens = {key: cells for key, cells in app.screen.query_one(ScreenList)._rows}
        assert screens["s"][2] == (GONE, "critical")
        # another process writes: read again, once
        other = await RunLog.open(ui_site.db)
        await other.add_event(1, "note", None, {"text": "looked at"})
        await other.close()
        await poller.poll_now()
        once = counts["runs"]
        assert once > 0
        for _ in range(SAMPLES - 1):
            await poller.poll_now()
        assert counts["runs"] == once  # one read for the change, none after it
        assert poller.board.gone == {1}  # still running in the log, its runner still gone
        # this console's own write counts as a change too
        await poller.store.set_kv("probe", 1)
        for _ in range(SAMPLES):
            await poller.poll_now()
        assert counts["runs"] == 2 * once


class Log:
    """A run log that never changes, with one run going on another host; counts lease reads."""

    def __init__(self, heartbeat: float) -> None:
        self.heartbeat, self.lease_reads = heartbeat, 0

    async def version(self) -> tuple[int, int]:
        return 1, 0

    async def runs(self, limit: int = 50, screen=None, state=None) -> list[RunRow]:
        return [RunRow(7, "s", "S", "running", 100.0, None, "ops", "db9")]

    async def last_runs(self) -> dict[str, RunRow]:
        return {}

    async def last_success(self) -> dict[str, RunRow]:
        return {}

    async def get_kv(self, key: str, default=None):
        return default

    async def lease(self, screen: str) -> dict:
        self.lease_reads += 1
        return {"run_id": 7, "pid": 1, "pid_start": None, "host": "elsewhere", "user": "ops",
                "acquired": 0.0, "heartbeat": self.heartbeat}


async def test_a_going_runs_lease_is_looked_at_when_seen_then_every_fifteen_seconds():
    log, reads = Log(heartbeat=time.time()), RunLogReads()
    for second in range(0, 30, 1):  # a sample a second
        await reads.refresh(log, 1000.0 + second)
    assert log.lease_reads == 2 and reads.gone == frozenset()  # at 0 s and at 15 s
    log.heartbeat -= 60  # its runner stopped renewing: on another host, that is all one sees
    await reads.refresh(log, 1030.0)
    assert reads.gone == {7} and log.lease_reads == 3
    for second in range(31, 90):
        await reads.refresh(log, 1000.0 + second)
    assert log.lease_reads == 3  # gone for good: not looked at again
