"""The walk through a run's steps, with fake gates, a fake executor and in-memory step rows."""

from __future__ import annotations

import asyncio
import time

from maintui.core.run.gates import Answer
from maintui.core.run.options import RunOptions
from maintui.core.run.steps import Outcome
from maintui.core.run.walk import Walk
from maintui.core.site.model import Screen, Step
from maintui.core.states import DecisionKind, RunState, StepState
from maintui.core.store.rows import Decision
from tests.core.run.fakes import (
    RUN_ID,
    Executor,
    FakeControl,
    FakeGatekeeper,
    FakeRecords,
    Stop,
    make_screen,
)


class Harness:
    """One walk over `screen` with every collaborator faked, and what each of them saw."""

    def __init__(self, screen: Screen, *, gatekeeper: FakeGatekeeper | None = None,
                 executor=None, stop: Decision | None = None, gates: str = "log") -> None:
        self.screen = screen
        self.order = [s.id for s in screen.steps]
        self.records = FakeRecords(self.order)
        self.gatekeeper = gatekeeper or FakeGatekeeper()
        self.execute = executor or Executor()
        self.control = FakeControl()
        self.stop = Stop(stop)
        self.said: list[str] = []
        self.walk = Walk(screen, self.gatekeeper, self.execute, self.records,
                         RunOptions(gates=gates, user="ops", client=""), watcher=self.stop,
                         control=self.control, say=self.said.append)


def abc(**changes: dict) -> Screen:
    steps = [{"id": "a", "run": "true"}, {"id": "b", "run": "true", "after": ["a"]},
             {"id": "c", "run": "true", "after": ["b"]}]
    return make_screen(*[{**s, **changes.get(s["id"], {})} for s in steps])


async def test_steps_run_in_the_order_given_and_the_run_succeeds():
    h = Harness(make_screen({"id": "x", "run": "true"}, {"id": "y", "run": "true"},
                            {"id": "z", "run": "true"}))
    assert await h.walk.run(["z", "x", "y"]) == (RunState.SUCCEEDED, "")
    assert h.execute.started == ["z", "x", "y"]
    assert h.gatekeeper.asked == ["z", "x", "y"]


async def test_steps_already_finished_are_not_run_again():
    h = Harness(abc())
    h.records.rows["a"] = StepState.SUCCEEDED
    assert await h.walk.run(h.order) == (RunState.SUCCEEDED, "")
    assert h.execute.started == ["b", "c"]


async def test_a_failed_step_stops_the_run_and_cancels_the_rest():
    h = Harness(abc(), executor=Executor({"b": StepState.FAILED}))
    state, message = await h.walk.run(h.order)
    assert state is RunState.FAILED and message == "step b failed: exit code 1"
    assert h.execute.started == ["a", "b"]
    assert h.records.rows["c"] is StepState.CANCELLED
    assert h.records.reasons["c"] == "not run: step b failed"


async def test_continue_goes_on_and_skips_the_steps_that_needed_the_failed_one():
    screen = make_screen({"id": "a", "run": "false", "on_failure": "continue"},
                         {"id": "b", "run": "true", "after": ["a"]},
                         {"id": "c", "run": "true"})
    h = Harness(screen, executor=Executor({"a": StepState.FAILED}))
    assert await h.walk.run(h.order) == (RunState.FAILED,
                                         "one or more steps failed (on_failure = continue)")
    assert h.execute.started == ["a", "c"]
    assert h.records.rows["b"] is StepState.SKIPPED
    assert h.records.reasons["b"] == "not run: a did not succeed"


async def test_on_failure_rollback_asks_the_runner_to_roll_back():
    h = Harness(abc(b={"on_failure": "rollback"}), executor=Executor({"b": StepState.FAILED}))
    assert await h.walk.run(h.order) == (RunState.ROLLED_BACK, "step b failed: exit code 1")
    assert h.control.rollbacks == ["step b failed: exit code 1"]
    assert h.control.firsts == ["b"]  # the failed step's own undo comes first


async def test_a_skip_at_the_gate_skips_the_step_with_the_operators_reason():
    gate = FakeGatekeeper({"b": Answer(DecisionKind.SKIP, "done by hand yesterday")})
    h = Harness(abc(), gatekeeper=gate)
    assert await h.walk.run(h.order) == (RunState.SUCCEEDED, "")
    assert h.execute.started == ["a", "c"]
    assert h.records.rows["b"] is StepState.SKIPPED
    assert h.records.reasons["b"] == "done by hand yesterday"
    assert "  ⤼ b skipped: done by hand yesterday" in h.said


async def test_an_abort_at_the_gate_ends_the_run_and_cancels_what_is_left():
    h = Harness(abc(), gatekeeper=FakeGatekeeper({"b": Answer(DecisionKind.ABORT, "wrong host")}))
    assert await h.walk.run(h.order) == (RunState.ABORTED, "wrong host")
    assert h.execute.started == ["a"]
    assert h.records.rows["b"] is StepState.CANCELLED and h.records.rows["c"] is StepState.CANCELLED
    assert h.records.reasons["c"] == "not run: the run was aborted"


async def test_a_rollback_at_the_gate_rolls_back():
    h = Harness(abc(), gatekeeper=FakeGatekeeper({"c": Answer(DecisionKind.ROLLBACK)}))
    assert await h.walk.run(h.order) == (RunState.ROLLED_BACK, "rollback requested: at step c")


