"""Carried over into the next session: skipped steps with reasons, the last verified restore."""

from __future__ import annotations

import pytest

from maintui.core.store.carryover import (
    RESTORE_MAX_AGE,
    Skipped,
    skipped_last_time,
    verified_restore,
)
from maintui.core.store.rows import RunRow, StepRow

NOW = 1_750_000_000.0


def run(i: int, screen: str, state: str, dry: bool = False) -> RunRow:
    return RunRow(i, screen, screen.title(), state, NOW - 100 * i, NOW, "ops", "db1", dry)


def step(run_id: int, step_id: str, state: str, reason: str = "") -> StepRow:
    return StepRow(run_id, step_id, 0, step_id.replace("-", " ").title(), "shell", "low", state,
                   reason=reason)


class Log:
    """The run log's read side, from rows in memory; counts step reads."""

    def __init__(self, runs: list[RunRow], steps: list[StepRow]) -> None:
        self._runs, self._steps, self.step_reads = runs, steps, 0

    async def last_runs(self) -> dict[str, RunRow]:
        real = [r for r in sorted(self._runs, key=lambda r: r.id) if not r.dry_run]
        return {r.screen: r for r in real}

    async def runs(self, limit: int = 50, screen: str | None = None,
                   state: str | None = None) -> list[RunRow]:
        rows = [r for r in self._runs if screen is None or r.screen == screen]
        return sorted(rows, key=lambda r: -r.id)[:limit]

    async def steps(self, run_id: int) -> list[StepRow]:
        self.step_reads += 1
        return [s for s in self._steps if s.run_id == run_id]


@pytest.fixture
def log() -> Log:
    runs = [run(1, "monthly", "succeeded"), run(2, "daily", "succeeded"),
            run(3, "daily", "running")]
    steps = [step(1, "review-alerts", "skipped", "not needed this month"),
             step(1, "vacuum", "succeeded"),
             step(2, "rotate-logs", "skipped", "disk is fine"),
             step(3, "check-disk", "skipped", "in progress, must not show")]
    return Log(runs, steps)


async def test_each_screen_lists_what_its_last_finished_run_skipped_and_why(log):
    found = await skipped_last_time(log)
    assert found["monthly"] == (Skipped("review-alerts", "Review Alerts", "not needed this month"),)


async def test_a_run_still_going_is_passed_over_for_the_finished_one_before_it(log):
    assert [s.step_id for s in (await skipped_last_time(log))["daily"]] == ["rotate-logs"]


async def test_screens_whose_last_run_skipped_nothing_are_left_out():
    log = Log([run(1, "weekly", "succeeded")], [step(1, "backup", "succeeded")])
    assert await skipped_last_time(log) == {}


async def test_a_finished_run_is_read_once_with_a_cache(log):
    cache: dict = {}
    await skipped_last_time(log, cache=cache)
    reads = log.step_reads
    await skipped_last_time(log, cache=cache)
    assert log.step_reads == reads


def test_a_verified_restore_is_fresh_for_eight_days_and_only_when_it_passed():
    good = verified_restore({"ts": NOW - 3 * 86_400, "backup": "/b/app.db.gz", "ok": True})
    assert good.fresh(NOW) and good.backup == "/b/app.db.gz"
    assert not good.fresh(NOW - 3 * 86_400 + RESTORE_MAX_AGE + 1)
    assert not verified_restore({"ts": NOW, "backup": "x", "ok": False}).fresh(NOW)


@pytest.mark.parametrize("value", [None, {}, {"ts": "yesterday"}, "junk"])
def test_a_missing_or_malformed_record_means_never(value):
    restore = verified_restore(value)
    assert restore.ts is None and not restore.fresh(NOW)


async def test_a_checklist_item_not_done_carries_over_with_its_reason():
    log = Log([run(1, "monthly", "succeeded")],
              [step(1, "check-certs", "not_done", "the vault was down")])
    found = await skipped_last_time(log)
    assert found["monthly"] == (Skipped("check-certs", "Check Certs", "the vault was down"),)
