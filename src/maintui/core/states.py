"""Run and step states, and the records the run log hands out (frozen dataclasses)."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any


class StepState(enum.StrEnum):
    PENDING = "pending"
    WAITING = "waiting"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    TIMED_OUT = "timed_out"
    SKIPPED = "skipped"
    ROLLED_BACK = "rolled_back"
    ROLLBACK_FAILED = "rollback_failed"
    CANCELLED = "cancelled"

    @property
    def finished(self) -> bool:
        return self not in (StepState.PENDING, StepState.WAITING, StepState.RUNNING)

    @property
    def bad(self) -> bool:
        return self in (StepState.FAILED, StepState.TIMED_OUT, StepState.ROLLBACK_FAILED)


class RunState(enum.StrEnum):
    RUNNING = "running"
    WAITING = "waiting"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    ABORTED = "aborted"
    ROLLED_BACK = "rolled_back"
    ROLLBACK_FAILED = "rollback_failed"
    INTERRUPTED = "interrupted"

    @property
    def live(self) -> bool:
        return self in (RunState.RUNNING, RunState.WAITING)

    @property
    def exit_code(self) -> int:
        """The CLI's exit code for a run that ended in this state."""
        if self is RunState.SUCCEEDED:
            return 0
        if self is RunState.ABORTED:
            return 3
        return 1


class DecisionKind(enum.StrEnum):
    CONFIRM = "confirm"      # run the waiting step
    SKIP = "skip"            # skip it (reason required)
    ABORT = "abort"          # stop the run
    ROLLBACK = "rollback"    # stop and undo completed steps
    DONE = "done"            # manual item done
    NOT_DONE = "not_done"    # manual item not done (note required)
    NA = "na"                # manual item not applicable
    NOTE = "note"            # an operator note, no effect on the run


@dataclass(frozen=True)
class RunRow:
    id: int
    screen: str
    title: str
    state: str
    started: float
    ended: float | None
    user: str
    host: str
    dry_run: bool = False
    pid: int | None = None
    message: str = ""
    incident: str | None = None


@dataclass(frozen=True)
class StepRow:
    run_id: int
    step_id: str
    position: int
    title: str
    kind: str
    risk: str
    state: str
    attempt: int = 0
    exit_code: int | None = None
    started: float | None = None
    ended: float | None = None
    command: str = ""
    plan: list[str] = field(default_factory=list)
    reason: str = ""
    undo: dict[str, Any] | None = None

    @property
    def duration(self) -> float | None:
        if self.started is None:
            return None
        return (self.ended or self.started) - self.started if self.ended else None


@dataclass(frozen=True)
class OutputLine:
    id: int
    step_id: str
    stream: str
    ts: float
    line: str


@dataclass(frozen=True)
class Event:
    """Something that happened in a run, for attached consoles: state changes, gates, findings."""

    id: int
    run_id: int
    ts: float
    kind: str
    step_id: str | None
    data: dict[str, Any]


@dataclass(frozen=True)
class Decision:
    id: int
    run_id: int
    step_id: str | None
    kind: str
    reason: str
    user: str
    client: str
    ts: float


# Finding statuses, least to most severe ("error" is how a crashed check reports itself).
SEVERITY = {"ok": 0, "warning": 1, "critical": 2, "error": 2}


def severity(status: str) -> int:
    """How bad a finding status is: 0 for ok (and anything unknown), up to 2."""
    return SEVERITY.get(status, 0)


def worst_by_step(findings: list[dict[str, Any]]) -> dict[str, str]:
    """Step id → its worst finding status, for the steps with one worse than ok."""
    worst: dict[str, str] = {}
    for f in findings:
        if severity(f["status"]) > severity(worst.get(f["step_id"], "ok")):
            worst[f["step_id"]] = f["status"]
    return worst