async def test_a_manual_item_marked_done_succeeds_without_running_and_can_be_rolled_back():
    screen = make_screen({"id": "look", "manual": True}, {"id": "b", "run": "true"})
    h = Harness(screen, gatekeeper=FakeGatekeeper({"look": Answer(DecisionKind.DONE, "fine")}))
    assert await h.walk.run(h.order) == (RunState.SUCCEEDED, "")
    assert h.execute.started == ["b"]
    assert h.records.rows["look"] is StepState.SUCCEEDED
    assert h.records.reasons["look"] == "fine"
    assert h.control.done_by_hand == ["look"]


async def test_a_step_blocked_unattended_fails_without_running():
    gate = FakeGatekeeper(blocked={"b": "precondition not met: free on /: 1.0G (needs 5.0G)"})
    h = Harness(abc(), gatekeeper=gate)
    state, message = await h.walk.run(h.order)
    assert state is RunState.FAILED
    assert message == "step b: precondition not met: free on /: 1.0G (needs 5.0G)"
    assert h.execute.started == ["a"]
    assert h.records.rows["b"] is StepState.FAILED
    assert h.records.rows["c"] is StepState.CANCELLED


async def test_a_step_skipped_while_blocked_lets_the_run_go_on():
    gate = FakeGatekeeper(blocked={"b": Answer(DecisionKind.SKIP, "disk later")})
    h = Harness(make_screen({"id": "a", "run": "true"}, {"id": "b", "run": "true"},
                            {"id": "c", "run": "true"}), gatekeeper=gate)
    assert await h.walk.run(h.order) == (RunState.SUCCEEDED, "")
    assert h.execute.started == ["a", "c"]
    assert h.records.reasons["b"] == "disk later"


async def test_an_abort_from_a_console_stops_before_the_next_step():
    abort = Decision(1, RUN_ID, None, "abort", "", "ana", "", time.time())
    h = Harness(abc(), stop=abort)
    assert await h.walk.run(h.order) == (RunState.ABORTED, "by ana")
    assert h.execute.started == []
    assert set(h.records.rows.values()) == {StepState.CANCELLED}


async def test_a_lost_lease_stops_the_walk_and_cancels_the_rest():
    h = Harness(abc())
    h.control.lost = True
    state, message = await h.walk.run(h.order)
    assert state is RunState.ABORTED and "lost the screen's lease" in message
    assert h.execute.started == []
    assert h.records.reasons["a"] == "not run: the runner lost its lease"


async def test_a_cancelled_step_aborts_the_run():
    h = Harness(abc(), executor=Executor({"b": StepState.CANCELLED}))
    assert await h.walk.run(h.order) == (RunState.ABORTED, "cancelled")
    assert h.execute.started == ["a", "b"]


class Overlap:
    """An executor whose steps wait for each other: only steps running side by side finish."""

    def __init__(self, together: set[str]) -> None:
        self.together = together
        self.running: set[str] = set()
        self.most = 0
        self.started: list[str] = []
        self.all_in = asyncio.Event()

    async def __call__(self, step: Step) -> Outcome:
        self.started.append(step.id)
        self.running.add(step.id)
        self.most = max(self.most, len(self.running))
        if self.together <= self.running:
            self.all_in.set()
        if step.id in self.together:
            await asyncio.wait_for(self.all_in.wait(), 5)
        self.running.discard(step.id)
        return Outcome(StepState.SUCCEEDED, 0)


async def test_run_parallel_runs_independent_steps_side_by_side_and_dependents_after():
    screen = make_screen({"id": "a", "run": "true"}, {"id": "b", "run": "true"},
                         {"id": "c", "run": "true", "after": ["a", "b"]}, concurrency=2)
    overlap = Overlap({"a", "b"})
    h = Harness(screen, executor=overlap, gates="yes")
    assert await h.walk.run_parallel(h.order) == (RunState.SUCCEEDED, "")
    assert overlap.most == 2
    assert overlap.started[:2] == ["a", "b"] and overlap.started[2] == "c"


async def test_run_parallel_never_runs_more_than_the_screens_concurrency():
    screen = make_screen(*[{"id": f"s{i}", "run": "true"} for i in range(5)], concurrency=2)
    running, most, started = set(), [0], []

    async def slow(step: Step) -> Outcome:
        started.append(step.id)
        running.add(step.id)
        most[0] = max(most[0], len(running))
        await asyncio.sleep(0.01)
        running.discard(step.id)
        return Outcome(StepState.SUCCEEDED, 0)

    h = Harness(screen, executor=slow, gates="yes")
    assert await h.walk.run_parallel(h.order) == (RunState.SUCCEEDED, "")
    assert most[0] == 2 and started == [f"s{i}" for i in range(5)]


async def test_run_parallel_a_failure_starts_nothing_more_and_cancels_the_rest():
    screen = make_screen({"id": "a", "run": "false"}, {"id": "b", "run": "true", "after": ["a"]},
                         concurrency=2)
    h = Harness(screen, executor=Executor({"a": StepState.FAILED}), gates="yes")
    assert await h.walk.run_parallel(h.order) == (RunState.FAILED, "step a failed: exit code 1")
    assert h.execute.started == ["a"]
    assert h.records.rows["b"] is StepState.CANCELLED
