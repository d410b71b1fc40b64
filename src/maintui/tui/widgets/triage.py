"""The triage screen's parts: the incident bar, failing checks, and log errors grouped by pattern."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from maintui.core.incidents.model import Incident
from maintui.core.probes.base import Snapshot
from maintui.core.site.config import SiteConfig
from maintui.core.states import RunState, StepState
from maintui.core.store.rows import RunRow, StepRow
from maintui.core.units import clock_time, span
from maintui.tui.models.board import Board
from maintui.tui.models.errors import ErrorGroup
from maintui.tui.widgets import DiskTable, RecentRuns, ResourceGauges
from maintui.tui.widgets.rows import clip
from maintui.tui.widgets.tables import StatusTable

BAD_RUNS = ("failed", "interrupted", "rollback_failed", "aborted")
CHECK_LEVELS = {"critical": "critical", "failed": "critical", "timed_out": "critical",
                "rollback_failed": "critical", "warning": "warning"}


# -- log errors ------------------------------------------------------------------------------

class ErrorTable(StatusTable):
    """Error lines grouped by pattern: how many, in which log, when last, what."""

    def __init__(self, logs: list[str], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.logs = logs
        self.groups: list[ErrorGroup] = []
        self.unread: list[str] = []  # logs missing or unreadable at the last look
        self._log_width = max((len(n) for n in logs), default=3)

    def on_mount(self) -> None:
        self.add_fixed_columns(("Count", 5), ("Log", self._log_width), ("Last", 5),
                               ("Error", 300))
        self.show_header = False  # the border says what the columns are
        self.border_title = "Newest errors · count, log, last seen, pattern"

    def show(self, groups: list[ErrorGroup], unread: Sequence[str] = ()) -> None:
        self.groups, self.unread = groups, list(unread)
        # the pattern ends in `…` where the pane ends: the cut shows (the column itself is wide)
        room = self.scrollable_content_region.width - (5 + self._log_width + 5 + 3 * 2) - 2
        self.show_rows([(f"{g.log}:{g.pattern}", (self.styled(f"{g.count:>5}", "critical"), g.log,
                                                   g.newest[11:16], clip(g.pattern, room)
                                                   if room > 0 else g.pattern))
                        for g in groups])
        total = sum(g.count for g in groups)
        logs = len(self.logs)
        read = f"{logs - len(self.unread)} of {logs}" if self.unread else f"{logs}"
        said = (f"{total} in {len(groups)} patterns · {read} logs" if groups
                else f"no errors in {read} logs")
        # a log that is not there has no errors either: say so, it is not good news
        self.border_subtitle = said + (f" · not read: {', '.join(self.unread)}"
                                       if self.unread else "")

    def on_resize(self) -> None:
        if self.groups:
            self.show(self.groups, self.unread)


# -- checks ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class CheckResult:
    step_id: str
    status: str
    summary: str


def failing_checks(steps: list[StepRow], findings: list[dict[str, Any]]) -> list[CheckResult]:
    """Findings that are not ok, and failed check steps that recorded none."""
    out = [CheckResult(f["step_id"] or "", f["status"], f["summary"]) for f in findings
           if f["status"] != "ok"]
    reported = {c.step_id for c in out}
    for s in steps:
        if StepState(s.state).bad and s.step_id not in reported:
            out.append(CheckResult(s.step_id, s.state, s.reason or f"{s.title}: {s.state}"))
    return out


class CheckTable(StatusTable):
    """The checks of the triage screen file that did not pass."""

    def on_mount(self) -> None:
        self.add_fixed_columns(("Check", 14), ("Status", 8), ("Finding", 300))
        self.show_header = False
        self.border_title = "Failing checks"

    def show(self, failing: list[CheckResult], status: str) -> None:
        self.show_rows([(f"{i}", (c.step_id, self.styled(c.status, CHECK_LEVELS.get(c.status, "muted")),
                                  c.summary)) for i, c in enumerate(failing)])
        self.border_subtitle = status

    def show_run(self, run: RunRow, failing: list[CheckResult], now: float) -> None:
        """The failing checks of a check run, and the run's state in the subtitle."""
        if RunState(run.state).live:
            return self.show(failing, f"run {run.id} running…")
        verdict = f"{len(failing)} failing" if failing else "all passed"
        self.show(failing, f"run {run.id} {run.state} {clock_time(run.ended or run.started, now)}"
                           f" · {verdict} · R re-runs")


# -- resources ---------------------------------------------------------------------------------

class ResourcePane(Vertical):
    """Gauges and disks coloured by the site's thresholds, drawn from one sample."""

    def __init__(self, config: SiteConfig, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.config = config
        self._thresholds: dict[str, Any] = {}

    def compose(self) -> ComposeResult:
        # the few gauges an incident turns on, so the disks still fit at 80x24
        yield ResourceGauges(self.level, keys=("cpu", "memory", "load"))
        yield DiskTable(self.level)

    def level(self, gauge: str, value: float) -> str:
        if gauge not in self._thresholds:
            self._thresholds[gauge] = self.config.threshold(gauge)
        return self._thresholds[gauge].level(value)

    def show(self, snap: Snapshot, series: Callable[[str], tuple[float, ...]]) -> None:
        self.query_one(ResourceGauges).show(snap, series)
        self.query_one(DiskTable).show(snap.disks, series)


# -- runs and maintenance ---------------------------------------------------------------------

class FailedRuns(RecentRuns):
    """Recent runs that failed, were interrupted or aborted."""

    def show_board(self, board: Board, now: float) -> tuple[RunRow, ...]:
        bad = tuple(r for r in board.runs if r.state in BAD_RUNS)
        self.show(bad, now)
        self.border_title = "Failed or interrupted runs"
        return bad


def status_line(board: Board, failed: int) -> str:
    """Maintenance mode and failed runs, in one line for the small screen."""
    mode = "on" if board.maintenance and board.maintenance.get("on") else "off"
    runs = f"{failed} failed/interrupted of the last {len(board.runs)} runs (r: runs)" if failed \
        else "no failed runs lately"
    return f"maintenance mode {mode} · {runs}"


# -- the incident ----------------------------------------------------------------------------

class IncidentBar(Static):
    """The open incident, loud: id, severity, title, age; or how to open one."""

    DEFAULT_CSS = """
    IncidentBar { height: 1; padding: 0 1; background: $panel; color: $text-muted; }
    IncidentBar.-open { background: $warning 30%; color: $text; text-style: bold; }
    IncidentBar.-sev1, IncidentBar.-sev2 { background: $error 40%; }
    """

    def show(self, incident: Incident | None, now: float) -> None:
        for sev in ("sev1", "sev2", "sev3", "sev4"):
            self.set_class(incident is not None and incident.severity == sev, f"-{sev}")
        self.set_class(incident is not None, "-open")
        if incident is None:
            self.update("No open incident · o opens one (INC-YYYYMMDD-HHMMSS)")
            return
        self.update(Text.assemble(f"● {incident.id} ", (f" {incident.severity.upper()} ", "reverse"),
                                  f" {incident.title} · open {span(now - incident.opened)}"
                                  f" · by {incident.user}", no_wrap=True, overflow="ellipsis"))
