"""What the home dashboard shows besides resources: screens and their due state, runs, maintenance.

Plain Python (no Textual): gathered by the poller, rendered by the widgets.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from maintui.core.site.config import SiteConfig
from maintui.core.site.maintenance import read_maintenance as read_maintenance_file
from maintui.core.site.schedule import DueStatus, due_status
from maintui.core.store.carryover import Skipped, VerifiedRestore, verified_restore
from maintui.tui.models.logreads import RunLogReads

if TYPE_CHECKING:  # the rows' classes load with the run log, after the console's first frame
    from maintui.core.site.listing import ScreenEntry
    from maintui.core.store.rows import RunRow, StepRow


class RunSource(Protocol):
    """The part of the run log (`maintui.core.store.db.RunLog`) the dashboard reads."""

    async def runs(self, limit: int = 50, screen: str | None = None,
                   state: str | None = None) -> list[RunRow]: ...

    async def last_runs(self) -> dict[str, RunRow]: ...

    async def last_success(self) -> dict[str, RunRow]: ...

    async def steps(self, run_id: int) -> list[StepRow]: ...

    async def get_kv(self, key: str, default: Any = None) -> Any: ...


@dataclass(frozen=True)
class ScreenStatus:
    """One of the site's screens, with its latest run and whether it is due."""

    name: str
    title: str
    kind: str
    schedule: str | None
    last: RunRow | None
    due: DueStatus


@dataclass(frozen=True)
class Board:
    screens: tuple[ScreenStatus, ...] = ()
    runs: tuple[RunRow, ...] = ()
    maintenance: dict[str, Any] | None = None
    problems: tuple[str, ...] = ()  # broken screen files, an unreadable run log
    carried: dict[str, tuple[Skipped, ...]] = field(default_factory=dict)  # skipped last time
    restore: VerifiedRestore = VerifiedRestore(None)  # the last verified restore
    gone: frozenset[int] = frozenset()  # runs the log says are going, whose runner is gone


@dataclass
class ScreenCatalog:
    """The site's screen files, re-read only when the folder's files or mtimes change."""

    config: SiteConfig
    screens: list[ScreenEntry] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    _signature: tuple = ()

    def refresh(self) -> None:
        """Blocking (file reads, a child process or pydantic): call from a thread."""
        from maintui.core.errors import ConfigError
        from maintui.core.site.listing import screen_files  # after the first frame
        from maintui.core.site.screencheck import check

        try:
            paths = screen_files(self.config)
        except ConfigError as exc:
            self.screens, self.problems, self._signature = [], [str(exc)], ()
            return
        signature = tuple((p.name, _mtime(p)) for p in paths)
        if signature == self._signature:
            return
        checked = check(self.config, paths)  # one broken file does not hide the others
        self.screens, self.problems = list(checked.screens), list(checked.problems)
        self._signature = signature


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def read_maintenance(state_dir: Path) -> dict[str, Any] | None:
    """Maintenance mode state ({"on": False} when never set: the reader never raises)."""
    return dict(read_maintenance_file(state_dir))


async def build_board(catalog: ScreenCatalog, store: RunSource | None, now: float,
                      maintenance: dict[str, Any] | None, problems: list[str],
                      skips: dict[int, tuple[Skipped, ...]] | None = None,
                      reads: RunLogReads | None = None) -> Board:
    """Join the screens with the run log: last run, due state, recent runs, what was skipped
    last time (`skips` caches finished runs' skips by run id), the last verified restore.
    `reads` (kept by the caller from one board to the next) reads the log only when it changed."""
    log = reads or RunLogReads()
    if store is not None:
        await log.refresh(store, now, skips)
    last, success, runs, carried, restore, gone = (
        (log.last, log.success, log.runs, log.carried, log.restore, log.gone) if store is not None
        else ({}, {}, [], {}, None, frozenset()))
    statuses = []
    for screen in catalog.screens:
        ok = success.get(screen.name)
        due = due_status(screen.schedule, ok.ended or ok.started if ok else None, now)
        statuses.append(ScreenStatus(screen.name, screen.title, screen.kind, screen.schedule,
                                     last.get(screen.name), due))
    return Board(tuple(statuses), tuple(runs), maintenance, tuple(catalog.problems + problems),
                 carried, verified_restore(restore), gone)
