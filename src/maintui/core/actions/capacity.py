"""`capacity.forecast`: growth per day, projections and days until full, from the run log's
metric samples (disk, file size, or any metric a check records) or from the timestamps of a
SQLite table's rows (rows per day, days until a row limit)."""

from __future__ import annotations

import shutil
import sqlite3
import statistics
from pathlib import Path

from pydantic import model_validator

from maintui.core.actions import register
from maintui.core.actions._sqlite import epoch_sql, explain, opened, time_format
from maintui.core.actions._util import (
    DAY,
    CheckParams,
    human,
    ident_validator,
    level_below,
    qi,
    verdict,
)
from maintui.core.actions.base import Action, ActionContext, ActionResult, Finding

BYTE_METRICS = ("disk:", "file:")  # measured now and shown as sizes


class ForecastParams(CheckParams):
    metric: str | None = None  # "disk:/mount", "file:/path", or a metric sampled in the run log ("cpu", "memory", "load")
    database: Path | None = None  # or: a SQLite database whose table's rows are counted per day
    table: str | None = None  # with database: the table whose rows grow
    time_column: str | None = None  # with database: when each row was written (ISO text or epoch seconds/ms)
    limit: float | None = None  # what counts as full: rows for a table, else in the metric's unit (100 for a %)
    capacity_bytes: float | None = None  # for disk:/file: metrics; default: the mount's size (file: size + free space)
    history_days: float = 90  # samples (or rows) this many days back make the trend
    horizons: list[int] = [30, 60, 90]  # days ahead the forecast reports
    warning_days: float = 90  # full sooner than this is a warning
    critical_days: float = 30  # full sooner than this is critical
    min_span_days: float = 1  # a trend over minutes is noise: need samples this far apart

    _names = ident_validator("table", "time_column")

    @model_validator(mode="after")
    def _one_source(self) -> ForecastParams:
        table = (self.database, self.table, self.time_column)
        if self.metric is not None and any(v is not None for v in table):
            raise ValueError("give metric, or database + table + time_column, not both")
        if self.metric is None and any(v is None for v in table):
            raise ValueError("give metric (e.g. \"disk:/\"), or database, table and time_column "
                             "together (rows per day)")
        if self.metric is not None and (not self.metric.strip() or self.metric in BYTE_METRICS):
            raise ValueError("metric must be disk:/MOUNT, file:/PATH or a sampled metric name")
        return self

    @property
    def label(self) -> str:
        return self.metric or f"{self.table} rows"


def measure(metric: str) -> tuple[float, float] | None:
    """(value now, capacity) for a disk:/file: metric, or None when it cannot be read (or is
    another kind: those exist only as samples in the run log)."""
    kind, _, target = metric.partition(":")
    path = Path(target)
    try:
        if kind == "disk":
            u = shutil.disk_usage(path)
            return float(u.used), float(u.total)
        if kind == "file":
            size = path.stat().st_size
            return float(size), float(size + shutil.disk_usage(path.parent).free)
    except OSError:
        return None
    return None


def daily_totals(p: ForecastParams, now: float) -> tuple[int, list[tuple[float, float]]]:
    """(rows now, [(end of day, rows written up to then)]) for each day of the history that
    has rows: the table's size as it grew, read from its rows' timestamps."""
    assert p.database is not None and p.table and p.time_column
    t, col = qi(p.table), qi(p.time_column)
    since = now - p.history_days * DAY
    with opened(p.database, readonly=True) as con:
        try:
            total = con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            ts = epoch_sql(col, time_format(con, p.table, p.time_column))
            rows = con.execute(f"SELECT CAST(({ts} - ?) / ? AS INTEGER) AS day, count(*) "
                               f"FROM {t} WHERE {ts} > ? GROUP BY day ORDER BY day",
                               (since, DAY, since)).fetchall()
        except sqlite3.Error as exc:
            raise explain(p.database, exc) from None
    before = total - sum(n for _, n in rows)  # older than the history, or without a time
    series, running = [], before
    for day, n in rows:
        running += n
        series.append((min(now, since + (day + 1) * DAY), float(running)))
    return total, series


