"""Read side of the run log: runs, steps, output, events, decisions, findings, facts."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from maintui.core.store.rows import Decision, Event, OutputLine, RunRow, StepRow

RUN_COLS = ("id, screen, title, state, started, ended, user, host, dry_run, pid, message, incident, "
            "selection")
# a run of every step of its screen (not `--only`): the screen's run, for "last run" and "due"
WHOLE = "selection IS NULL"
STEP_COLS = ("run_id, step_id, position, title, kind, risk, state, attempt, exit_code, started, "
             "ended, command, plan, reason, undo")


def run_row(r: sqlite3.Row | tuple) -> RunRow:
    return RunRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6] or "", r[7] or "", bool(r[8]), r[9],
                  r[10] or "", r[11], tuple(json.loads(r[12])) if r[12] else ())


def step_row(r: sqlite3.Row | tuple) -> StepRow:
    return StepRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11] or "",
                   json.loads(r[12]) if r[12] else [], r[13] or "",
                   json.loads(r[14]) if r[14] else None)


def _lines(rows: list) -> list[OutputLine]:
    return [OutputLine(r[0], r[1], r[2], r[3], line) for r in rows for line in r[4].split("\n")]


class Queries:
    """Mixed into RunLog; every method is a read and needs only `self.read`."""

    async def read(self, sql: str, params: tuple | list = ()) -> list[Any]:  # pragma: no cover
        raise NotImplementedError

    async def runs(self, limit: int = 50, screen: str | None = None,
                   state: str | None = None, *, whole: bool = False) -> list[RunRow]:
        """Newest first; `whole`: only runs of every step (no `--only`), the screen's runs."""
        where: list[str] = [WHOLE] if whole else []
        params: list[Any] = []
        if screen:
            where.append("screen = ?")
            params.append(screen)
        if state:
            where.append("state = ?")
            params.append(state)
        sql = f"SELECT {RUN_COLS} FROM runs"
        if where:
            sql += " WHERE " + " AND ".join(where)
        rows = await self.read(sql + " ORDER BY id DESC LIMIT ?", (*params, limit))
        return [run_row(r) for r in rows]

    async def version(self) -> tuple[int, int]:
        """Changes when the run log changes: other connections' commits (`data_version`) and
        this connection's own changes (`total_changes()`); the same twice, nothing was written."""
        rows = await self.read("SELECT data_version, total_changes() FROM pragma_data_version")
        return rows[0][0], rows[0][1]

    async def run(self, run_id: int) -> RunRow | None:
        rows = await self.read(f"SELECT {RUN_COLS} FROM runs WHERE id = ?", (run_id,))
        return run_row(rows[0]) if rows else None

    async def live_runs(self) -> list[RunRow]:
        rows = await self.read(f"SELECT {RUN_COLS} FROM runs WHERE state IN ('running','waiting') "
                               "ORDER BY id")
        return [run_row(r) for r in rows]

    async def last_runs(self) -> dict[str, RunRow]:
        """Each screen's last run of every step: a partial one (`--only`) is not its run."""
        rows = await self.read(f"SELECT {RUN_COLS} FROM runs WHERE id IN "
                               f"(SELECT MAX(id) FROM runs WHERE dry_run = 0 AND {WHOLE} "
                               "GROUP BY screen)")
        return {r[1]: run_row(r) for r in rows}

    async def last_success(self) -> dict[str, RunRow]:
        rows = await self.read(f"SELECT {RUN_COLS} FROM runs WHERE id IN (SELECT MAX(id) FROM runs "
                               f"WHERE state = 'succeeded' AND dry_run = 0 AND {WHOLE} "
                               "GROUP BY screen)")
        return {r[1]: run_row(r) for r in rows}

    async def steps(self, run_id: int) -> list[StepRow]:
        rows = await self.read(f"SELECT {STEP_COLS} FROM steps WHERE run_id = ? ORDER BY position",
                               (run_id,))
        return [step_row(r) for r in rows]

    async def running_processes(self, run_id: int) -> list[tuple[str, int | None, float | None,
                                                                 str | None]]:
        """(step id, process group, its leader's start time, environment marker) of each step
        the run log says is running: where its processes are if its runner is gone."""
        rows = await self.read("SELECT step_id, pgid, pgid_start, token FROM steps WHERE "
                               "run_id = ? AND state = 'running' ORDER BY position", (run_id,))
        return [(r[0], r[1], r[2], r[3]) for r in rows]

    async def output(self, run_id: int, after_id: int = 0, limit: int = 1000,
                     step_id: str | None = None) -> list[OutputLine]:
        """Lines of up to `limit` chunks after chunk `after_id`; every line of a chunk shares its id."""
        sql = "SELECT id, step_id, stream, ts, text FROM output WHERE run_id = ? AND id > ?"
        params: list[Any] = [run_id, after_id]
        if step_id:
            sql += " AND step_id = ?"
            params.append(step_id)
        rows = await self.read(sql + " ORDER BY id LIMIT ?", (*params, limit))
        return _lines(rows)

    async def output_tail(self, run_id: int, step_id: str, limit: int = 500) -> list[OutputLine]:
        """The last `limit` lines of a step."""
        rows = await self.read("SELECT id, step_id, stream, ts, text, nlines FROM output "
                               "WHERE run_id = ? AND step_id = ? ORDER BY id DESC", (run_id, step_id))
        picked, count = [], 0
        for r in rows:  # newest chunks first, until enough lines
            picked.append(r[:5])
            count += r[5]
            if count >= limit:
                break
        return _lines(list(reversed(picked)))[-limit:]

    async def output_count(self, run_id: int) -> int:
        rows = await self.read("SELECT COALESCE(SUM(nlines), 0) FROM output WHERE run_id = ?",
                               (run_id,))
        return rows[0][0]

    async def events(self, run_id: int, after_id: int = 0) -> list[Event]:
        rows = await self.read("SELECT id, run_id, ts, kind, step_id, data FROM events "
                               "WHERE run_id = ? AND id > ? ORDER BY id", (run_id, after_id))
        return [Event(r[0], r[1], r[2], r[3], r[4], json.loads(r[5])) for r in rows]

    async def decisions(self, run_id: int, after_id: int = 0) -> list[Decision]:
        rows = await self.read("SELECT id, run_id, step_id, kind, reason, user, client, ts "
                               "FROM decisions WHERE run_id = ? AND id > ? ORDER BY id",
                               (run_id, after_id))
        return [Decision(r[0], r[1], r[2], r[3], r[4], r[5] or "", r[6] or "", r[7]) for r in rows]

    async def findings(self, run_id: int) -> list[dict[str, Any]]:
        rows = await self.read("SELECT step_id, status, summary, details, ts FROM findings "
                               "WHERE run_id = ? ORDER BY id", (run_id,))
        return [{"step_id": r[0], "status": r[1], "summary": r[2], "details": json.loads(r[3]),
                 "ts": r[4]} for r in rows]

    async def get_kv(self, key: str, default: Any = None) -> Any:
        rows = await self.read("SELECT value FROM kv WHERE key = ?", (key,))
        return json.loads(rows[0][0]) if rows else default

    async def samples(self, metric: str, since: float = 0.0) -> list[tuple[float, float]]:
        rows = await self.read("SELECT ts, value FROM samples WHERE metric = ? AND ts >= ? "
                               "ORDER BY ts", (metric, since))
        return [(r[0], r[1]) for r in rows]

    async def lease(self, screen: str) -> dict[str, Any] | None:
        rows = await self.read("SELECT screen, run_id, pid, pid_start, host, user, acquired, "
                               "heartbeat FROM leases WHERE screen = ?", (screen,))
        if not rows:
            return None
        keys = ("screen", "run_id", "pid", "pid_start", "host", "user", "acquired", "heartbeat")
        return dict(zip(keys, rows[0], strict=True))

    async def step_durations(self, screen: str, step_id: str, limit: int = 50) -> list[float]:
        """Durations of this step's past successful attempts, newest first."""
        rows = await self.read(
            "SELECT s.ended - s.started FROM steps s JOIN runs r ON r.id = s.run_id "
            "WHERE r.screen = ? AND s.step_id = ? AND s.state = 'succeeded' AND r.dry_run = 0 "
            "AND s.ended IS NOT NULL ORDER BY s.run_id DESC LIMIT ?", (screen, step_id, limit))
        return [r[0] for r in rows]
