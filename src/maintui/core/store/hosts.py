"""Per-host results of fleet steps in the run log: written as events arrive, read for reports.

Plays run in a worker thread (ansible-runner blocks), so the writer is a plain sqlite3
connection of that thread, as store/sync.py does for actions; each write is one short
`BEGIN IMMEDIATE` transaction that waits out the runner's own writer (busy_timeout).
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BUSY_MS = 5000


@dataclass(frozen=True)
class HostRow:
    """One host's result for one step (phase `run`, `rollback` or `check`)."""

    step_id: str
    phase: str
    host: str
    batch: int
    state: str
    changed: bool
    tasks: int
    started: float
    ended: float | None
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"step_id": self.step_id, "phase": self.phase, "host": self.host,
                "batch": self.batch, "state": self.state, "changed": self.changed,
                "tasks": self.tasks, "started": self.started, "ended": self.ended,
                "message": self.message}


class HostLog:
    """Writes one step's per-host rows (text arrives masked: the caller owns the Masker)."""

    def __init__(self, path: Path, run_id: int, step_id: str, phase: str = "run") -> None:
        self.path, self.run_id, self.step_id, self.phase = path, run_id, step_id, phase
        self._con: sqlite3.Connection | None = None

    def _db(self) -> sqlite3.Connection:
        if self._con is None:  # opened in the thread that writes: sqlite3 objects stay there
            self._con = sqlite3.connect(self.path, timeout=BUSY_MS / 1000, isolation_level=None)
            self._con.execute(f"PRAGMA busy_timeout={BUSY_MS}")
        return self._con

    def _tx(self, sql: str, rows: list[tuple]) -> None:
        con = self._db()
        con.execute("BEGIN IMMEDIATE")
        try:
            con.executemany(sql, rows)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise

    def begin(self, hosts: list[str], batch: int) -> None:
        """The batch's hosts, running from now (a retried host starts over)."""
        now = time.time()
        self._tx("INSERT OR REPLACE INTO host_results(run_id, step_id, phase, host, batch, state,"
                 " changed, tasks, started) VALUES(?,?,?,?,?,'running',0,0,?)",
                 [(self.run_id, self.step_id, self.phase, h, batch, now) for h in hosts])

    def event(self, host: str, event: str, task: str, state: str, changed: bool,
              text: str, ts: float, host_state: str | None = None) -> None:
        """One task outcome: its event row and the host's row, in one transaction.
        `host_state` is where the host stands now (its worst outcome so far): the console
        shows it live, before the play ends and `finish` settles it."""
        con = self._db()
        con.execute("BEGIN IMMEDIATE")
        try:
            # ts: when Ansible emitted the event; recorded: when it reached the run log
            con.execute("INSERT INTO host_events(run_id, step_id, phase, host, ts, event, task, "
                        "state, changed, text, recorded) VALUES(?,?,?,?,?,?,?,?,?,?,?)",
                        (self.run_id, self.step_id, self.phase, host, ts, event, task, state,
                         int(changed), text, time.time()))
            con.execute("UPDATE host_results SET tasks = tasks + 1, changed = changed | ?, "
                        "ended = ?, state = COALESCE(?, state) WHERE run_id = ? AND step_id = ? "
                        "AND phase = ? AND host = ?",
                        (int(changed), ts, host_state, self.run_id, self.step_id, self.phase,
                         host))
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise

    def finish(self, host: str, state: str, changed: bool, ended: float, message: str) -> None:
        self._tx("UPDATE host_results SET state = ?, changed = ?, ended = ?, message = ? "
                 "WHERE run_id = ? AND step_id = ? AND phase = ? AND host = ?",
                 [(state, int(changed), ended, message, self.run_id, self.step_id, self.phase,
                   host)])

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None


_COLS = "step_id, phase, host, batch, state, changed, tasks, started, ended, message"


def _row(r: Any) -> HostRow:
    return HostRow(r[0], r[1], r[2], r[3], r[4], bool(r[5]), r[6], r[7], r[8], r[9])


async def host_results(log: Any, run_id: int) -> list[HostRow]:
    """Every host's result in a run, by step, phase and batch (through RunLog.read)."""
    rows = await log.read(f"SELECT {_COLS} FROM host_results WHERE run_id = ? "
                          "ORDER BY rowid", (run_id,))
    return [_row(r) for r in rows]


async def host_output(log: Any, run_id: int, step_id: str, host: str) -> list[str]:
    """One host's output lines for one step, in order (the console's per-host filter)."""
    rows = await log.read("SELECT text FROM host_events WHERE run_id = ? AND step_id = ? AND "
                          "host = ? AND text != '' ORDER BY id", (run_id, step_id, host))
    return [line for r in rows for line in r[0].split("\n")]


def event_lines(host: str, state: str, task: str, text: str) -> list[str]:
    """A host event as the step's output carries it: `[web2] changed: task`, then each line
    as `[web2] line`. The console's per-host filter reads the same words back."""
    return [f"[{host}] {state}: {task}", *(f"[{host}] {line}" for line in text.split("\n")
                                           if text)]


async def host_lines(log: Any, run_id: int, step_id: str, host: str,
                     limit: int = 2000) -> list[str]:
    """One host's part of a step's output, newest `limit` lines, as the step output shows it
    (every phase: a rollback's lines follow the run's)."""
    rows = await log.read("SELECT host, state, task, text FROM host_events WHERE run_id = ? "
                          "AND step_id = ? AND host = ? ORDER BY id", (run_id, step_id, host))
    return [line for r in rows for line in event_lines(*r)][-limit:]


async def changed_hosts(log: Any, run_id: int, step_id: str) -> list[str]:
    """Hosts where a step changed something, the newest change first (rollback order)."""
    rows = await log.read("SELECT host FROM host_results WHERE run_id = ? AND step_id = ? AND "
                          "phase = 'run' AND changed = 1 ORDER BY ended DESC, rowid DESC",
                          (run_id, step_id))
    return [r[0] for r in rows]
