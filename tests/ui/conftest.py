"""UI fixtures: a small site, a fake run log, and the app built with a fake probe and clock."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from maintui.core.clock import FakeClock
from maintui.core.probes.fake import FakeProbe, fake_snapshot
from maintui.core.site.config import load_config
from maintui.core.store.rows import RunRow, StepRow
from maintui.tui.app import MaintuiApp, make_app

HOUR, DAY = 3600.0, 86_400.0
STYLES = Path(__file__).resolve().parents[2] / "styles"

SCREENS = {
    "daily": 'title = "Daily health checks"\nschedule = "daily"\n',
    "weekly": 'title = "Weekly maintenance"\nschedule = "weekly"\n',
    "monthly": 'title = "Monthly maintenance"\nschedule = "monthly"\n',
    "triage": 'title = "Incident triage"\nkind = "triage"\n',
}


@dataclass
class FakeRunLog:
    """The read side of the run log the dashboard uses, from a list of runs (newest last)."""

    rows: list[RunRow] = field(default_factory=list)
    live: list[RunRow] = field(default_factory=list)
    closed: bool = False
    step_rows: dict[int, list[StepRow]] = field(default_factory=dict)
    kv: dict[str, Any] = field(default_factory=dict)

    async def runs(self, limit: int = 50, screen: str | None = None,
                   state: str | None = None) -> list[RunRow]:
        return list(reversed(self.rows))[:limit]

    async def last_runs(self) -> dict[str, RunRow]:  # a partial run is not the screen's run
        return {r.screen: r for r in self.rows if not r.partial}

    async def last_success(self) -> dict[str, RunRow]:
        return {r.screen: r for r in self.rows if r.state == "succeeded" and not r.partial}

    async def live_runs(self) -> list[RunRow]:
        return list(self.live)

    async def run(self, run_id: int) -> RunRow | None:
        return next((r for r in self.rows + self.live if r.id == run_id), None)

    async def steps(self, run_id: int) -> list[StepRow]:
        return list(self.step_rows.get(run_id, []))

    async def get_kv(self, key: str, default: Any = None) -> Any:
        return self.kv.get(key, default)


def sample_runs(now: float) -> list[RunRow]:
    """daily succeeded 2 h ago (ok); weekly last succeeded 9 days ago (due), then failed."""
    def run(i: int, screen: str, state: str, ago: float) -> RunRow:
        return RunRow(i, screen, screen.title(), state, now - ago, now - ago + 95, "ops", "db1")

    return [run(1, "weekly", "succeeded", 9 * DAY), run(2, "weekly", "failed", 2 * DAY),
            run(3, "daily", "succeeded", 2 * HOUR)]


@pytest.fixture(autouse=True)
def utc(monkeypatch):
    """Times on screen are local: pin the zone so snapshots match on every machine."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def ui_site(site):
    """The shared temporary site, with screens, a log and the real site stylesheet."""
    for name, text in SCREENS.items():
        site.screen(name, text)
    (site.root / "styles").symlink_to(STYLES)
    (site.root / "app.log").write_text("started\n")
    with site.config.open("a") as fh:
        fh.write('\n[logs]\napp = "app.log"\n')
    return site


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def run_log(clock) -> FakeRunLog:
    return FakeRunLog(sample_runs(clock.now()))


@pytest.fixture
def build(ui_site, clock, run_log):
    """`build(**changes)` → an app over the test site; `probe=` and `store=` may be replaced."""
    def factory(**kw) -> MaintuiApp:
        kw.setdefault("probe", FakeProbe([fake_snapshot()]))
        kw.setdefault("store", run_log)
        return make_app(load_config(ui_site.config), clock=clock, **kw)

    return factory


async def settle(app: MaintuiApp, polls: int = 1, pilot=None) -> None:
    """Stop the background poller and poll `polls` times by hand: deterministic history."""
    app.poller.stop()
    app.poller.history.clear()
    for _ in range(polls):
        await app.poller.poll_now()
    if pilot is not None:
        await pilot.pause()  # the screen draws what the signals brought…
        await pilot.pause()  # …and tables size their columns when idle
