"""`resources.check`: CPU, memory, swap, load per core and disk per mount against thresholds."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from maintui.core.actions import register
from maintui.core.actions._util import CheckParams, human, level, verdict
from maintui.core.actions.base import Action, ActionContext, ActionResult, Finding
from maintui.core.probes.base import Probe, Snapshot
from maintui.core.site.config import DEFAULT_THRESHOLDS


class ResourcesParams(CheckParams):
    # per gauge overrides, e.g. {disk = {warning = 70, critical = 85}}; default: config
    thresholds: dict[str, dict[str, float]] = {}  # per gauge, over [thresholds]
    mounts: list[str] = []  # empty: every real mount the probe sees
    record_samples: bool = True  # feed capacity forecasts


def _psutil_probe() -> Probe:
    from maintui.core.probes.psutil import PsutilProbe

    return PsutilProbe(process_interval=float("inf"))


@register
class ResourcesCheck(Action):
    name = "resources.check"
    summary = "CPU, memory, swap, load per core and disk per mount vs warning/critical"
    Params = ResourcesParams
    changes_nothing = True
    make_probe: ClassVar[Callable[[], Probe]] = staticmethod(_psutil_probe)  # tests pass a fake

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
        out = [
            self._finding(ctx, "cpu", snap.cpu, f"CPU {snap.cpu:.0f}% over {len(snap.cores)} cores"),
            self._finding(ctx, "memory", snap.memory, f"memory {snap.memory:.0f}% used "
                          f"({human(snap.memory_used)} of {human(snap.memory_total)})"),
            self._finding(ctx, "swap", snap.swap, f"swap {snap.swap:.0f}% used"),
            self._finding(ctx, "load", one, f"load {one:.2f} per core (5 min {five:.2f}, "
                          f"15 min {fifteen:.2f})"),
        ]
        disks = [d for d in snap.disks if not p.mounts or d.mount in p.mounts]
        for d in disks:
            out.append(self._finding(ctx, f"disk:{d.mount}", d.percent,
                                     f"disk {d.mount} {d.percent:.0f}% used ({human(d.used)} of "
                                     f"{human(d.total)})", used=d.used, total=d.total))
        missing = sorted(set(p.mounts) - {d.mount for d in snap.disks})
        out += [Finding("warning", f"mount {m} not found", {"mount": m}) for m in missing]
        if p.record_samples:
            for gauge, value in (("cpu", snap.cpu), ("memory", snap.memory), ("load", one)):
                ctx.samples.add(gauge, value, snap.time)
            for d in disks:
                ctx.samples.add(f"disk:{d.mount}", d.used, snap.time)
        return verdict(out, p.fail_on)
