"""The gatekeeper: when a step is asked about, where the answer comes from, what it records."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from maintui.core.errors import GateRefused
from maintui.core.masking import Masker
from maintui.core.probes.base import Disk
from maintui.core.probes.fake import FakeProbe, fake_snapshot
from maintui.core.run.gates import Answer, DecisionWatcher, Gatekeeper
from maintui.core.run.options import RunOptions
from maintui.core.run.stepview import StepView
from maintui.core.site.model import Screen
from maintui.core.states import DecisionKind, RunState, StepState
from tests.core.run.fakes import RUN_ID, FakeLog, FakeRecords, make_config, make_screen

GB = 1024**3


class Gate:
    """A gatekeeper over `screen` with a fake run log, and what it wrote and said."""

    def __init__(self, root: Path, screen: Screen, gates: str, *, prompt=None,
                 free_gb: float = 50) -> None:
        self.screen = screen
        self.log = FakeLog()
        self.records = FakeRecords([s.id for s in screen.steps])
        self.watcher = DecisionWatcher(self.log, RUN_ID)
        self.said: list[str] = []
        disk = Disk("/", 50.0, int(50 * GB), int(100 * GB), int(free_gb * GB))
        self.probe = FakeProbe([fake_snapshot(disks=(disk,))])
        self.gatekeeper = Gatekeeper(
            make_config(root), RUN_ID, log=self.log, records=self.records, watcher=self.watcher,
            masker=Masker(["hunter2"]), prompt=prompt,
            options=RunOptions(gates=gates, user="ops", client="10.0.0.9"),
            lookup=lambda name: {"app.password": "hunter2"}.get(name, ""),
            run_dir=root / "runs" / str(RUN_ID), probe=self.probe, say=self.said.append)

    def step(self, step_id: str):
        return self.screen.step(step_id)


STEPS = make_screen({"id": "safe", "run": "true", "risk": "safe"},
                    {"id": "restart", "run": "systemctl restart app --password ${app.password}",
                     "rollback": "echo undo", "risk": "destructive"},
                    {"id": "look", "manual": True},
                    {"id": "big", "run": "true", "risk": "safe",
                     "requires": {"disk_free": "80G", "disk_path": "/srv"}})


async def test_a_safe_step_goes_ahead_without_asking_or_recording_anything(tmp_path):
    gate = Gate(tmp_path, STEPS, "log")
    assert await gate.gatekeeper.admit(gate.step("safe")) == Answer(DecisionKind.CONFIRM)
    assert gate.records.gates == [] and gate.log.decided == []


async def test_yes_confirms_and_records_who_ran_it(tmp_path):
    gate = Gate(tmp_path, STEPS, "yes")
    answer = await gate.gatekeeper.admit(gate.step("restart"))
    assert answer == Answer(DecisionKind.CONFIRM, "--yes")
    [decision] = gate.log.decided
    assert (decision.kind, decision.step_id, decision.reason, decision.user, decision.client) == (
        "confirm", "restart", "--yes", "ops", "10.0.0.9")


async def test_yes_leaves_a_manual_checklist_item_open(tmp_path):
    gate = Gate(tmp_path, STEPS, "yes")
    answer = await gate.gatekeeper.admit(gate.step("look"))
    assert answer.kind is DecisionKind.SKIP and "unattended run (--yes)" in answer.reason
    assert gate.log.decided == []


async def test_without_a_terminal_a_gate_cancels_the_step_and_refuses_the_run(tmp_path):
    gate = Gate(tmp_path, STEPS, "none")
    with pytest.raises(GateRefused, match="re-run with --yes"):
        await gate.gatekeeper.admit(gate.step("restart"))
    [(step_id, shown)] = gate.records.gates
    assert step_id == "restart" and shown["risk"] == "destructive" and shown["rollback"] == "echo undo"
    assert gate.records.rows["restart"] is StepState.CANCELLED


async def test_the_gate_shows_the_command_masked_and_waits_for_a_console(tmp_path):
    gate = Gate(tmp_path, STEPS, "log")
    await gate.watcher.start()
    try:
        asked = asyncio.create_task(gate.gatekeeper.admit(gate.step("restart")))
        await asyncio.sleep(0.05)
        assert not asked.done() and gate.records.run_state is RunState.WAITING
        [(_, shown)] = gate.records.gates
        assert "hunter2" not in shown["command"] and "systemctl restart app" in shown["command"]
        gate.log.decide(DecisionKind.SKIP, "restart", "not today", user="ana")
        answer = await asyncio.wait_for(asked, 5)
    finally:
        await gate.watcher.close()
    assert answer == Answer(DecisionKind.SKIP, "not today", "ana", recorded=True)
    assert gate.records.run_state is RunState.RUNNING
    assert "  answered from a console by ana: skip" in gate.said


async def test_a_terminal_answer_is_written_to_the_run_log(tmp_path):
    asked: list[StepView] = []

    async def prompt(request: StepView) -> Answer:
        asked.append(request)
        return Answer(DecisionKind.ABORT, "not now")

    gate = Gate(tmp_path, STEPS, "tty", prompt=prompt)
    await gate.watcher.start()
    try:
        answer = await gate.gatekeeper.admit(gate.step("restart"))
    finally:
        await gate.watcher.close()
    assert answer == Answer(DecisionKind.ABORT, "not now")
    assert [r.step_id for r in asked] == ["restart"]
    [decision] = gate.log.decided
    assert (decision.kind, decision.reason, decision.user) == ("abort", "not now", "ops")


async def test_unattended_an_unmet_precondition_says_why_the_step_cannot_start(tmp_path):
    gate = Gate(tmp_path, STEPS, "yes", free_gb=10)
    why = await gate.gatekeeper.blocked(gate.step("big"))
    assert why == "precondition not met: free on /srv: 10.0G (needs 80.0G)"


async def test_a_met_precondition_does_not_block(tmp_path):
    gate = Gate(tmp_path, STEPS, "yes", free_gb=90)
    assert await gate.gatekeeper.blocked(gate.step("big")) is None
    assert await gate.gatekeeper.blocked(gate.step("safe")) is None


async def test_at_a_console_a_blocked_step_waits_until_the_operator_skips_it(tmp_path):
    gate = Gate(tmp_path, STEPS, "log", free_gb=10)
    await gate.watcher.start()
    try:
        blocked = asyncio.create_task(gate.gatekeeper.blocked(gate.step("big")))
        await asyncio.sleep(0.05)
        [(step_id, shown)] = gate.records.gates
        assert step_id == "big" and shown["blocked"] is True
        assert shown["requires"] == [{"name": "disk_free", "ok": False,
                                      "text": "free on /srv: 10.0G (needs 80.0G)"}]
        gate.log.decide(DecisionKind.SKIP, "big", "later")
        answer = await asyncio.wait_for(blocked, 5)
    finally:
        await gate.watcher.close()
    assert answer.kind is DecisionKind.SKIP and answer.reason == "later"
