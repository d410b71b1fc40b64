"""The triage screen's parts: the incident bar, failing checks, and log errors grouped by pattern."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static
from textual.widgets.data_table import ColumnKey

from maintui.core.incidents.model import Incident
from maintui.core.probes.base import Snapshot
from maintui.core.site.config import SiteConfig
from maintui.core.states import RunState, StepState, label
from maintui.core.store.rows import RunRow, StepRow
from maintui.core.units import clock_time, span
from maintui.tui.models.board import Board
from maintui.tui.models.errors import ErrorGroup
from maintui.tui.widgets import DiskTable, RecentRuns, ResourceGauges
from maintui.tui.widgets.spans import clip
from maintui.tui.widgets.tables import StatusTable

BAD_RUNS = ("failed", "interrupted", "rollback_failed", "aborted")
CHECKS = "tag:check"  # the `--only` of a check run (R): the triage screen's checks


def screen_runs(board: Board) -> tuple[RunRow, ...]:
    """The board's runs without the check runs: those are checks, shown as failing checks
    (one `R` counted as a failed run: `2 failed/interrupted of the last 3 runs`)."""
    return tuple(r for r in board.runs if CHECKS not in r.selection)
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
                                                   last_seen(g.newest), clip(g.pattern, room)
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


def last_seen(newest: str, today: str | None = None) -> str:
    """The Last column (5 cells): `16:38` today, the date `12-04` on another day (a time
    with no date read as today's; the incident's timeline has the full time)."""
    today = today or time.strftime("%Y-%m-%d")
    return newest[11:16] if newest[:10] == today else newest[5:10]


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
    """The checks of the triage screen file that did not pass, from one check run: the border
    says which run and when, so an old result is not read as the state now."""

    CHECK_WIDTH = 14  # at 80 columns; up to MAX_CHECK when a longer check id and room allow
    MAX_CHECK = 20

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._failing: list[CheckResult] = []

    def on_mount(self) -> None:
        self.add_fixed_columns(("Check", self.CHECK_WIDTH), ("Status", 8), ("Finding", 300))
        self.show_header = False
        self.border_title = "Failing checks"

    def show(self, failing: list[CheckResult], status: str) -> None:
        self._failing = failing
        width = max((len(c.step_id) for c in failing), default=0)
        check = max(self.CHECK_WIDTH, min(width, self.MAX_CHECK))
        column = self.columns.get(ColumnKey("Check"))
        if column is not None and column.width != check:
            column.width = check
            self._rows = ()  # redraw every row at the new width
        # names and findings cut where the pane ends say so with `…`
        room = self.scrollable_content_region.width - (check + 8 + 3 * 2) - 1
        self.show_rows([(f"{i}", (clip(c.step_id, check),
                                  self.styled(label(c.status), CHECK_LEVELS.get(c.status, "muted")),
                                  clip(c.summary, room) if room > 0 else c.summary))
                        for i, c in enumerate(failing)])
        self.border_subtitle = status

    def on_resize(self) -> None:
        if self._failing:
            self.show(self._failing, str(self.border_subtitle))

    def show_run(self, run: RunRow, failing: list[CheckResult], now: float) -> None:
        """The failing checks of a check run; the subtitle says they are that run's, and when."""
        if RunState(run.state).live:
            return self.show(failing, f"run {run.id} running…")
        verdict = f"{len(failing)} failing" if failing else "all passed"
        ended = run.ended or run.started
        self.show(failing, f"as of run {run.id} ({label(run.state)}) at "
                           f"{clock_time(ended, now)}, {span(max(0.0, now - ended))} ago"
                           f" · {verdict} · R re-runs")


def superseded(failing: list[CheckResult], maintenance_checks: set[str],
               maintenance: dict[str, Any] | None, ended: float, now: float) -> list[CheckResult]:
    """A maintenance-mode check's result, when the mode changed after the check run ended, is
    replaced by the mode now: the header says `maintenance mode off`, the checks must agree."""
    changed = (maintenance or {}).get("changed")
    if not maintenance_checks or not isinstance(changed, (int, float)) or changed <= ended:
        return failing
    mode = "on" if (maintenance or {}).get("on") else "off"
    now_text = f"now {mode}: changed at {clock_time(changed, now)}, after this run"
    out = []
    for c in failing:
        if c.step_id not in maintenance_checks:
            out.append(c)
        elif mode == "on":  # still a warning, with the current state's time
            out.append(CheckResult(c.step_id, "warning", now_text))
        else:
            out.append(CheckResult(c.step_id, "stale", now_text))
    return out


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
        bad = tuple(r for r in screen_runs(board) if r.state in BAD_RUNS)
        self.show(bad, now)
        self.border_title = "Failed or interrupted runs"
        return bad


def status_line(board: Board, failed: int) -> str:
    """Maintenance mode and failed runs, in one line for the small screen."""
    mode = "on" if board.maintenance and board.maintenance.get("on") else "off"
    last = len(screen_runs(board))
    runs = f"{failed} failed/interrupted of the last {last} runs (r: runs)" if failed \
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
