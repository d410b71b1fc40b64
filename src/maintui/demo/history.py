"""A month of metric samples in a new demo sandbox's run log, so its capacity forecasts
have a trend to work on from the first run instead of "not enough history"."""

from __future__ import annotations

import asyncio
import random

from maintui.core.actions.capacity import measure
from maintui.core.site.config import SiteConfig
from maintui.core.store.db import RunLog
from maintui.demo.data import DAY

KEY = "demo.seeded_samples"  # which metrics and times were seeded: a rebuild replaces them
DAYS = 30
EVERY = 6 * 3600.0  # four samples a day, as a six-hourly cron of the checks would record
# Growth over the month as a share of today's value. The demo database grows briskly; the
# disk, which is the machine's real one, only slowly: a demo must not cry "disk full".
GROWTH = {"file": 0.30, "disk": 0.05}


def forecast_metrics(config: SiteConfig) -> list[str]:
    """The metrics the bundled screens forecast (capacity.forecast `metric`), for this site."""
    return ["disk:/", f"file:{config.lookup('app.db')}"]


def series(value: float, growth: float, now: float, rng: random.Random) -> list[tuple[float, float]]:
    """(ts, value) every EVERY seconds over DAYS days up to `now`: a straight climb to `value`
    (`growth` of it over the month) with noise of about a day's growth, never negative."""
    per_day = value * growth / DAYS
    count = int(DAYS * DAY / EVERY)
    out = []
    for i in range(count, 0, -1):
        ts = now - i * EVERY
        trend = value - per_day * (now - ts) / DAY
        out.append((ts, float(max(0, round(trend + rng.gauss(0, per_day))))))
    return out


def seed_samples(config: SiteConfig, now: float) -> int:
    """Write DAYS days of samples before `now` into the site's run log; return how many.

    Each series ends at what the metric measures now, so the first real sample continues
    it. Samples a previous build seeded are removed first (runs record theirs after a build,
    so none of theirs fall in that span). Call it outside any running event loop.
    """
    rng = random.Random(f"{now}")  # same `now`, same noise: tests compare two builds
    rows = []
    for metric in forecast_metrics(config):
        current = measure(metric)
        if current is not None:
            rows += [(ts, metric, v) for ts, v in
                     series(current[0], GROWTH[metric.partition(":")[0]], now, rng)]
    if rows:
        asyncio.run(_store(config, rows))
    return len(rows)


async def _store(config: SiteConfig, rows: list[tuple[float, str, float]]) -> None:
    log = await RunLog.open(config.store_path)
    try:
        old = await log.get_kv(KEY)
        if old:
            await log.delete_samples(old["metrics"], old["since"], old["until"])
        # recorded before the rows go in: an interrupted build is cleaned up by the next one
        await log.set_kv(KEY, {"metrics": sorted({r[1] for r in rows}),
                               "since": min(r[0] for r in rows), "until": max(r[0] for r in rows)})
        await log.add_samples(rows)
    finally:
        await log.close()
