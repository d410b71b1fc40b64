"""Writes to the run log's runs, steps and events, and `StepRecords`, one run's step rows.

The functions take an open connection inside `RunLog.write`, so that a caller can put
several of them in one transaction (a state change and the event consoles follow).
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from typing import Any, NamedTuple

import aiosqlite

from maintui.core.states import RunState, StepState

# Column names are put into SQL text; only these may be.
RUN_COLUMNS = frozenset({"ended", "message", "pid"})
STEP_COLUMNS = frozenset({"exit_code", "reason", "started", "ended", "undo", "attempt", "plan",
                          "pgid", "pgid_start", "token"})


class NewStep(NamedTuple):
    """A step row as a run is created: pending, in its position."""

    step_id: str
    title: str
    kind: str
    risk: str
    command: str


async def add_event(db: aiosqlite.Connection, run_id: int, kind: str, step_id: str | None = None,
                    data: dict[str, Any] | None = None) -> None:
    """The one way into `events`: what consoles attached to the run follow."""
    await db.execute("INSERT INTO events(run_id, ts, kind, step_id, data) VALUES(?,?,?,?,?)",
                     (run_id, time.time(), kind, step_id, json.dumps(data or {}, default=str)))


async def create_run(db: aiosqlite.Connection, screen: str, title: str, *, pid: int, host: str,
                     user: str, client: str, mode: str, vars: dict[str, str],
                     incident: str | None, selection: Sequence[str] = ()) -> int:
    """A new running run; returns its id (its steps follow with `add_steps`). `selection`:
    the names a partial run was limited to (`--only`); empty for a run of every step."""
    cur = await db.execute(
        "INSERT INTO runs(screen, title, state, started, pid, host, user, client, mode, "
        "vars, incident, selection) VALUES(?,?,?,?,?,?,?,?,?,?,?,?)",
        (screen, title, RunState.RUNNING, time.time(), pid, host, user, client, mode,
         json.dumps(vars), incident, json.dumps(list(selection)) if selection else None))
    return cur.lastrowid or 0


async def add_steps(db: aiosqlite.Connection, run_id: int, steps: Sequence[NewStep]) -> None:
    """The run's steps, pending, in the order given."""
    await db.executemany(
        "INSERT INTO steps(run_id, step_id, position, title, kind, risk, state, command)"
        " VALUES(?,?,?,?,?,?,?,?)",
        [(run_id, s.step_id, pos, s.title, s.kind, s.risk, StepState.PENDING, s.command)
         for pos, s in enumerate(steps)])


def _assignments(state: str, columns: dict[str, Any], allowed: frozenset[str]) -> tuple[str, list]:
    unknown = set(columns) - allowed
    if unknown:
        raise ValueError(f"not a column that may be set: {', '.join(sorted(unknown))}")
    sql = ", ".join(["state = ?", *(f"{name} = ?" for name in columns)])
    return sql, [state, *columns.values()]


async def set_run_state(db: aiosqlite.Connection, run_id: int, state: RunState, *,
                        live_only: bool = False, **columns: Any) -> int:
    """The run's state and the other columns given (None writes NULL); returns rows changed.
    `live_only`: only while it is running or waiting (a finished run keeps its ending)."""
    sql, params = _assignments(state, columns, RUN_COLUMNS)
    where = " AND state IN ('running','waiting')" if live_only else ""
    cur = await db.execute(f"UPDATE runs SET {sql} WHERE id = ?{where}", (*params, run_id))
    return cur.rowcount


async def set_step_state(db: aiosqlite.Connection, run_id: int, step_id: str, state: StepState,
                         **columns: Any) -> None:
    """A step's state and the other columns given (None writes NULL)."""
    sql, params = _assignments(state, columns, STEP_COLUMNS)
    await db.execute(f"UPDATE steps SET {sql} WHERE run_id = ? AND step_id = ?",
                     (*params, run_id, step_id))


async def end_run(db: aiosqlite.Connection, run_id: int, state: RunState, message: str, *,
                  live_only: bool = False) -> None:
    """A run's final (or interrupted) state, with its event."""
    await set_run_state(db, run_id, state, live_only=live_only, ended=time.time(), message=message)
    await add_event(db, run_id, "run_state", None, {"state": str(state), "message": message})


