"""In-memory stand-ins for the run log's API that the runner's collaborators use."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from maintui.core.run.gates import Answer
from maintui.core.run.steps import Outcome
from maintui.core.site.config import SiteConfig
from maintui.core.site.model import Screen, Step
from maintui.core.site.screenfile import parse_screen
from maintui.core.states import DecisionKind, RunState, StepState
from maintui.core.store.rows import Decision

RUN_ID = 7


def make_screen(*steps: dict[str, Any], **head: Any) -> Screen:
    """A screen from step tables as a screen file would hold them."""
    data = {"title": "t", **head, "steps": [{"title": s["id"].upper(), **s} for s in steps]}
    screen, problems = parse_screen(Path("t.toml"), data, None)
    assert screen is not None and not problems, problems
    return screen


def make_config(root: Path) -> SiteConfig:
    return SiteConfig(path=root / "config.toml",
                      data={"store": {"path": str(root / "state" / "runlog.db")},
                            "paths": {"work": str(root / "work")}})


class FakeRecords:
    """`StepRecords` in memory: each step's state and reason, the gates, the run's state."""

    def __init__(self, step_ids: list[str]) -> None:
        self.rows = {sid: StepState.PENDING for sid in step_ids}
        self.reasons: dict[str, str] = {}
        self.gates: list[tuple[str, dict[str, Any]]] = []
        self.run_state = RunState.RUNNING
        self.writes: list[tuple[str, StepState]] = []

    async def states(self) -> dict[str, StepState]:
        return dict(self.rows)

    async def set(self, step_id: str, state: StepState, *, reason: str | None = None,
                  **_columns: Any) -> None:
        self.rows[step_id] = state
        self.writes.append((step_id, state))
        if reason is not None:
            self.reasons[step_id] = reason

    async def cancel_rest(self, reason: str) -> None:
        for step_id, state in list(self.rows.items()):
            if not state.finished:
                await self.set(step_id, StepState.CANCELLED, reason=reason)

    async def waiting(self, step_id: str, gate: dict[str, Any]) -> None:
        self.rows[step_id] = StepState.WAITING
        self.run_state = RunState.WAITING
        self.gates.append((step_id, gate))

    async def resume_run(self) -> None:
        self.run_state = RunState.RUNNING


class FakeLog:
    """The run log's decisions and events in memory; `decide` is a console answering."""

    def __init__(self) -> None:
        self.decided: list[Decision] = []
        self.events: list[tuple[str, str | None, dict[str, Any]]] = []
        self.path = Path("/nonexistent/runlog.db")

    async def decisions(self, run_id: int, after_id: int = 0) -> list[Decision]:
        return [d for d in self.decided if d.run_id == run_id and d.id > after_id]

    async def add_decision(self, run_id: int, kind: str, step_id: str | None = None,
                           reason: str = "", user: str = "", client: str = "") -> int:
        self.decided.append(Decision(len(self.decided) + 1, run_id, step_id, str(kind), reason,
                                     user, client, time.time()))
        return len(self.decided)

    def decide(self, kind: DecisionKind, step_id: str | None, reason: str = "",
               user: str = "console") -> None:
        self.decided.append(Decision(len(self.decided) + 1, RUN_ID, step_id, str(kind), reason,
                                     user, "", time.time()))

    async def add_event(self, run_id: int, kind: str, step_id: str | None = None,
                        data: dict[str, Any] | None = None, *, durable: bool = True) -> None:
        self.events.append((kind, step_id, data or {}))


class FakeGatekeeper:
    """Answers from a table: each step's gate answer and what blocks it (default: none)."""

    def __init__(self, answers: dict[str, Answer] | None = None,
                 blocked: dict[str, str | Answer] | None = None) -> None:
        self.answers, self.blocks = answers or {}, blocked or {}
        self.asked: list[str] = []

    async def admit(self, step: Step) -> Answer:
        self.asked.append(step.id)
        return self.answers.get(step.id, Answer(DecisionKind.CONFIRM))

    async def blocked(self, step: Step) -> str | Answer | None:
        return self.blocks.get(step.id)


class FakeControl:
    """The runner's side of the walk: a lease that may be lost, rollback, manual completions."""

    def __init__(self) -> None:
        self.lost = False
        self.rollbacks: list[str] = []
        self.firsts: list[str | None] = []
        self.done_by_hand: list[str] = []

    def lease_lost(self) -> str:
        return "lost the screen's lease (another runner took it over)" if self.lost else ""

    async def rollback(self, why: str, first: str | None = None) -> tuple[RunState, str]:
        self.rollbacks.append(why)
        self.firsts.append(first)
        return RunState.ROLLED_BACK, why

    def completed_step(self, step_id: str) -> None:
        self.done_by_hand.append(step_id)


class Stop:
    """A `DecisionWatcher` as the walk sees it: the run-level decision, if any."""

    def __init__(self, stop: Decision | None = None) -> None:
        self.stop = stop


class Executor:
    """Runs nothing: records the order steps were started, and ends each as scripted."""

    def __init__(self, outcomes: dict[str, StepState] | None = None) -> None:
        self.outcomes = outcomes or {}
        self.started: list[str] = []

    async def __call__(self, step: Step) -> Outcome:
        self.started.append(step.id)
        state = self.outcomes.get(step.id, StepState.SUCCEEDED)
        return Outcome(state, 0 if state is StepState.SUCCEEDED else 1,
                       "" if state is StepState.SUCCEEDED else "exit code 1")
