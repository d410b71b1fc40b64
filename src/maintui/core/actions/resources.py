"""`resources.check`: CPU, memory, swap, load per core and disk per mount against thresholds,
all of them or the gauges named; CPU measured over an interval without maintui's own use."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, ClassVar

from pydantic import field_validator

from maintui.core.actions import register
from maintui.core.actions._cpu import CpuReading
from maintui.core.actions._util import CheckParams, human, level, seconds, verdict
from maintui.core.actions.base import Action, ActionContext, ActionResult, Finding
from maintui.core.probes.base import Probe, Snapshot
from maintui.core.site.config import DEFAULT_THRESHOLDS

GAUGES = ("cpu", "memory", "swap", "load", "disk")


class ResourcesParams(CheckParams):
    gauges: list[str] = []  # which gauges: cpu, memory, swap, load, disk (every mount) or disk:/MOUNT; empty: all
    # per gauge overrides, e.g. {disk = {warning = 70, critical = 85}}; default: config
    thresholds: dict[str, dict[str, float]] = {}  # per gauge, over [thresholds]
    mounts: list[str] = []  # empty: every real mount the probe sees
    cpu_interval: float = 1.0  # seconds CPU is measured over, maintui's own use left out (0: an instant reading)
    record_samples: bool = True  # feed capacity forecasts

    @field_validator("gauges")
    @classmethod
    def _known(cls, value: list[str]) -> list[str]:
        for g in value:
            if g.split(":", 1)[0] not in GAUGES or g.endswith(":") or (":" in g and not
                                                                        g.startswith("disk:")):
                raise ValueError(f"unknown gauge {g!r}: use {', '.join(GAUGES)} or disk:/MOUNT")
        return value

    @field_validator("cpu_interval", mode="before")
    @classmethod
    def _duration(cls, v: Any) -> float:
        return seconds(v)

    def wants(self, gauge: str) -> bool:
        return not self.gauges or gauge in self.gauges

    def disk_mounts(self) -> list[str] | None:
        """Mounts to check: [] none, None every one the probe sees (narrowed by `mounts`)."""
        named = [g.split(":", 1)[1] for g in self.gauges if g.startswith("disk:")]
        if self.gauges and "disk" not in self.gauges:
            return named
        return sorted(set(named) | set(self.mounts)) if named or self.mounts else None


def _psutil_probe() -> Probe:
    from maintui.core.probes.psutil import PsutilProbe

    return PsutilProbe(process_interval=float("inf"))


def _measure_cpu(interval: float, cancelled: threading.Event) -> CpuReading:
    from maintui.core.actions._cpu import measure_cpu

    return measure_cpu(interval, cancelled)


@register
class ResourcesCheck(Action):
    name = "resources.check"
    summary = ("CPU (without maintui's own), memory, swap, load per core and disk per mount vs "
               "warning/critical; all or the gauges named")
    Params = ResourcesParams
    changes_nothing = True
    make_probe: ClassVar[Callable[[], Probe]] = staticmethod(_psutil_probe)  # tests pass a fake
    measure_cpu: ClassVar[Callable[[float, threading.Event], CpuReading]] = staticmethod(
        _measure_cpu)

    def _limits(self, ctx: ActionContext, gauge: str) -> tuple[float, float]:
        p: ResourcesParams = ctx.params
        base = gauge.split(":", 1)[0]
        spec = p.thresholds.get(gauge) or p.thresholds.get(base)
        if spec:
            return float(spec["warning"]), float(spec["critical"])
        if ctx.config is not None:
            t = ctx.config.threshold(gauge)
            return t.warning, t.critical
        d = DEFAULT_THRESHOLDS[base]
        return d["warning"], d["critical"]

    def _finding(self, ctx: ActionContext, gauge: str, value: float, text: str,
                 **details: object) -> Finding:
        warning, critical = self._limits(ctx, gauge)
        return Finding(level(value, warning, critical), text,
                       {"gauge": gauge, "value": round(value, 2), "warning": warning,
                        "critical": critical, **details})

    def run(self, ctx: ActionContext) -> ActionResult:
        p: ResourcesParams = ctx.params
        snap: Snapshot = self.make_probe().sample()
        one, five, fifteen = snap.load_per_core
        out: list[Finding] = []
        cpu = snap.cpu
        if p.wants("cpu"):
            cpu, finding = self._cpu(ctx, snap)
            out.append(finding)
        if p.wants("memory"):
            out.append(self._finding(ctx, "memory", snap.memory, f"memory {snap.memory:.0f}% used "
                                     f"({human(snap.memory_used)} of {human(snap.memory_total)})"))
        if p.wants("swap"):
            out.append(self._finding(ctx, "swap", snap.swap, f"swap {snap.swap:.0f}% used"))
        if p.wants("load"):
            out.append(self._finding(ctx, "load", one, f"load {one:.2f} per core (5 min "
                                     f"{five:.2f}, 15 min {fifteen:.2f})"))
        mounts = p.disk_mounts()
        disks = [d for d in snap.disks if mounts is None or d.mount in mounts]
        for d in disks:
            out.append(self._finding(ctx, f"disk:{d.mount}", d.percent,
                                     f"disk {d.mount} {d.percent:.0f}% used ({human(d.used)} of "
                                     f"{human(d.total)})", used=d.used, total=d.total))
        missing = sorted(set(mounts or ()) - {d.mount for d in snap.disks})
        out += [Finding("warning", f"mount {m} not found", {"mount": m}) for m in missing]
        if p.record_samples:
            measured = (("cpu", cpu), ("memory", snap.memory), ("load", one))
            for gauge, value in measured:
                if p.wants(gauge):
                    ctx.samples.add(gauge, value, snap.time)
            for d in disks:
                ctx.samples.add(f"disk:{d.mount}", d.used, snap.time)
        return verdict(out, p.fail_on)

    def _cpu(self, ctx: ActionContext, snap: Snapshot) -> tuple[float, Finding]:
        """CPU over `cpu_interval` without maintui's own processes (or the probe's figure)."""
        p: ResourcesParams = ctx.params
        cores = len(snap.cores)
        if p.cpu_interval <= 0:
            return snap.cpu, self._finding(ctx, "cpu", snap.cpu,
                                           f"CPU {snap.cpu:.0f}% over {cores} cores")
        r = self.measure_cpu(p.cpu_interval, ctx.cancelled)
        text = (f"CPU {r.percent:.0f}% over {r.cores} cores in {r.seconds:g}s "
                f"(maintui's own {r.own:.0f}% left out)")
        return r.percent, self._finding(ctx, "cpu", r.percent, text, with_maintui=r.total,
                                        maintui=r.own, seconds=r.seconds)