async def close_steps(db: aiosqlite.Connection, run_id: int, why: str) -> list[str]:
    """Every step of the run not finished ends now, saying why: one that was running
    `failed` ("did not finish: …"), one pending or waiting `cancelled` ("not run: …").
    A run that ended leaves no step running or pending. Returns the ids closed."""
    rows = await (await db.execute(
        "SELECT step_id, state FROM steps WHERE run_id = ? AND state IN "
        "('pending','waiting','running') ORDER BY position", (run_id,))).fetchall()
    for step_id, state in rows:
        if state == StepState.RUNNING:
            new, reason = StepState.FAILED, f"did not finish: {why}"
        else:
            new, reason = StepState.CANCELLED, f"not run: {why}"
        await set_step_state(db, run_id, step_id, new, reason=reason, ended=time.time())
        await add_event(db, run_id, "step_state", step_id, {"state": str(new), "reason": reason})
    return [r[0] for r in rows]


class StepRecords:
    """One run's step rows: each change commits with an event for attached consoles."""

    def __init__(self, log: Any, run_id: int) -> None:
        self.log = log
        self.run_id = run_id

    async def _run_state(self, db: aiosqlite.Connection, state: RunState) -> None:
        await set_run_state(db, self.run_id, state)
        await add_event(db, self.run_id, "run_state", None, {"state": str(state)})

    async def set(self, step_id: str, state: StepState, *, exit_code: int | None = None,
                  reason: str | None = None, started: float | None = None,
                  ended: float | None = None, undo: str | None = None) -> None:
        """A new state; the values not given keep what the row has (`ended` is set when
        the state is a final one)."""
        kept = {"exit_code": exit_code, "reason": reason, "started": started, "undo": undo}
        columns = {k: v for k, v in kept.items() if v is not None}
        columns["ended"] = ended if ended is not None else (time.time() if state.finished else None)

        async def go(db: aiosqlite.Connection) -> None:
            await set_step_state(db, self.run_id, step_id, state, **columns)
            await add_event(db, self.run_id, "step_state", step_id,
                            {"state": str(state), "exit_code": exit_code, "reason": reason or ""})
        await self.log.write(go)

    async def started(self, step_id: str, attempt: int, token: str | None = None) -> None:
        """Committed before anything is spawned: a crash after this leaves the step `running`,
        with the marker (`token`) its processes carry in their environment."""
        async def go(db: aiosqlite.Connection) -> None:
            await set_step_state(db, self.run_id, step_id, StepState.RUNNING, attempt=attempt,
                                 started=time.time(), ended=None, exit_code=None, token=token,
                                 pgid=None, pgid_start=None)
            await add_event(db, self.run_id, "step_state", step_id,
                            {"state": "running", "attempt": attempt})
        await self.log.write(go)

    async def spawned(self, step_id: str, pgid: int, pgid_start: float | None) -> None:
        """The running step's process group, as soon as it exists."""
        async def go(db: aiosqlite.Connection) -> None:
            await db.execute("UPDATE steps SET pgid = ?, pgid_start = ? WHERE run_id = ? AND "
                             "step_id = ?", (pgid, pgid_start, self.run_id, step_id))
        await self.log.write(go)

    async def waiting(self, step_id: str, gate: dict[str, Any]) -> None:
        async def go(db: aiosqlite.Connection) -> None:
            await set_step_state(db, self.run_id, step_id, StepState.WAITING,
                                 plan=json.dumps(gate.get("plan", [])))
            await self._run_state(db, RunState.WAITING)
            await add_event(db, self.run_id, "gate", step_id, gate)
        await self.log.write(go)

    async def resume_run(self) -> None:
        async def go(db: aiosqlite.Connection) -> None:
            await self._run_state(db, RunState.RUNNING)
        await self.log.write(go)

    async def states(self) -> dict[str, StepState]:
        """Every step's state now, by id."""
        return {r.step_id: StepState(r.state) for r in await self.log.steps(self.run_id)}

    async def cancel_rest(self, reason: str) -> None:
        """Every step not yet finished becomes `cancelled`, with the reason."""
        for step_id, state in (await self.states()).items():
            if not state.finished:
                await self.set(step_id, StepState.CANCELLED, reason=reason)
