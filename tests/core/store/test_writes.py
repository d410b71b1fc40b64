"""The run log's writes: runs, step rows, events and leases, each with what consoles follow."""

from __future__ import annotations

import json

import pytest

from maintui.core.states import RunState, StepState
from maintui.core.store.db import RunLog
from maintui.core.store.leases import (
    put_lease,
    read_lease,
    release_lease,
    renew_lease,
)
from maintui.core.store.writes import (
    NewStep,
    StepRecords,
    add_steps,
    create_run,
    end_run,
    set_step_state,
)


@pytest.fixture
async def log(tmp_path):
    log = await RunLog.open(tmp_path / "runlog.db")
    yield log
    await log.close()


async def new_run(log: RunLog, *step_ids: str) -> int:
    async def go(db) -> int:
        run_id = await create_run(db, "s", "T", pid=1, host="h", user="ops", client="",
                                  mode="foreground", vars={"a": "1"}, incident=None)
        await add_steps(db, run_id, [NewStep(s, s.upper(), "command", "safe", f"echo {s}")
                                     for s in step_ids])
        return run_id
    return await log.write(go)


async def events(log: RunLog, run_id: int) -> list[tuple[str, str | None, dict]]:
    return [(e.kind, e.step_id, e.data) for e in await log.events(run_id)]


async def test_a_new_run_is_running_with_its_steps_pending_in_order(log):
    run_id = await new_run(log, "b", "a")
    run = await log.run(run_id)
    assert run is not None and run.state == RunState.RUNNING and run.user == "ops"
    assert [(s.step_id, s.position, s.state, s.command) for s in await log.steps(run_id)] == [
        ("b", 0, "pending", "echo b"), ("a", 1, "pending", "echo a")]


async def test_a_state_change_keeps_the_values_not_given_and_adds_an_event(log):
    run_id = await new_run(log, "a")
    records = StepRecords(log, run_id)
    await records.set("a", StepState.FAILED, exit_code=3, reason="exit code 3")
    await records.set("a", StepState.PENDING)
    [row] = await log.steps(run_id)
    assert (row.state, row.exit_code, row.reason, row.ended) == ("pending", 3, "exit code 3", None)
    assert await events(log, run_id) == [
        ("step_state", "a", {"state": "failed", "exit_code": 3, "reason": "exit code 3"}),
        ("step_state", "a", {"state": "pending", "exit_code": None, "reason": ""}),
    ]


async def test_a_new_attempt_clears_the_last_attempts_exit_code_and_end(log):
    run_id = await new_run(log, "a")
    records = StepRecords(log, run_id)
    await records.set("a", StepState.FAILED, exit_code=1)
    await records.started("a", 2)
    [row] = await log.steps(run_id)
    assert (row.state, row.attempt, row.exit_code, row.ended) == ("running", 2, None, None)
    assert row.started is not None


async def test_a_gate_puts_the_step_and_the_run_in_waiting_until_resumed(log):
    run_id = await new_run(log, "a")
    records = StepRecords(log, run_id)
    await records.waiting("a", {"step_id": "a", "plan": ["delete 3 files"]})
    [row] = await log.steps(run_id)
    assert (row.state, row.plan) == ("waiting", ["delete 3 files"])
    assert (await log.run(run_id)).state == RunState.WAITING
    await records.resume_run()
    assert (await log.run(run_id)).state == RunState.RUNNING
    assert [e[0] for e in await events(log, run_id)] == ["run_state", "gate", "run_state"]


async def test_cancel_rest_cancels_only_the_steps_not_finished(log):
    run_id = await new_run(log, "a", "b", "c")
    records = StepRecords(log, run_id)
    await records.set("a", StepState.SUCCEEDED)
    await records.cancel_rest("not run: aborted")
    assert await records.states() == {"a": StepState.SUCCEEDED, "b": StepState.CANCELLED,
                                      "c": StepState.CANCELLED}


async def test_an_interruption_does_not_overwrite_a_run_that_already_ended(log):
    run_id = await new_run(log, "a")
    await log.write(lambda db: end_run(db, run_id, RunState.SUCCEEDED, ""))
    await log.write(lambda db: end_run(db, run_id, RunState.INTERRUPTED, "gone", live_only=True))
    assert (await log.run(run_id)).state == RunState.SUCCEEDED


async def test_only_known_step_columns_may_be_set(log):
    run_id = await new_run(log, "a")
    with pytest.raises(ValueError, match="not a column"):
        await log.write(lambda db: set_step_state(db, run_id, "a", StepState.FAILED,
                                                  **{"reason = 'x', state": "y"}))


async def test_events_and_decisions_written_through_the_run_log_share_one_shape(log):
    run_id = await new_run(log, "a")
    await log.add_event(run_id, "note", "a", {"text": "hello"})
    await log.add_decision(run_id, "skip", "a", "later", "ana", "10.0.0.1")
    rows = await log.read("SELECT kind, step_id, data FROM events WHERE run_id = ?", (run_id,))
    assert [(k, s, json.loads(d)) for k, s, d in rows] == [
        ("note", "a", {"text": "hello"}),
        ("decision", "a", {"kind": "skip", "reason": "later", "user": "ana",
                           "client": "10.0.0.1"}),
    ]


async def test_a_lease_is_held_renewed_and_released_by_its_run_only(log):
    run_id = await new_run(log, "a")
    await log.write(lambda db: put_lease(db, "s", run_id, pid=42, pid_start=1.0, host="h",
                                         user="ops"))
    lease = await log.write(lambda db: read_lease(db, "s"))
    assert lease is not None and (lease["run_id"], lease["pid"], lease["user"]) == (run_id, 42, "ops")
    assert await log.write(lambda db: renew_lease(db, "s", run_id)) is True
    assert await log.write(lambda db: renew_lease(db, "s", run_id + 1)) is False
    await log.write(lambda db: release_lease(db, "s", run_id + 1))
    assert await log.write(lambda db: read_lease(db, "s")) is not None
    await log.write(lambda db: release_lease(db, "s", run_id))
    assert await log.write(lambda db: read_lease(db, "s")) is None
