"""A scripted `Probe` for tests and the demo, and a plausible fixed snapshot."""

from __future__ import annotations

import errno
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from maintui.core.clock import FAKE_EPOCH
from maintui.core.probes.base import Disk, Proc, Snapshot


def fake_snapshot(**changes: Any) -> Snapshot:
    """A plausible, fixed snapshot; keyword arguments replace fields."""
    base = Snapshot(
        time=FAKE_EPOCH, cpu=23.0, cores=(12.0, 35.0, 8.0, 37.0), memory=62.0,
        memory_used=5_200_000_000, memory_total=8_400_000_000, swap=3.0, load=(0.52, 0.40, 0.33),
        disks=(Disk("/", 45.0, 22_500_000_000, 50_000_000_000),
               Disk("/var", 83.0, 83_000_000_000, 100_000_000_000)),
        rx=125_000.0, tx=34_000.0,
        processes=(Proc(1200, "postgres", "postgres", 12.5, 8.1, 2048.0),
                   Proc(981, "app", "app", 6.0, 14.2, None),
                   Proc(1, "systemd", "root", 0.1, 0.4, None),
                   Proc(4411, "sshd", "root", 0.0, 0.2, None)),
    )
    return replace(base, **changes)


@dataclass
class FakeProbe:
    """Returns scripted snapshots in order, then repeats the last one forever."""

    script: Sequence[Snapshot] = field(default_factory=lambda: [fake_snapshot()])
    calls: int = 0

    def sample(self, processes: bool = True) -> Snapshot:
        snap = self.script[min(self.calls, len(self.script) - 1)]
        self.calls += 1
        return snap

    def disk_usage(self, path: str) -> Disk:
        """The current snapshot's disk mounted deepest above `path`; free is what is not used."""
        snap = self.script[min(self.calls, len(self.script) - 1)]
        held = [d for d in snap.disks
                if path == d.mount or path.startswith(d.mount.rstrip("/") + "/")]
        if not held:
            raise FileNotFoundError(errno.ENOENT, "no such file or directory", path)
        disk = max(held, key=lambda d: len(d.mount))
        return disk if disk.free is not None else replace(disk, free=disk.total - disk.used)
