"""The order a rollback undoes a run's steps in, and the interrupted run a new run must face."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import aiosqlite

from maintui.core.states import RunState, StepState
from maintui.core.store.rows import RunRow, StepRow
from maintui.core.store.writes import add_event, close_steps


def rollback_order(rows: Sequence[StepRow], first: str | None = None) -> list[str]:
    """Step ids in the order a rollback undoes them: `first` (the step that failed), else the
    step that was running when the run was interrupted, because it may have changed half of
    what it meant to; then every succeeded step, the last to finish first. A step whose undo
    failed before is tried again where it stopped: it ended last, so it comes first."""
    head = first or next((r.step_id for r in rows if r.state == StepState.RUNNING), None)
    again = (StepState.SUCCEEDED, StepState.ROLLBACK_FAILED)
    done = [r for r in rows if r.state in again and r.step_id != head]
    # newest first by when each ended; position breaks ties (manual items share a second)
    done.sort(key=lambda r: (r.ended or 0.0, r.position), reverse=True)
    return ([head] if head else []) + [r.step_id for r in done]


async def interrupted_run(log: Any, screen: str) -> RunRow | None:
    """The screen's newest run when it was interrupted (its runner died): a new run of the
    screen must first be told whether to resume it, roll it back, or start anew."""
    runs = await log.runs(limit=1, screen=screen)
    if runs and runs[0].state == RunState.INTERRUPTED and not runs[0].dry_run:
        return runs[0]
    return None


async def start_anew(log: Any, run_id: int, user: str) -> None:
    """The operator starts the screen anew instead of resuming the interrupted run: it stays
    `interrupted` (that is what happened to it), its unfinished steps are closed saying why,
    nothing is undone, and a newer run of the screen means it can no longer be resumed."""
    why = f"run {run_id} was interrupted and {user or 'the operator'} started the screen anew"

    async def go(db: aiosqlite.Connection) -> None:
        await close_steps(db, run_id, why)
        await add_event(db, run_id, "note", None, {"text": why})
    await log.write(go)
