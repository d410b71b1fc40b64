"""Run, step and decision states as enums, and how bad a finding status is."""

from __future__ import annotations

import enum
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
    NOT_DONE = "not_done"    # a checklist item the operator says was not done (with why)

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


# How the console (and the CLI's tables for people) word a state: one table, so Home's two
# lists, the session, triage and the history say the same thing. Machine output (--json) keeps
# the raw names. A state not listed reads as its name with spaces (`timed_out` → `timed out`).
LABELS = {"rollback_failed": "rollback failed", "not_done": "not done", "na": "n/a"}


def label(state: str) -> str:
    """A run, step or decision state in words: `rolled_back` → `rolled back`."""
    return LABELS.get(state) or state.replace("_", " ")


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
