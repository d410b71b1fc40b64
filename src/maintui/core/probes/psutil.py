"""The real `Probe`, on psutil (and /proc where there is one), and a quick gauge reading."""

from __future__ import annotations

import os
import pwd
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from maintui.core.clock import Clock, SystemClock
from maintui.core.probes.base import Disk, Proc, Snapshot
from maintui.core.probes.procfs import (
    busy_percent,
    full_name,
    owner,
    proc_root,
    read_cpu_ticks,
    read_io,
    read_memory,
    read_stats,
)

# File systems that are never worth a gauge: pseudo, in-memory and read-only images.
PSEUDO_FS = {"squashfs", "tmpfs", "devtmpfs", "proc", "sysfs", "overlay", "iso9660", "nsfs"}
MIN_CPU_DELTA = 0.1  # seconds between the CPU baseline and the first sample
PARTITIONS_TTL = 60.0  # re-read the mount table once a minute, not every sample
SLOW_INTERVAL = 5.0  # swap, disks and network: slow-moving, read every 5 s and reused between


Row = tuple[Any, int, float, float]  # (process key, pid, CPU %, memory %)


class PsutilProbe:
    """Samples with psutil; keeps state between samples for CPU and network/IO rates.

    CPU, memory and load are read on every sample; swap, disks and network every
    `slow_interval` seconds, and the process list at most every `process_interval`
    seconds, and only when asked for.
    """

    def __init__(self, clock: Clock | None = None, *, top: int = 20,
                 process_interval: float = 3.0, slow_interval: float = SLOW_INTERVAL,
                 procfs: bool | Path = True) -> None:
        import psutil  # imported here so that importing this module stays cheap

        self._ps = psutil
        self._clock = clock or SystemClock()
        self._top = top
        self._process_interval, self._slow_interval = process_interval, slow_interval
        self._slow: tuple[float, float, tuple[Disk, ...], float, float] | None = None
        self._no_io: set[Any] = set()  # processes whose IO counters we may not read
        # Processes are read from /proc where there is one (cheaper), else through psutil.
        self._procfs = procfs if isinstance(procfs, Path) else proc_root() if procfs else None
        self._cpu_seen: dict[tuple[int, int], tuple[float, float]] = {}
        self._handles: dict[Any, Any] = {}
        self._memory_total = 0
        self._names: dict[Any, tuple[str, str]] = {}
        self._made: dict[Any, Proc] = {}  # the last list's Proc per process, reused if unchanged
        self._users: dict[int, str] = {}  # uid -> user name, for processes read from /proc
        self._stat_lines: dict = {}  # pid -> its last /proc stat line and what it says
        self._procs: tuple[float, tuple[Proc, ...]] = (float("-inf"), ())
        self._io: dict[Any, tuple[float, int]] = {}
        self._net: tuple[float, int, int] | None = None
        self._mounts: tuple[float, list[str]] = (-PARTITIONS_TTL, [])
        # CPU percentages are deltas: take the baseline now
        self._ticks: list[tuple[int, ...]] | None = None
        if self._procfs:
            try:
                self._ticks = read_cpu_ticks(self._procfs) or None
            except (OSError, ValueError):  # no /proc/stat there (a test's tree): psutil's
                pass
        if self._ticks is None:
            psutil.cpu_percent(percpu=True)
        self._primed = time.monotonic()

    def quick(self, processes: bool = True) -> bool:
        """Whether `sample(processes)` now would read only what the kernel keeps in memory
        (/proc/stat, /proc/meminfo, the load): nothing that can block, so it may run on the
        caller's thread. Disks (a hung network mount), the process list (a process stuck in
        the kernel holds its /proc files) and the first sample (it waits for a baseline) do not."""
        now = self._clock.now()
        return self._ticks is not None and not self._lists_processes(now, processes) \
            and not self._slow_due(now, processes) \
            and time.monotonic() - self._primed >= MIN_CPU_DELTA

    def _lists_processes(self, now: float, processes: bool) -> bool:
        return processes and now - self._procs[0] >= self._process_interval

    def _slow_due(self, now: float, processes: bool) -> bool:
        """Whether swap, disks and network are read in this sample: every `slow_interval`
        seconds, and while the process list is looked at, with it (one sample in a thread,
        not two: see `quick`)."""
        return self._slow is None or now - self._slow[0] >= self._slow_interval and (
            not processes or self._lists_processes(now, processes))

    def sample(self, processes: bool = True) -> Snapshot:
        # A delta over a few microseconds reads as 0 % or 100 %: let the baseline age a little.
        time.sleep(max(0.0, MIN_CPU_DELTA - (time.monotonic() - self._primed)))
        now = self._clock.now()
        cores = self._cores()
        total, available = self._memory()
        self._memory_total = total
        stamp, swap, disks, rx, tx = self._slow_values(now, processes)
        return Snapshot(
            time=now, cpu=sum(cores) / max(1, len(cores)), cores=cores,
            memory=round((total - available) / total * 100, 1) if total else 0.0,
            memory_used=total - available, memory_total=total, swap=swap,
            load=tuple(os.getloadavg()), disks=disks, rx=rx, tx=tx,
            processes=self._processes(now) if processes else self._procs[1], slow=stamp,
        )

    def _cores(self) -> tuple[float, ...]:
        """Each CPU's busy %: from /proc/stat where it is (a tenth of psutil's cost 1.5 s after
        the last sample, when none of psutil's code is warm), else psutil's."""
        if self._ticks is not None:
            ticks = read_cpu_ticks(self._procfs)  # type: ignore[arg-type]
            before, self._ticks = self._ticks, ticks
            if len(before) == len(ticks):  # a CPU brought on or off line: a new baseline
                return tuple(busy_percent(a, b) for a, b in zip(before, ticks, strict=True))
            return tuple(0.0 for _ in ticks)
        return tuple(self._ps.cpu_percent(percpu=True))

    def _memory(self) -> tuple[int, int]:
        """(total, available) bytes: /proc/meminfo's where it says, else psutil's."""
        try:
            found = read_memory(self._procfs) if self._procfs else None
        except (OSError, ValueError):
            found = None
        if found is None:
            mem = self._ps.virtual_memory()
            found = (mem.total, mem.available)
        return found

    def disk_usage(self, path: str) -> Disk:
        u = self._ps.disk_usage(path)
        return Disk(path, u.percent, u.used, u.total, u.free)

    def _slow_values(self, now: float, processes: bool
                     ) -> tuple[float, float, tuple[Disk, ...], float, float]:
        """(when read, swap %, disks, rx, tx), re-read when `_slow_due`."""
        if self._slow_due(now, processes):
            rx, tx = self._net_rates(now)
            self._slow = (now, self._ps.swap_memory().percent, tuple(self._disks(now)), rx, tx)
        return self._slow

    def _mountpoints(self, now: float) -> list[str]:
        stamp, mounts = self._mounts
        if now - stamp >= PARTITIONS_TTL:
            parts = self._ps.disk_partitions(all=False)
            mounts = [p.mountpoint for p in parts if p.fstype not in PSEUDO_FS
                      and not p.mountpoint.startswith(("/snap/", "/boot/efi"))]
            mounts = sorted(set(mounts) | {"/"}, key=lambda m: (m != "/", m))
            self._mounts = (now, mounts)
        return mounts

    def _disks(self, now: float) -> Iterable[Disk]:
        for mount in self._mountpoints(now):
            try:
                u = self._ps.disk_usage(mount)
            except OSError:  # unmounted since the table was read, or not permitted
                continue
            yield Disk(mount, u.percent, u.used, u.total)

    def _net_rates(self, now: float) -> tuple[float, float]:
        nics = self._ps.net_io_counters(pernic=True)
        rx = sum(c.bytes_recv for name, c in nics.items() if name != "lo")
        tx = sum(c.bytes_sent for name, c in nics.items() if name != "lo")
        previous, self._net = self._net, (now, rx, tx)
        if previous is None or now <= previous[0]:
            return 0.0, 0.0
        dt = now - previous[0]
        return max(0.0, (rx - previous[1]) / dt), max(0.0, (tx - previous[2]) / dt)

    def _processes(self, now: float) -> tuple[Proc, ...]:
        # A process list is the costly part of a sample (a /proc read or two per process),
        # so it is refreshed every `process_interval` seconds and reused in between.
        stamp, procs = self._procs
        if now - stamp < self._process_interval:
            return procs
        rows = self._procfs_rows(now) if self._procfs else self._psutil_rows()
        alive = {row[0] for row in rows}
        self._names = {k: v for k, v in self._names.items() if k in alive}
        self._handles = {k: v for k, v in self._handles.items() if k in alive}
        self._io = {k: v for k, v in self._io.items() if k in alive}
        self._no_io &= alive
        visible = self._visible(rows)
        made, self._made = self._made, {}
        for key, pid, cpu, mem in rows:
            values = (round(cpu, 1), round(mem, 1),
                      self._io_rate(key, now) if key in visible else None)
            proc = made.get(key)  # most processes show the same numbers as last time
            if proc is None or (proc.cpu, proc.memory, proc.io) != values:
                proc = Proc(pid, *self._identity(key), *values)
            self._made[key] = proc
        procs = tuple(self._made.values())
        # The first list has no CPU baseline (all 0 %): take the next one a second later.
        self._procs = (now if stamp > float("-inf") else now - self._process_interval + 1, procs)
        return procs

    def _psutil_rows(self) -> list[Row]:
        # process_iter caches Process objects between calls, so cpu_percent has a baseline.
        return [(p, p.pid, p.info["cpu_percent"] or 0.0, p.info["memory_percent"] or 0.0)
                for p in self._ps.process_iter(["cpu_percent", "memory_percent"], ad_value=None)]

    def _procfs_rows(self, now: float) -> list[Row]:
        """Rows from /proc: CPU % over the time since this process was last read, as psutil's."""
        assert self._procfs is not None
        total = self._memory_total or 1
        seen, rows = {}, []
        for pid, start, used, rss, comm in read_stats(self._procfs, self._stat_lines):
            key = (pid, start)
            if key not in self._names:  # a new process: its name and owner, read once
                self._names[key] = self._procfs_identity(pid, comm)
            seen[key] = (now, used)
            before = self._cpu_seen.get(key)
            dt = now - before[0] if before else 0.0
            cpu = max(0.0, (used - before[1]) / dt * 100) if before and dt > 0 else 0.0
            rows.append((key, pid, cpu, rss / total * 100))
        self._cpu_seen = seen
        return rows

    def _procfs_identity(self, pid: int, comm: bytes) -> tuple[str, str]:
        """(name, user) from what /proc shows: psutil's Process, name() and username() cost
        ~55 µs a process, several times this, and a busy box starts a few every second."""
        assert self._procfs is not None
        try:
            uid = owner(self._procfs, pid)
        except OSError:  # ended since it was listed
            return ("?", "?")
        if uid not in self._users:
            try:
                self._users[uid] = pwd.getpwuid(uid).pw_name
            except KeyError:  # a uid without a passwd entry, shown as psutil does
                self._users[uid] = str(uid)
        return full_name(self._procfs, pid, comm), self._users[uid]

    def _visible(self, rows: list[Row]) -> set[Any]:
        """The processes that can appear at the top of either sort: worth an IO read."""
        by_cpu = sorted(rows, key=lambda r: r[2], reverse=True)[: self._top]
        by_mem = sorted(rows, key=lambda r: r[3], reverse=True)[: self._top]
        return {r[0] for r in by_cpu + by_mem}

    def _handle(self, key: Any) -> Any:
        """The psutil Process for a row, made once per process (None if it has gone)."""
        if not isinstance(key, tuple):
            return key
        if key not in self._handles:
            try:
                self._handles[key] = self._ps.Process(key[0])
            except self._ps.Error:
                self._handles[key] = None
        return self._handles[key]

    def _identity(self, key: Any) -> tuple[str, str]:
        """(name, user), read once per process: a name can cost a cmdline read, a user a uid lookup."""
        if key not in self._names:
            p = self._handle(key)
            try:
                if p is None:
                    raise self._ps.NoSuchProcess(key[0])
                with p.oneshot():
                    self._names[key] = (p.name(), p.username())
            except (self._ps.Error, KeyError):  # KeyError: a uid without a passwd entry
                self._names[key] = ("?", "?")
        return self._names[key]

    def _io_rate(self, key: Any, now: float) -> float | None:
        if key in self._no_io:  # not ours to read: asking again only costs an exception
            return None
        try:
            if self._procfs and isinstance(key, tuple):  # one read, no psutil Process
                total = read_io(self._procfs, key[0])
            else:
                counters = self._handle(key).io_counters()
                total = counters.read_bytes + counters.write_bytes
        except (self._ps.Error, AttributeError, OSError, ValueError, IndexError):
            self._no_io.add(key)
            return None
        previous = self._io.get(key)
        self._io[key] = (now, total)
        if previous is None or now <= previous[0]:
            return 0.0
        return max(0.0, (total - previous[1]) / (now - previous[0]))


def quick_snapshot() -> dict:
    """Memory, swap, load and disks for a run's start and end: cheap numbers only, no CPU
    sampling interval, no process scan."""
    import psutil

    vm, sw = psutil.virtual_memory(), psutil.swap_memory()
    disks = {}
    for part in psutil.disk_partitions(all=False):
        try:
            disks[part.mountpoint] = round(psutil.disk_usage(part.mountpoint).percent, 1)
        except OSError:
            continue
    one, five, fifteen = os.getloadavg()
    return {"memory": round(vm.percent, 1), "swap": round(sw.percent, 1),
            "load": [round(one, 2), round(five, 2), round(fifteen, 2)],
            "cores": psutil.cpu_count() or 1, "disks": disks}


def describe(g: dict) -> str:
    """One line of a quick_snapshot() for the run report."""
    disks = ", ".join(f"{m} {p:g}%" for m, p in list(g.get("disks", {}).items())[:6])
    load = " ".join(f"{x:g}" for x in g.get("load", []))
    return (f"memory {g.get('memory', 0):g}% · swap {g.get('swap', 0):g}% · load {load} "
            f"({g.get('cores', 1)} cores) · disks {disks or '—'}")
