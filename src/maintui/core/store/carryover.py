"""What a guided session carries over: the steps skipped in each screen's last finished run,
with their reasons, and the last verified restore recorded in the run log."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from maintui.core.states import RunState, StepState

if TYPE_CHECKING:  # the rows' classes load with the run log, after the console's first frame
    from maintui.core.store.rows import RunRow, StepRow

KV_VERIFIED_RESTORE = "backups.last_verified_restore"  # written by backups.restore_test
RESTORE_MAX_AGE = 8 * 86_400.0  # older than this, a verified restore no longer reassures


class SkipSource(Protocol):
    """The part of the run log (`maintui.core.store.db.RunLog`) these queries read."""

    async def last_runs(self) -> dict[str, RunRow]: ...

    async def runs(self, limit: int = 50, screen: str | None = None,
                   state: str | None = None) -> list[RunRow]: ...

    async def steps(self, run_id: int) -> list[StepRow]: ...


@dataclass(frozen=True)
class Skipped:
    """A step skipped in a screen's last finished run, and why."""

    step_id: str
    title: str
    reason: str


def _finished(run: RunRow) -> bool:
    return not RunState(run.state).live


async def last_finished(log: SkipSource, last: RunRow) -> RunRow | None:
    """`last` if it has ended, else the newest finished real run of every step of its screen
    before it (a partial run, `--only`, skipped nothing: it did not ask about the rest)."""
    if _finished(last):
        return last
    earlier = await log.runs(limit=10, screen=last.screen)
    return next((r for r in earlier if r.id < last.id and not r.dry_run and not r.partial
                 and _finished(r)), None)


async def skipped_last_time(log: SkipSource, *, last: dict[str, RunRow] | None = None,
                            cache: dict[int, tuple[Skipped, ...]] | None = None,
                            ) -> dict[str, tuple[Skipped, ...]]:
    """Screen → the steps skipped in its latest finished run (screens with none are left out).

    `last` saves a query when the caller already has `log.last_runs()`; `cache` (run id →
    skips) saves re-reading a finished run, whose steps never change.
    """
    last = await log.last_runs() if last is None else last
    cache = {} if cache is None else cache
    out: dict[str, tuple[Skipped, ...]] = {}
    for screen, newest in sorted(last.items()):
        run = await last_finished(log, newest)
        if run is None:
            continue
        if run.id not in cache:
            cache[run.id] = tuple(Skipped(s.step_id, s.title, s.reason)
                                  for s in await log.steps(run.id)
                                  if s.state in (StepState.SKIPPED, StepState.NOT_DONE))
        if cache[run.id]:
            out[screen] = cache[run.id]
    return out


@dataclass(frozen=True)
class VerifiedRestore:
    """The last restore test: when, of which backup, and whether it passed."""

    ts: float | None
    backup: str = ""
    ok: bool = False

    def fresh(self, now: float) -> bool:
        """Passed, and recently enough (within `RESTORE_MAX_AGE`) to rely on."""
        return self.ok and self.ts is not None and now - self.ts <= RESTORE_MAX_AGE


def verified_restore(value: Any) -> VerifiedRestore:
    """The run log's `backups.last_verified_restore` value (None or malformed: never)."""
    if not isinstance(value, dict) or not isinstance(value.get("ts"), int | float):
        return VerifiedRestore(None)
    return VerifiedRestore(float(value["ts"]), str(value.get("backup") or ""),
                           bool(value.get("ok")))
