"""Partial runs (`--only`): recorded with the steps they were limited to, and not the screen's
run for "last run" and "due"; a run log from before the `selection` column is migrated."""

from __future__ import annotations

import sqlite3

import pytest

from maintui.core.states import RunState
from maintui.core.store import schema
from maintui.core.store.db import RunLog
from maintui.core.store.writes import create_run, end_run


@pytest.fixture
async def log(tmp_path):
    log = await RunLog.open(tmp_path / "runlog.db")
    yield log
    await log.close()


async def ended_run(log: RunLog, screen: str, state: RunState, selection=()) -> int:
    async def go(db) -> int:
        run_id = await create_run(db, screen, screen.title(), pid=1, host="h", user="ops",
                                  client="", mode="foreground", vars={}, incident=None,
                                  selection=selection)
        await end_run(db, run_id, state, "")
        return run_id
    return await log.write(go)


async def test_a_partial_run_is_not_the_screens_last_run_nor_its_last_success(log):
    whole = await ended_run(log, "monthly", RunState.SUCCEEDED)
    part = await ended_run(log, "monthly", RunState.SUCCEEDED, ["maintenance-on"])
    failed_part = await ended_run(log, "monthly", RunState.FAILED, ["tag:check"])
    assert (await log.last_runs())["monthly"].id == whole
    assert (await log.last_success())["monthly"].id == whole
    # listed like any run, saying what it ran
    listed = {r.id: r for r in await log.runs(10, screen="monthly")}
    assert listed[part].partial and listed[part].scope == "maintenance-on only"
    assert listed[failed_part].selection == ("tag:check",)
    assert not listed[whole].partial and listed[whole].scope == ""
    assert [r.id for r in await log.runs(10, screen="monthly", whole=True)] == [whole]
    assert (await log.run(part)).scope == "maintenance-on only"


async def test_a_screen_with_partial_runs_only_has_no_last_run(log):
    await ended_run(log, "triage", RunState.SUCCEEDED, ["restart", "tag:check"])
    assert "triage" not in await log.last_runs()
    assert "triage" not in await log.last_success()
    assert (await log.runs(1))[0].scope == "restart, check steps only"


async def test_a_run_log_from_before_selections_is_migrated_and_its_runs_are_whole(tmp_path):
    path = tmp_path / "old.db"
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=WAL")
    for number, migration in enumerate(schema.MIGRATIONS[:3]):
        con.executescript(migration)
        con.execute(f"PRAGMA user_version={number + 1}")
    con.execute("INSERT INTO runs(screen, title, state, started, ended) "
                "VALUES('monthly', 'Monthly', 'succeeded', 1.0, 2.0)")
    con.commit()
    con.close()
    log = await RunLog.open(path)
    try:
        run = (await log.last_runs())["monthly"]
        assert run.id == 1 and not run.partial
        part = await ended_run(log, "monthly", RunState.SUCCEEDED, ["maintenance-on"])
        assert (await log.run(part)).partial
    finally:
        await log.close()
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA user_version").fetchone() == (schema.VERSION,)
    con.close()
