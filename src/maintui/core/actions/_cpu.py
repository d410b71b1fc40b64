"""CPU use of the machine over an interval, without the CPU maintui itself (and what it started)
spent in that interval: a check must not report its own run as load."""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class CpuReading:
    """Percent of all cores busy over `seconds`: `percent` without maintui's own processes,
    `total` with them, `own` what maintui's process and its children used."""

    percent: float
    total: float
    own: float
    seconds: float
    cores: int


def _busy_and_total(times: Any) -> tuple[float, float]:
    """(busy, all) CPU seconds from psutil.cpu_times(), counted as psutil's cpu_percent does
    (guest time is already inside user time on Linux; idle and iowait are not busy)."""
    total = sum(times) - getattr(times, "guest", 0.0) - getattr(times, "guest_nice", 0.0)
    idle = times.idle + getattr(times, "iowait", 0.0)
    return total - idle, total


def _own_seconds(ps: Any, me: Any) -> dict[int, float]:
    """CPU seconds so far of this process (with its reaped children) and each live descendant."""
    out: dict[int, float] = {}
    try:
        t = me.cpu_times()
        out[me.pid] = t.user + t.system + t.children_user + t.children_system
        kids = me.children(recursive=True)
    except ps.Error:
        return out
    for kid in kids:
        try:
            t = kid.cpu_times()
            out[kid.pid] = t.user + t.system + t.children_user + t.children_system
        except ps.Error:  # ended between the listing and the read
            continue
    return out


def measure_cpu(seconds: float, cancelled: threading.Event | None = None) -> CpuReading:
    """Machine CPU over `seconds`, with and without this process and its descendants.

    A descendant that starts inside the interval counts in full (all its time is in it); one
    that ends and is reaped counts through this process's children times.
    """
    import psutil

    me = psutil.Process(os.getpid())
    cores = psutil.cpu_count() or 1
    busy0, all0 = _busy_and_total(psutil.cpu_times())
    own0 = _own_seconds(psutil, me)
    started = time.monotonic()
    (cancelled or threading.Event()).wait(max(0.05, seconds))
    busy1, all1 = _busy_and_total(psutil.cpu_times())
    own1 = _own_seconds(psutil, me)
    elapsed = time.monotonic() - started
    span = max(all1 - all0, 1e-9)  # CPU seconds of every core together
    busy = max(0.0, busy1 - busy0)
    own = sum(max(0.0, t - own0.get(pid, 0.0)) for pid, t in own1.items())
    own = min(own, busy)
    total = min(100.0, busy / span * 100)
    return CpuReading(percent=round(max(0.0, (busy - own) / span * 100), 2), total=round(total, 2),
                      own=round(own / span * 100, 2), seconds=round(elapsed, 3), cores=cores)
