"""One run per screen: the lease row (pid, process start, host, user, heartbeat) and recovery."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import time
from typing import Any

import aiosqlite

from maintui.core.errors import LockHeld, StoreError
from maintui.core.states import RunState, StepState
from maintui.core.store.leases import (
    drop_leases_of,
    live_runs_with_leases,
    put_lease,
    read_lease,
)
from maintui.core.store.writes import add_event, end_run, set_step_state

HEARTBEAT = 2.0   # seconds between renewals
STALE = 15.0      # a lease not renewed for this long is stale
# a runner that could not renew for this long fences itself: it starts nothing more and ends
# its running step (SIGTERM, then SIGKILL after 5 s) before the lease goes stale
FENCE_AFTER = STALE - 5.0 - 1.0
PATIENCE = 60.0   # how long a runner waits out a run-log lock held by another process


def process_start(pid: int) -> float | None:
    """The process's start time (tells a reused pid from the original), None if it is gone
    or only its zombie is left (a runner the console started and has not reaped is dead)."""
    import psutil

    try:
        proc = psutil.Process(pid)
        if proc.status() == psutil.STATUS_ZOMBIE:
            return None
        return proc.create_time()
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


async def end_orphans(log, run_id: int) -> list[str]:
    """The processes of the run's steps that were running when its runner died, ended (their
    group by its recorded id and start time, and escapees by their marker) so that nothing
    runs unowned and nothing can run twice; each step's row says so. Returns the step ids."""
    from maintui.core.run import orphans

    ended: list[str] = []
    for step_id, pgid, pgid_start, token in await log.running_processes(run_id):
        count = await asyncio.to_thread(orphans.end_step, pgid, pgid_start, token)
        if not count:
            continue
        why = (f"the runner stopped while it ran; its {count} process(es) (group {pgid}) were "
               f"ended by maintui pid {os.getpid()}")

        async def go(db: aiosqlite.Connection, step_id: str = step_id, why: str = why) -> None:
            await set_step_state(db, run_id, step_id, StepState.RUNNING, reason=why)
            await add_event(db, run_id, "note", step_id, {"text": why})
        with contextlib.suppress(StoreError):  # ended is what matters; the note can wait
            await log.write(go)
        ended.append(step_id)
    return ended


async def recover_interrupted(log) -> list[int]:
    """Mark live runs whose runner is gone as `interrupted`, and end the processes their
    running steps left behind; returns their ids."""
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
    for rid in found:
        await end_orphans(log, rid)
    return found
