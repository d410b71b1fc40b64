"""A step's processes found again without its runner: by the process group recorded in the run
log (its id and the leader's start time), and by the marker its environment carries.

A step runs in a session of its own, so its group id is its leader's pid; the start time tells
that group from a later one that reused the id. A descendant that left the group (`setsid`,
a double fork) still carries `MAINTUI_STEP_TOKEN=<run>:<step>:<nonce>` in its environment,
which psutil reads from /proc/<pid>/environ. A cgroup would hold them too, but needs a
delegated cgroup tree that a plain user (or a container) seldom has; the marker works anywhere
the runner's user can read its own processes.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import time

import psutil

TOKEN_VAR = "MAINTUI_STEP_TOKEN"
GRACE = 5.0  # seconds between SIGTERM and SIGKILL


def new_token(run_id: int, step_id: str) -> str:
    """The marker for one attempt of one step: a fresh nonce each time."""
    return f"{run_id}:{step_id}:{secrets.token_hex(6)}"


def start_time(pid: int) -> float | None:
    try:
        return psutil.Process(pid).create_time()
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
        return None


def marked(prefix: str) -> list[psutil.Process]:
    """Live processes whose marker starts with `prefix` (a token, or `<run>:` for a run)."""
    found = []
    me = os.getpid()
    for proc in psutil.process_iter():
        if proc.pid == me:
            continue
        with contextlib.suppress(psutil.Error, OSError):
            value = proc.environ().get(TOKEN_VAR, "")
            if value and value.startswith(prefix) and proc.status() != psutil.STATUS_ZOMBIE:
                found.append(proc)
    return found


def group_members(pgid: int, started: float | None) -> list[psutil.Process]:
    """The live processes of group `pgid`, if the group is still the one recorded (its leader,
    when alive, started at `started`)."""
    if started is not None:
        leader = start_time(pgid)
        if leader is not None and abs(leader - started) > 1.0:
            return []  # the id was reused by another group: not ours
    members = []
    for proc in psutil.process_iter():
        with contextlib.suppress(psutil.Error, OSError):
            if os.getpgid(proc.pid) == pgid and proc.status() != psutil.STATUS_ZOMBIE:
                if started is not None and proc.create_time() + 1.0 < started:
                    continue  # older than the step: a reused id
                members.append(proc)
    return members


def step_processes(pgid: int | None, pgid_start: float | None,
                   token: str | None) -> list[psutil.Process]:
    """Every live process of one step: its group, and whatever carries its marker."""
    procs: dict[int, psutil.Process] = {}
    if pgid:
        procs.update((p.pid, p) for p in group_members(pgid, pgid_start))
    if token:
        procs.update((p.pid, p) for p in marked(token))
    return list(procs.values())


def end(procs: list[psutil.Process], grace: float = GRACE) -> int:
    """SIGTERM them, wait up to `grace`, SIGKILL what is left; returns how many there were."""
    count = len(procs)
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for proc in procs:
            with contextlib.suppress(psutil.Error):
                proc.send_signal(sig)
        _, alive = psutil.wait_procs(procs, timeout=grace if sig == signal.SIGTERM else 2.0)
        if not alive:
            break
        procs = alive
    return count


def end_step(pgid: int | None, pgid_start: float | None, token: str | None,
             grace: float = GRACE) -> int:
    """End one step's processes (group and marked escapees); how many were running."""
    procs = step_processes(pgid, pgid_start, token)
    if procs:
        end(procs, grace)
    return len(procs)


def wait_gone(pgid: int | None, pgid_start: float | None, token: str | None,
              timeout: float) -> bool:
    """Wait up to `timeout` for a step's processes to end by themselves; True if they did."""
    deadline = time.monotonic() + timeout
    while step_processes(pgid, pgid_start, token):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True
