"""Per-process CPU time, resident memory and name straight from /proc/PID/stat (Linux), its
owner and IO counters.

One read per process instead of psutil's two plus its bookkeeping: about a quarter of the
cost of `psutil.process_iter(["cpu_percent", "memory_percent"])`, which matters for a
console that lists processes every few seconds.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import NamedTuple


class ProcStat(NamedTuple):
    """One process: `start` (clock ticks after boot) tells a reused pid apart. A tuple, not a
    dataclass: a hundred or more are made every few seconds."""

    pid: int
    start: int
    cpu: float  # seconds of CPU used so far, user + system
    rss: int  # bytes resident
    comm: bytes = b""  # the name, as the kernel keeps it: at most 15 bytes

    @property
    def key(self) -> tuple[int, int]:
        return (self.pid, self.start)


def proc_root() -> Path | None:
    """The /proc folder when this is Linux and it is mounted, else None (use psutil)."""
    root = Path("/proc")
    return root if sys.platform.startswith("linux") and (root / "self" / "stat").exists() else None


def parse_stat(pid: int, data: bytes, ticks: int, page: int) -> ProcStat:
    """Fields from the text of /proc/PID/stat (the name may hold spaces and parentheses)."""
    head, _, tail = data.rpartition(b")")
    fields = tail.split(None, 23)  # the rest (~30 fields) is not needed
    # after the name: state(0) … utime(11) stime(12) … starttime(19) vsize(20) rss(21)
    return ProcStat(pid, int(fields[19]), (int(fields[11]) + int(fields[12])) / ticks,
                    int(fields[21]) * page, head.partition(b"(")[2])


def read_stats(root: Path, known: dict[int, tuple[bytes, ProcStat]] | None = None
               ) -> list[ProcStat]:
    """Every process that can be read now; processes that end while reading are left out.
    With `known` (pid -> the text last read and its ProcStat, kept by the caller and updated
    here), a stat line unchanged since is not parsed again: most processes slept in between
    (~80 % of them on an idle box) and their lines are byte for byte the same."""
    ticks, page = os.sysconf("SC_CLK_TCK"), os.sysconf("SC_PAGE_SIZE")
    out = []
    before = dict(known) if known is not None else {}
    if known is not None:
        known.clear()
    with os.scandir(root) as entries:
        for entry in entries:
            if not entry.name.isdigit():
                continue
            try:  # os.open/os.read: no buffered file object per process
                fd = os.open(f"{entry.path}/stat", os.O_RDONLY)
                try:
                    data = os.read(fd, 4096)
                finally:
                    os.close(fd)
                pid = int(entry.name)
                last = before.get(pid)
                stat = last[1] if last is not None and last[0] == data else \
                    parse_stat(pid, data, ticks, page)
                out.append(stat)
                if known is not None:
                    known[pid] = (data, stat)
            except (OSError, IndexError, ValueError):
                continue
    return out


def read_cpu_ticks(root: Path) -> list[tuple[int, ...]]:
    """Each CPU's times so far, in clock ticks, from the `cpuN` lines of /proc/stat (user nice
    system idle iowait irq softirq steal guest guest_nice; older kernels give fewer)."""
    data = _read_stat(f"{root}/stat")
    ticks = []
    for line in data.split(b"\n"):
        if not line.startswith(b"cpu"):  # the CPU lines come first
            break
        if line[3:4].isdigit():  # not the line that sums them all
            ticks.append(tuple(map(int, line.split()[1:])))
    return ticks


def busy_percent(before: tuple[int, ...], now: tuple[int, ...]) -> float:
    """A CPU's busy share between two readings, as psutil's `cpu_percent` works it out: guest
    time is already in user and nice, idle and iowait are not busy."""
    delta = [max(0, b - a) for a, b in zip(before, now, strict=False)]
    total = sum(delta) - sum(delta[8:10])
    idle = sum(delta[3:5])
    return round(min(100.0, max(0.0, (total - idle) / total * 100)), 1) if total > 0 else 0.0


def read_memory(root: Path) -> tuple[int, int] | None:
    """(total, available) bytes from /proc/meminfo; None where the kernel does not say what is
    available (before 3.14: psutil works it out)."""
    found: dict[bytes, int] = {}
    for line in _read(f"{root}/meminfo").split(b"\n"):
        if line.startswith((b"MemTotal:", b"MemAvailable:")):
            name, value = line.split()[:2]
            found[name] = int(value) * 1024
            if len(found) == 2:
                return found[b"MemTotal:"], found[b"MemAvailable:"]
    return None


def read_io(root: Path, pid: int) -> int:
    """Bytes read and written to storage so far (`read_bytes` + `write_bytes` of
    /proc/PID/io); OSError when the process is not ours to read or has ended."""
    total = 0
    for line in _read(f"{root}/{pid}/io").splitlines():
        if line.startswith((b"read_bytes:", b"write_bytes:")):
            total += int(line.split()[1])
    return total


def _read(path: str) -> bytes:
    fd = os.open(path, os.O_RDONLY)
    try:
        return os.read(fd, 4096)
    finally:
        os.close(fd)


_PAST_CPUS = re.compile(rb"\n(?!cpu)[^\n]{3}")  # a line that is not a CPU's, whole enough to tell


def _read_stat(path: str) -> bytes:
    """The CPU lines of /proc/stat, whatever the count of CPUs: read on until a line that is not
    one (the interrupt counts after them can run to tens of KiB, never needed)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        data = b""
        while chunk := os.read(fd, 16384):
            data += chunk
            if _PAST_CPUS.search(data) or not data.startswith(b"cpu"):
                break
        return data
    finally:
        os.close(fd)


def full_name(root: Path, pid: int, comm: bytes) -> str:
    """A process's name: its `comm`, or where the kernel cut that at 15 bytes, the command's
    file name when it starts the same (as psutil's `name()`)."""
    name = os.fsdecode(comm)
    if len(comm) >= 15:
        try:
            command = _read(f"{root}/{pid}/cmdline").split(b"\0", 1)[0]
        except OSError:
            return name
        whole = os.path.basename(os.fsdecode(command))
        if whole.startswith(name):
            return whole
    return name


def owner(root: Path, pid: int) -> int:
    """The uid that owns the process's /proc folder (its effective uid, as `ps` and htop
    show); OSError when it has ended."""
    return os.stat(f"{root}/{pid}").st_uid
