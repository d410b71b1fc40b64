"""Step preconditions from live gauges: free disk, load, memory, maintenance mode.

Checked when the confirm dialog is open (shown live) and again by the runner just before
the step starts, because minutes may pass between the two.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, field_validator

_SIZES = {"": 1, "b": 1, "k": 1024, "m": 1024**2, "g": 1024**3, "t": 1024**4}


def parse_size(text: str) -> float:
    """`512M`, `2G`, `1.5T` → bytes; ValueError with a hint otherwise."""
    raw = str(text).strip().lower().removesuffix("ib").removesuffix("b")
    unit = raw[-1] if raw and raw[-1] in _SIZES else ""
    try:
        return float(raw[: len(raw) - len(unit)]) * _SIZES[unit]
    except ValueError:
        raise ValueError(f"bad size {text!r}: use e.g. 512M, 2G, or a percentage like 10%") from None


class Requires(BaseModel):
    """A step's `requires` table."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    disk_free: str | None = None         # "5G" or "10%"
    disk_path: str = "/"
    load_below: float | None = None      # 1-minute load average per core
    memory_available: str | None = None  # "512M"
    maintenance: bool | None = None      # maintenance mode must be on (or off)

    @field_validator("disk_free", "memory_available")
    @classmethod
    def _size(cls, value: str | None) -> str | None:
        if value is not None and not str(value).endswith("%"):
            parse_size(value)
        return value


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    text: str


def _maintenance_on(state_dir: Path) -> bool:
    try:
        return bool(json.loads((state_dir / "maintenance.json").read_text()).get("on"))
    except (OSError, ValueError):
        return False


def evaluate(req: Requires, state_dir: Path, disk_path: str | None = None) -> list[Check]:
    """Every condition with its current value; `disk_path` is the substituted path."""
    import psutil

    out: list[Check] = []
    if req.disk_free is not None:
        path = disk_path or req.disk_path
        try:
            usage = psutil.disk_usage(path)
        except OSError as exc:
            out.append(Check("disk_free", False, f"cannot read free space of {path}: {exc.strerror}"))
        else:
            if req.disk_free.endswith("%"):
                want = float(req.disk_free[:-1]) / 100 * usage.total
            else:
                want = parse_size(req.disk_free)
            out.append(Check("disk_free", usage.free >= want,
                             f"free on {path}: {_gb(usage.free)} (needs {_gb(want)})"))
    if req.load_below is not None:
        per_core = os.getloadavg()[0] / max(1, psutil.cpu_count() or 1)
        out.append(Check("load_below", per_core < req.load_below,
                         f"load per core: {per_core:.2f} (needs < {req.load_below:g})"))
    if req.memory_available is not None:
        avail = psutil.virtual_memory().available
        want = parse_size(req.memory_available)
        out.append(Check("memory_available", avail >= want,
                         f"memory available: {_gb(avail)} (needs {_gb(want)})"))
    if req.maintenance is not None:
        on = _maintenance_on(state_dir)
        out.append(Check("maintenance", on == req.maintenance,
                         f"maintenance mode is {'on' if on else 'off'} "
                         f"(needs {'on' if req.maintenance else 'off'})"))
    return out


def _gb(n: float) -> str:
    for unit, size in (("T", 1024**4), ("G", 1024**3), ("M", 1024**2)):
        if n >= size:
            return f"{n / size:.1f}{unit}"
    return f"{n / 1024:.0f}K"
