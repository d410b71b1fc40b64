"""One run per screen: the lease row (pid, process start, host, user, heartbeat) and recovery."""

from __future__ import annotations

import os
import socket
import time
from typing import Any

import aiosqlite

from maintui.core.errors import LockHeld
from maintui.core.states import RunState
from maintui.core.store.leases import (
    drop_leases_of,
    live_runs_with_leases,
    put_lease,
    read_lease,
)
from maintui.core.store.writes import add_event, end_run

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


async def take(db: aiosqlite.Connection, screen: str, run_id: int, user: str) -> None:
    """Inside a write transaction: take the screen's lease for run_id, or raise LockHeld."""
    lease = await read_lease(db, screen)
    if lease is not None:
        if lease["run_id"] != run_id and holder_alive(lease):
            raise LockHeld(f"screen {screen!r} is locked by {describe(lease)}; wait for it to end, "
                           f"or watch it with `maintui attach {lease['run_id']}`")
        if lease["run_id"] != run_id:
            await end_run(db, lease["run_id"], RunState.INTERRUPTED,
                          "runner gone (stale lease taken over)", live_only=True)
            await add_event(db, run_id, "note", None,
                            {"text": f"took over the stale lease of {describe(lease)}"})
    pid = os.getpid()
    await put_lease(db, screen, run_id, pid=pid, pid_start=process_start(pid),
                    host=socket.gethostname(), user=user)


async def recover_interrupted(log) -> list[int]:
    """Mark live runs whose runner is gone as `interrupted`; returns their ids."""
    found: list[int] = []

    async def go(db: aiosqlite.Connection) -> None:
        for rid, lease in await live_runs_with_leases(db):
            if lease["run_id"] == rid and holder_alive(lease):
                continue
            await end_run(db, rid, RunState.INTERRUPTED,
                          "runner gone: its process ended without finishing", live_only=True)
            if lease["run_id"] == rid:
                await drop_leases_of(db, rid)
            found.append(rid)

    live = await log.read("SELECT 1 FROM runs WHERE state IN ('running','waiting') LIMIT 1")
    if live:
        await log.write(go)
    return found
