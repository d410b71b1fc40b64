"""Step and run state changes as durable run-log rows, each with an event for attached consoles."""

from __future__ import annotations

import json
import time
from typing import Any

import aiosqlite

from maintui.core.states import RunState, StepState


class StepRecords:
    def __init__(self, log, run_id: int) -> None:
        self.log = log
        self.run_id = run_id

    async def _event(self, db: aiosqlite.Connection, kind: str, step_id: str | None,
                     data: dict[str, Any]) -> None:
        await db.execute("INSERT INTO events(run_id, ts, kind, step_id, data) VALUES(?,?,?,?,?)",
                         (self.run_id, time.time(), kind, step_id, json.dumps(data, default=str)))

    async def _run_state(self, db: aiosqlite.Connection, state: RunState) -> None:
        await db.execute("UPDATE runs SET state = ? WHERE id = ?", (state, self.run_id))
        await self._event(db, "run_state", None, {"state": str(state)})

    async def set(self, step_id: str, state: StepState, *, exit_code: int | None = None,
                  reason: str | None = None, started: float | None = None,
                  ended: float | None = None, undo: str | None = None) -> None:
        now = time.time()
        ended = ended if ended is not None else (now if state.finished else None)

        async def go(db: aiosqlite.Connection) -> None:
            await db.execute(
                "UPDATE steps SET state = ?, exit_code = COALESCE(?, exit_code), "
                "reason = COALESCE(?, reason), started = COALESCE(?, started), ended = ?, "
                "undo = COALESCE(?, undo) WHERE run_id = ? AND step_id = ?",
                (state, exit_code, reason, started, ended, undo, self.run_id, step_id))
            await self._event(db, "step_state", step_id, {"state": str(state), "exit_code": exit_code,
                                                          "reason": reason or ""})
        await self.log.write(go)

    async def started(self, step_id: str, attempt: int) -> None:
        """Committed before anything is spawned: a crash after this leaves the step `running`."""
        async def go(db: aiosqlite.Connection) -> None:
            await db.execute("UPDATE steps SET state = ?, attempt = ?, started = ?, ended = NULL, "
                             "exit_code = NULL WHERE run_id = ? AND step_id = ?",
                             (StepState.RUNNING, attempt, time.time(), self.run_id, step_id))
            await self._event(db, "step_state", step_id, {"state": "running", "attempt": attempt})
        await self.log.write(go)

    async def waiting(self, step_id: str, gate: dict[str, Any]) -> None:
        async def go(db: aiosqlite.Connection) -> None:
            await db.execute("UPDATE steps SET state = ?, plan = ? WHERE run_id = ? AND step_id = ?",
                             (StepState.WAITING, json.dumps(gate.get("plan", [])), self.run_id,
                              step_id))
            await self._run_state(db, RunState.WAITING)
            await self._event(db, "gate", step_id, gate)
        await self.log.write(go)

    async def resume_run(self) -> None:
        async def go(db: aiosqlite.Connection) -> None:
            await self._run_state(db, RunState.RUNNING)
        await self.log.write(go)
