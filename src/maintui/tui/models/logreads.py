"""RunLogReads: what the board reads of the run log, read again only when the log changed."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from maintui.core.states import RunState

if TYPE_CHECKING:  # the rows' classes load with the run log, after the console's first frame
    from maintui.core.store.carryover import Skipped
    from maintui.core.store.rows import RunRow

LIVE = frozenset(s.value for s in RunState if s.live)
UNREAD = object()  # the version before the first read
LEASE_EVERY = 15.0  # s between looks at the lease of a run shown going (lease.STALE)


class RunLogReads:
    """The run log as the board last read it. Read again only when the log changed (`version`:
    a commit of another process, or a change of this console's own), not at every sample while
    a run shows "running": a run whose runner was killed stays so in the log for good. The lease
    of a run shown going is looked at when first seen and every `LEASE_EVERY` s after: a runner
    gone is in `gone`, and its row says so (the session and the CLI mark it interrupted)."""

    def __init__(self) -> None:
        self.version: Any = UNREAD
        self.last: dict[str, RunRow] = {}
        self.success: dict[str, RunRow] = {}
        self.runs: list[RunRow] = []
        self.restore: Any = None
        self.carried: dict[str, tuple[Skipped, ...]] = {}
        self.gone: frozenset[int] = frozenset()  # runs shown going whose runner is gone
        self._leases_at: float | None = None  # when the leases were last looked at

    async def refresh(self, store: Any, now: float,
                      skips: dict[int, tuple[Skipped, ...]] | None = None) -> None:
        """Read the run log if it changed since the last read (always, for a store that cannot
        tell: no `version`); then the leases of the runs shown going, when due."""
        from maintui.core.store.carryover import KV_VERIFIED_RESTORE, skipped_last_time

        version = await store.version() if hasattr(store, "version") else None
        if version is None or version != self.version:
            self.last, self.success, self.runs, self.restore = await asyncio.gather(
                store.last_runs(), store.last_success(), store.runs(limit=20),
                store.get_kv(KV_VERIFIED_RESTORE))
            self.carried = await skipped_last_time(store, last=self.last, cache=skips)
            self.version = version
        live = {r.id: r.screen for r in self.runs if r.state in LIVE}
        self.gone = self.gone & live.keys()  # a gone runner does not come back
        unsure = {rid: screen for rid, screen in live.items() if rid not in self.gone}
        due = self._leases_at is None or now - self._leases_at >= LEASE_EVERY
        if unsure and due and hasattr(store, "lease"):
            self._leases_at = now
            self.gone |= await self._gone(store, unsure)
        elif not unsure:
            self._leases_at = None  # the next run shown going is looked at when first seen

    async def _gone(self, store: Any, runs: dict[int, str]) -> frozenset[int]:
        from maintui.core.run.lease import holder_alive

        gone = set()
        for run_id, screen in runs.items():
            lease = await store.lease(screen)
            if lease is None or lease["run_id"] != run_id or not holder_alive(lease):
                gone.add(run_id)
        return frozenset(gone)
