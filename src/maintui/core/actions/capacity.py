"""`capacity.forecast`: growth per day from metric samples, projections, days until full."""

from __future__ import annotations

import shutil
import statistics
from pathlib import Path

from pydantic import field_validator

from maintui.core.actions import register
from maintui.core.actions._util import DAY, CheckParams, human, level_below, verdict
from maintui.core.actions.base import Action, ActionContext, ActionResult, Finding


class ForecastParams(CheckParams):
    metric: str  # "disk:/mount" (used bytes) or "file:/path" (file size)
    capacity_bytes: float | None = None  # default: the mount's size (file: size + free space)
    history_days: float = 90  # samples this many days back make the trend
    horizons: list[int] = [30, 60, 90]  # days ahead the forecast reports
    warning_days: float = 90  # full sooner than this is a warning
    critical_days: float = 30  # full sooner than this is critical
    min_span_days: float = 1  # a trend over minutes is noise: need samples this far apart

    @field_validator("metric")
    @classmethod
    def _kind(cls, v: str) -> str:
        if not v.startswith(("disk:", "file:")) or len(v) < 6:
            raise ValueError("metric must be disk:/MOUNT or file:/PATH")
        return v


def measure(metric: str) -> tuple[float, float] | None:
    """(value now, capacity) for a metric, or None when it cannot be read."""
    kind, _, target = metric.partition(":")
    path = Path(target)
    try:
        if kind == "disk":
            u = shutil.disk_usage(path)
            return float(u.used), float(u.total)
        size = path.stat().st_size
        return float(size), float(size + shutil.disk_usage(path.parent).free)
    except OSError:
        return None


@register
class CapacityForecast(Action):
    name = "capacity.forecast"
    summary = "Growth trend, 30/60/90-day projection and days until full from metric samples"
    Params = ForecastParams
    default_risk = "safe"

    def plan(self, ctx: ActionContext) -> list[str]:
        return [f"record one sample of {ctx.params.metric} in the run log; changes no files"]

    def run(self, ctx: ActionContext) -> ActionResult:
        p: ForecastParams = ctx.params
        now = ctx.clock()
        current = measure(p.metric)
        if current is not None:
            ctx.samples.add(p.metric, current[0], now)
        samples = ctx.samples.get(p.metric, since=now - p.history_days * DAY)
        if current is None and not samples:
            return verdict([Finding("warning", f"{p.metric}: cannot read it and no history",
                                    {"metric": p.metric})], p.fail_on)
        capacity = p.capacity_bytes or (current[1] if current else None)
        span = (samples[-1][0] - samples[0][0]) / DAY if samples else 0.0
        if len(samples) < 2 or span < p.min_span_days:
            return verdict([Finding("ok", f"{p.metric}: not enough history for a forecast yet "
                                    f"({len(samples)} samples over {span:.1f} days); every run "
                                    "adds one", {"samples": len(samples)})], p.fail_on)
        return verdict([self._forecast(p, samples, capacity, now)], p.fail_on)

    def _forecast(self, p: ForecastParams, samples: list[tuple[float, float]],
                  capacity: float | None, now: float) -> Finding:
        xs = [(ts - now) / DAY for ts, _ in samples]
        ys = [v for _, v in samples]
        slope, intercept = statistics.linear_regression(xs, ys)
        latest = ys[-1]
        projections = {f"{d}d": round(latest + slope * d) for d in p.horizons}
        details = {"metric": p.metric, "samples": len(samples), "per_day": round(slope, 1),
                   "latest": latest, "capacity": capacity, "projections": projections}
        trend = f"{human(abs(slope))}/day {'growth' if slope >= 0 else 'shrink'}"
        if capacity is None or slope <= 0:
            return Finding("ok", f"{p.metric}: {human(latest)} now, {trend}; not filling up", details)
        days = max(0.0, (capacity - latest) / slope)
        details["days_until_full"] = round(days, 1)
        far = ", ".join(f"{k} {human(v)}" for k, v in projections.items())
        return Finding(level_below(days, p.warning_days, p.critical_days),
                       f"{p.metric}: {human(latest)} of {human(capacity)}, {trend}; full in "
                       f"{in_words(days)} ({far})", details)


def in_words(days: float) -> str:
    """A time to full for people: "45 days", "about 18 years" (a file on a big disk)."""
    if days < 730:
        return f"{days:.0f} days"
    return f"about {days / 365:.0f} years" if days < 36500 else "more than 100 years"
