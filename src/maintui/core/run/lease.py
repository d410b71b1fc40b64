"""One run per screen: the lease row (pid, process start, host, user, heartbeat) and recovery."""

from __future__ import annotations

import json
import os
import socket
import time
from typing import Any

import aiosqlite

from maintui.core.errors import LockHeld
from maintui.core.states import RunState

HEARTBEAT = 2.0   # seconds between renewals
STALE = 15.0      # a lease not renewed for this long is stale


def process_start(pid: int) -> float | None:
    """The process's start time (tells a reused pid from the original), None if it is gone."""
    import psutil

    try:
        return psutil.Process(pid).create_time()
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
        return None


def holder_alive(lease: dict[str, Any], now: float | None = None) -> bool:
    """Whether the lease's holder is still there: renewed lately and, on this host, running."""
    now = time.time() if now is None else now
    if now - lease["heartbeat"] > STALE:
        return False
    if lease["host"] == socket.gethostname():
        started = process_start(lease["pid"])
        if started is None:
            return False
        if lease.get("pid_start") and abs(started - lease["pid_start"]) > 1.0:
            return False
    return True


def describe(lease: dict[str, Any]) -> str:
    since = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(lease["acquired"]))
    return (f"run {lease['run_id']} (pid {lease['pid']}, {lease['user']}@{lease['host']}) "
            f"since {since}")


async def _mark_interrupted(db: aiosqlite.Connection, run_id: int, why: str) -> None:
    await db.execute("UPDATE runs SET state = ?, ended = ?, message = ? WHERE id = ? AND state IN "
                     "('running','waiting')", (RunState.INTERRUPTED, time.time(), why, run_id))
    await db.execute("INSERT INTO events(run_id, ts, kind, data) VALUES(?,?,?,?)",
                     (run_id, time.time(), "run_state",
                      json.dumps({"state": "interrupted", "message": why})))


async def take(db: aiosqlite.Connection, screen: str, run_id: int, user: str) -> None:
    """Inside a write transaction: take the screen's lease for run_id, or raise LockHeld."""
    rows = await (await db.execute(
        "SELECT screen, run_id, pid, pid_start, host, user, acquired, heartbeat FROM leases "
        "WHERE screen = ?", (screen,))).fetchall()
    if rows:
        keys = ("screen", "run_id", "pid", "pid_start", "host", "user", "acquired", "heartbeat")
        lease = dict(zip(keys, rows[0], strict=True))
        if lease["run_id"] != run_id and holder_alive(lease):
            raise LockHeld(f"screen {screen!r} is locked by {describe(lease)}; wait for it to end, "
                           f"or watch it with `maintui attach {lease['run_id']}`")
        if lease["run_id"] != run_id:
            await _mark_interrupted(db, lease["run_id"], "runner gone (stale lease taken over)")
            await db.execute("INSERT INTO events(run_id, ts, kind, data) VALUES(?,?,?,?)",
                             (run_id, time.time(), "note", json.dumps(
                                 {"text": f"took over the stale lease of {describe(lease)}"})))
    now = time.time()
    pid = os.getpid()
    await db.execute("INSERT OR REPLACE INTO leases(screen, run_id, pid, pid_start, host, user, "
                     "acquired, heartbeat) VALUES(?,?,?,?,?,?,?,?)",
                     (screen, run_id, pid, process_start(pid), socket.gethostname(), user, now, now))


async def renew(db: aiosqlite.Connection, screen: str, run_id: int) -> bool:
    cur = await db.execute("UPDATE leases SET heartbeat = ? WHERE screen = ? AND run_id = ?",
                           (time.time(), screen, run_id))
    return cur.rowcount == 1


async def release(db: aiosqlite.Connection, screen: str, run_id: int) -> None:
    await db.execute("DELETE FROM leases WHERE screen = ? AND run_id = ?", (screen, run_id))


async def recover_interrupted(log) -> list[int]:
    """Mark live runs whose runner is gone as `interrupted`; returns their ids."""
    found: list[int] = []

    async def go(db: aiosqlite.Connection) -> None:
        runs = await (await db.execute(
            "SELECT r.id, l.run_id, l.pid, l.pid_start, l.host, l.user, l.acquired, l.heartbeat "
            "FROM runs r LEFT JOIN leases l ON l.screen = r.screen "
            "WHERE r.state IN ('running','waiting')")).fetchall()
        for rid, lrun, pid, pstart, host, user, acquired, beat in runs:
            lease = {"run_id": lrun, "pid": pid, "pid_start": pstart, "host": host, "user": user,
                     "acquired": acquired, "heartbeat": beat}
            if lrun == rid and holder_alive(lease):
                continue
            await _mark_interrupted(db, rid, "runner gone: its process ended without finishing")
            if lrun == rid:
                await db.execute("DELETE FROM leases WHERE run_id = ?", (rid,))
            found.append(rid)

    live = await log.read("SELECT 1 FROM runs WHERE state IN ('running','waiting') LIMIT 1")
    if live:
        await log.write(go)
    return found
