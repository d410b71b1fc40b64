"""Disk usage per mount: one threshold-coloured gauge line each, all drawn by one widget."""

from __future__ import annotations

from typing import TYPE_CHECKING

from maintui.core.units import used_of
from maintui.tui.widgets.gauges import GaugeLines, Levels, Reading, Series

if TYPE_CHECKING:
    from maintui.core.probes.base import Disk

MOUNT_WIDTH = 12  # longer mount points are cut: the bar matters more than the full path


class DiskTable(GaugeLines):
    """A line per mounted file system: use %, used/total, recent history."""

    def __init__(self, levels: Levels, *, id: str | None = None) -> None:
        super().__init__({}, id=id)
        self.levels = levels

    def show(self, disks: tuple[Disk, ...], series: Series) -> int:
        """Update the lines; the height changes only when the number of mounts does."""
        mounts = [d.mount for d in disks]
        width = max(5, min(MOUNT_WIDTH, max((len(m) for m in mounts), default=5)))
        self.label_width = width
        self.set_labels({f"disk:{m}": _short(m, width) for m in mounts})
        return self.show_rows({
            f"disk:{d.mount}": Reading(f"{d.percent:.0f}% {used_of(d.used, d.total)}",
                                       self.levels(f"disk:{d.mount}", d.percent),
                                       series(f"disk:{d.mount}"))
            for d in disks})

    @property
    def labels(self) -> list[str]:
        """The labels shown, top to bottom."""
        return list(self._labels.values())


def _short(mount: str, width: int) -> str:
    """`/var/lib/docker` → `…/lib/docker`: the end of a mount point tells them apart."""
    return mount if len(mount) <= width else "…" + mount[-(width - 1):]
