"""Step preconditions from live gauges (through a `Probe`): free disk, load, memory, maintenance.

Checked when the confirm dialog is open (shown live) and again by the runner just before
the step starts, because minutes may pass between the two.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from maintui.core.probes.base import Probe
from maintui.core.site.paths import maintenance_file
from maintui.core.site.template import substitute
from maintui.core.units import parse_size

if TYPE_CHECKING:
    from maintui.core.site.model import Requires, Step

@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    text: str

    def as_dict(self) -> dict[str, Any]:
        """As the gate event carries it (`requires`), for the confirm dialog."""
        return {"name": self.name, "ok": self.ok, "text": self.text}


def check_step(step: Step, lookup: Callable[[str], Any], state_dir: Path,
               probe: Probe) -> list[Check]:
    """Every precondition of `step` with its value now; [] when it has none.

    `lookup` fills `${…}` in the disk path, `state_dir` holds the maintenance flag, and
    `probe` reads free space, memory and load. It blocks (disk reads): run it in a thread.
    """
    if step.requires is None:
        return []
    path = str(substitute(step.requires.disk_path, lookup))
    return _evaluate(step.requires, state_dir, path or step.requires.disk_path, probe)


def _maintenance_on(state_dir: Path) -> bool:
    try:
        return bool(json.loads(maintenance_file(state_dir).read_text()).get("on"))
    except (OSError, ValueError):
        return False


def _evaluate(req: Requires, state_dir: Path, path: str, probe: Probe) -> list[Check]:
    out: list[Check] = []
    if req.disk_free is not None:
        out.append(_disk_free(req.disk_free, path, probe))
    # memory and load come from one sample, taken only when a condition needs it
    snap = probe.sample(processes=False) if (
        req.load_below is not None or req.memory_available is not None) else None
    if req.load_below is not None and snap is not None:
        per_core = snap.load_per_core[0]
        out.append(Check("load_below", per_core < req.load_below,
                         f"load per core: {per_core:.2f} (needs < {req.load_below:g})"))
    if req.memory_available is not None and snap is not None:
        avail = snap.memory_total - snap.memory_used
        want = parse_size(req.memory_available)
        out.append(Check("memory_available", avail >= want,
                         f"memory available: {_gb(avail)} (needs {_gb(want)})"))
    if req.maintenance is not None:
        on = _maintenance_on(state_dir)
        out.append(Check("maintenance", on == req.maintenance,
                         f"maintenance mode is {'on' if on else 'off'} "
                         f"(needs {'on' if req.maintenance else 'off'})"))
    return out


def _disk_free(need: str, path: str, probe: Probe) -> Check:
    try:
        usage = probe.disk_usage(path)
    except OSError as exc:
        return Check("disk_free", False, f"cannot read free space of {path}: {exc.strerror}")
    free = usage.free if usage.free is not None else usage.total - usage.used
    want = float(need[:-1]) / 100 * usage.total if need.endswith("%") else parse_size(need)
    return Check("disk_free", free >= want, f"free on {path}: {_gb(free)} (needs {_gb(want)})")


def _gb(n: float) -> str:
    for unit, size in (("T", 1024**4), ("G", 1024**3), ("M", 1024**2)):
        if n >= size:
            return f"{n / size:.1f}{unit}"
    return f"{n / 1024:.0f}K"
