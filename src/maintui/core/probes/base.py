"""The `Probe` interface and what a sample holds: Snapshot, Disk, Proc (psutil.py, fake.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Disk:
    mount: str
    percent: float
    used: int
    total: int
    free: int | None = None  # what an unprivileged writer may use; None: not read (total - used)


@dataclass(frozen=True)
class Proc:
    """One process; io is read+write bytes per second, None when not readable."""

    pid: int
    name: str
    user: str
    cpu: float
    memory: float
    io: float | None = None


@dataclass(frozen=True)
class Snapshot:
    """One sample of the machine's resources."""

    time: float
    cpu: float
    cores: tuple[float, ...]
    memory: float
    memory_used: int
    memory_total: int
    swap: float
    load: tuple[float, float, float]
    disks: tuple[Disk, ...] = ()
    rx: float = 0.0  # bytes per second received, all interfaces but loopback
    tx: float = 0.0
    processes: tuple[Proc, ...] = ()
    slow: float | None = None  # when swap, disks and network were read; None: this sample

    @property
    def slow_time(self) -> float:
        """When the slow-moving values (swap, disks, network) were read."""
        return self.time if self.slow is None else self.slow

    @property
    def load_per_core(self) -> tuple[float, float, float]:
        n = max(1, len(self.cores))
        one, five, fifteen = self.load
        return (one / n, five / n, fifteen / n)


class Probe(Protocol):
    """Anything that can take one resource sample.

    `processes=False` says nobody looks at the process list now: a probe may then hand
    back its last list instead of reading a new one (the costly part of a sample).
    """

    def sample(self, processes: bool = True) -> Snapshot: ...

    def disk_usage(self, path: str) -> Disk:
        """The file system holding `path` (a step's precondition); OSError when unreadable."""
        ...
