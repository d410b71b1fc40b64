"""The leases table: which run holds each screen, read and written inside a write transaction."""

from __future__ import annotations

import time
from typing import Any

import aiosqlite

from maintui.core.errors import StoreError

LEASE_KEYS = ("screen", "run_id", "pid", "pid_start", "host", "user", "acquired", "heartbeat")


async def read_lease(db: aiosqlite.Connection, screen: str) -> dict[str, Any] | None:
    rows = await (await db.execute(
        "SELECT screen, run_id, pid, pid_start, host, user, acquired, heartbeat FROM leases "
        "WHERE screen = ?", (screen,))).fetchall()
    return dict(zip(LEASE_KEYS, rows[0], strict=True)) if rows else None


async def put_lease(db: aiosqlite.Connection, screen: str, run_id: int, *, pid: int,
                    pid_start: float | None, host: str, user: str) -> None:
    """The screen's lease for run_id, acquired and renewed now (replacing any other)."""
    now = time.time()
    await db.execute("INSERT OR REPLACE INTO leases(screen, run_id, pid, pid_start, host, user, "
                     "acquired, heartbeat) VALUES(?,?,?,?,?,?,?,?)",
                     (screen, run_id, pid, pid_start, host, user, now, now))


async def renew_lease(db: aiosqlite.Connection, screen: str, run_id: int) -> bool:
    """False when run_id no longer holds the screen's lease."""
    cur = await db.execute("UPDATE leases SET heartbeat = ? WHERE screen = ? AND run_id = ?",
                           (time.time(), screen, run_id))
    return cur.rowcount == 1


async def release_lease(db: aiosqlite.Connection, screen: str, run_id: int) -> None:
    await db.execute("DELETE FROM leases WHERE screen = ? AND run_id = ?", (screen, run_id))


async def drop_leases_of(db: aiosqlite.Connection, run_id: int) -> None:
    await db.execute("DELETE FROM leases WHERE run_id = ?", (run_id,))


async def live_runs_with_leases(db: aiosqlite.Connection) -> list[tuple[int, dict[str, Any]]]:
    """Each running or waiting run's id, with its screen's lease (values None when there is none)."""
    rows = await (await db.execute(
        "SELECT r.id, l.run_id, l.pid, l.pid_start, l.host, l.user, l.acquired, l.heartbeat "
        "FROM runs r LEFT JOIN leases l ON l.screen = r.screen "
        "WHERE r.state IN ('running','waiting')")).fetchall()
    keys = ("run_id", "pid", "pid_start", "host", "user", "acquired", "heartbeat")
    return [(row[0], dict(zip(keys, row[1:], strict=True))) for row in rows]


class LeaseLost(StoreError):
    """A runner's write refused: its run no longer holds the screen's lease (taken over, or
    expired while the runner was stopped). Nothing of that write was done."""


async def check_held(db: aiosqlite.Connection, screen: str, run_id: int, pid: int,
                     stale: float) -> None:
    """Inside a write transaction: raise LeaseLost unless run_id holds the screen's lease from
    this pid, renewed within `stale` seconds (an expired lease may already be someone else's)."""
    lease = await read_lease(db, screen)
    if lease is None or lease["run_id"] != run_id or lease["pid"] != pid:
        holder = f"run {lease['run_id']} holds it now" if lease else "nobody holds it now"
        raise LeaseLost(f"run {run_id} lost the lease of screen {screen!r} ({holder}); "
                        "this runner stopped without recording anything more")
    silent = time.time() - lease["heartbeat"]
    if silent > stale:
        raise LeaseLost(f"run {run_id}'s lease of screen {screen!r} expired (not renewed for "
                        f"{silent:.0f}s, e.g. the runner was stopped); this runner stopped "
                        "without recording anything more")
