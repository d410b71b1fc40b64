"""The runner reached without the CLI: create, run, finish, adopt (real run log, real shell)."""

from __future__ import annotations

import pytest

from maintui.core.errors import ConfigError
from maintui.core.probes.fake import FakeProbe
from maintui.core.run.options import RunOptions
from maintui.core.run.runner import Runner
from maintui.core.states import RunState
from maintui.core.store.db import RunLog
from tests.core.run.fakes import make_config, make_screen

SCREEN = make_screen({"id": "second", "run": "echo 2", "after": ["first"]},
                     {"id": "first", "run": "echo 1"},
                     {"id": "extra", "run": "echo 3", "tags": ["slow"]})


@pytest.fixture
async def log(tmp_path):
    log = await RunLog.open(tmp_path / "state" / "runlog.db")
    yield log
    await log.close()


def runner(tmp_path, log, **options) -> Runner:
    return Runner(make_config(tmp_path), SCREEN, log, RunOptions(gates="yes", user="ops", **options),
                  probe=FakeProbe())


async def test_a_run_created_and_run_directly_succeeds_and_gives_back_the_lease(tmp_path, log):
    made = runner(tmp_path, log)
    run_id = await made.create()
    assert await log.lease("t") is not None
    assert await made.run() is RunState.SUCCEEDED
    assert [(s.step_id, s.state) for s in await log.steps(run_id)] == [
        ("first", "succeeded"), ("second", "succeeded"), ("extra", "succeeded")]
    assert (await log.run(run_id)).state == RunState.SUCCEEDED
    assert await log.lease("t") is None
    kinds = [e.kind for e in await log.events(run_id)]
    assert kinds[0] == "run_state" and kinds.count("session") == 2


async def test_only_picks_steps_by_id_or_tag_and_rejects_unknown_ones(tmp_path, log):
    made = runner(tmp_path, log, only=["tag:slow", "first"])
    run_id = await made.create()
    assert [s.step_id for s in await log.steps(run_id)] == ["first", "extra"]
    with pytest.raises(ConfigError, match="no step nope"):
        runner(tmp_path, log, only=["nope"]).select(["first", "second"])


async def test_adopting_a_finished_run_knows_what_a_rollback_would_undo(tmp_path, log):
    first = runner(tmp_path, log)
    run_id = await first.create()
    await first.run()
    again = runner(tmp_path, log)
    await again.adopt(run_id)
    assert again.order == ["first", "second", "extra"]
    assert again.completed == ["first", "second", "extra"]
    assert (await log.run(run_id)).state == RunState.RUNNING
    await again.finish(RunState.SUCCEEDED, "adopted and ended")
    assert (await log.run(run_id)).message == "adopted and ended"