@register
class CapacityForecast(Action):
    name = "capacity.forecast"
    summary = ("Growth trend, 30/60/90-day projection and days until full, from metric samples "
               "or a SQLite table's row timestamps")
    Params = ForecastParams
    default_risk = "safe"

    def plan(self, ctx: ActionContext) -> list[str]:
        p: ForecastParams = ctx.params
        if p.metric is None:
            return [f"count the rows of {p.table} in {p.database} per day (read-only); "
                    "changes nothing"]
        if p.metric.startswith(BYTE_METRICS):
            return [f"record one sample of {p.metric} in the run log; changes no files"]
        return [f"read the run log's samples of {p.metric}; changes nothing"]

    def run(self, ctx: ActionContext) -> ActionResult:
        p: ForecastParams = ctx.params
        now = ctx.clock()
        if p.metric is None:
            total, samples = daily_totals(p, now)
            if samples and samples[-1][1] != total:  # rows without a time, or dated ahead
                samples.append((now, float(total)))
            return self._judge(p, samples, p.limit, now, bytes_=False, latest=float(total))
        current = measure(p.metric)
        if current is not None:
            ctx.samples.add(p.metric, current[0], now)
        samples = ctx.samples.get(p.metric, since=now - p.history_days * DAY)
        if current is None and not samples:
            return verdict([Finding("warning", f"{p.metric}: cannot read it and no samples in "
                                    "the run log (a check that records it: resources.check)",
                                    {"metric": p.metric})], p.fail_on)
        capacity = p.capacity_bytes or p.limit or (current[1] if current else None)
        return self._judge(p, samples, capacity, now, bytes_=p.metric.startswith(BYTE_METRICS))

    def _judge(self, p: ForecastParams, samples: list[tuple[float, float]],
               capacity: float | None, now: float, *, bytes_: bool,
               latest: float | None = None) -> ActionResult:
        span = (samples[-1][0] - samples[0][0]) / DAY if samples else 0.0
        if len(samples) < 2 or span < p.min_span_days:
            where = "every run adds one" if p.metric else "rows from more days are needed"
            return verdict([Finding("ok", f"{p.label}: not enough history for a forecast yet "
                                    f"({len(samples)} samples over {span:.1f} days); {where}",
                                    {"samples": len(samples)})], p.fail_on)
        return verdict([self._forecast(p, samples, capacity, now, bytes_, latest)], p.fail_on)

    def _forecast(self, p: ForecastParams, samples: list[tuple[float, float]],
                  capacity: float | None, now: float, bytes_: bool,
                  latest: float | None) -> Finding:
        xs = [(ts - now) / DAY for ts, _ in samples]
        ys = [v for _, v in samples]
        slope, _ = statistics.linear_regression(xs, ys)
        latest = ys[-1] if latest is None else latest
        unit = " rows" if p.metric is None else ""
        show = human if bytes_ else (lambda v: (f"{v:,.0f}" if abs(v) >= 100 else f"{v:.2f}")
                                     + unit)
        projections = {f"{d}d": round(latest + slope * d) for d in p.horizons}
        details = {"metric": p.label, "samples": len(samples), "per_day": round(slope, 1),
                   "latest": latest, "capacity": capacity, "projections": projections}
        if p.metric is None:
            details |= {"database": str(p.database), "table": p.table, "rows_per_day": round(slope, 1)}
        trend = f"{show(abs(slope))}/day {'growth' if slope >= 0 else 'shrink'}"
        if capacity is None or slope <= 0:
            return Finding("ok", f"{p.label}: {show(latest)} now, {trend}"
                           + ("; no limit given" if capacity is None and slope > 0
                              else "; not filling up"), details)
        days = max(0.0, (capacity - latest) / slope)
        details["days_until_full"] = round(days, 1)
        far = ", ".join(f"{k} {show(v)}" for k, v in projections.items())
        return Finding(level_below(days, p.warning_days, p.critical_days),
                       f"{p.label}: {show(latest)} of {show(capacity)}, {trend}; full in "
                       f"{in_words(days)} ({far})", details)


def in_words(days: float) -> str:
    """A time to full for people: "45 days", "about 18 years" (a file on a big disk)."""
    if days < 730:
        return f"{days:.0f} days"
    return f"about {days / 365:.0f} years" if days < 36500 else "more than 100 years"
