"""The triage screen's parts: the incident bar, failing checks, and log errors grouped by pattern."""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from maintui.core.incidents.model import Incident
from maintui.core.logs.levels import Level
from maintui.core.logs.tail import Line, LogFile
from maintui.core.probes.base import Snapshot
from maintui.core.site.config import SiteConfig
from maintui.core.states import RunRow, RunState, StepRow, StepState
from maintui.tui.format import clock_time, span
from maintui.tui.models.board import Board
from maintui.tui.widgets import DiskTable, RecentRuns, ResourceGauges
from maintui.tui.widgets.tables import StatusTable

BACKLOG = 2000   # lines read back from each log when the screen opens
KEPT = 1000      # error lines kept per log: the counts cover at most this many
MAX_POLLS = 4    # reads of a flooding log per refresh (1 MiB each): the screen stays current
_STAMP = re.compile(r"^\s*\[?(\d{4}-\d\d-\d\d[T ]\d\d:\d\d(?::\d\d)?)[\d.,:]*(?:Z|[+-]\d\d:?\d\d)?\]?\s*")
_SYSLOG = re.compile(r"^[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \S+ ")
_VARIABLE = re.compile(r"'[^']*'|\"[^\"]*\"|\b0x[0-9a-fA-F]+\b|\b[0-9a-f]{8,}\b|\d+")
_TB_HEAD = "Traceback (most recent call last):"
BAD_RUNS = ("failed", "interrupted", "rollback_failed", "aborted")
CHECK_LEVELS = {"critical": "critical", "failed": "critical", "timed_out": "critical",
                "rollback_failed": "critical", "warning": "warning"}


# -- log errors ------------------------------------------------------------------------------

@dataclass(frozen=True)
class ErrorGroup:
    """Error lines of one log that differ only in numbers, ids and quoted values."""

    log: str
    pattern: str
    count: int
    newest: str  # the line's own timestamp (`2024-06-01 12:00`), "" when it has none


def pattern_of(text: str) -> tuple[str, str]:
    """(timestamp, pattern) of an error line: `… GET /orders/374` → `… GET /orders/#`."""
    stamp = ""
    if found := _STAMP.match(text):
        stamp, text = found.group(1).replace("T", " ")[:16], text[found.end():]
    else:
        text = _SYSLOG.sub("", text)
    pattern = _VARIABLE.sub(lambda m: "…" if m.group()[0] in "'\"" else "#", text)
    return stamp, " ".join(pattern.split()).removeprefix("ERROR ")


def is_error(line: Line) -> bool:
    """An error line worth counting: a traceback counts once, by its closing exception line."""
    if line.level < Level.ERROR:
        return False
    return not (line.traceback and (line.text[:1].isspace() or line.text.startswith(_TB_HEAD)
                                    or not line.text.strip()))


class ErrorFeed:
    """The newest error lines of every watched log: read back once, then followed.

    Blocking (file reads): call `refresh` from a thread, and `close` when done.
    """

    def __init__(self, logs: dict[str, Path]) -> None:
        self._files = {name: LogFile(path, name) for name, path in logs.items()}
        self._lines: dict[str, deque[tuple[str, str]]] = {n: deque(maxlen=KEPT) for n in logs}
        self._opened: set[str] = set()

    def refresh(self) -> list[ErrorGroup]:
        for name, log in self._files.items():
            for line in self._new_lines(name, log):
                if is_error(line):
                    self._lines[name].append(pattern_of(line.text))
        return self.groups()

    def _new_lines(self, name: str, log: LogFile) -> list[Line]:
        if name not in self._opened:
            self._opened.add(name)
            return log.tail(BACKLOG)
        lines: list[Line] = []
        for _ in range(MAX_POLLS):
            update = log.poll()
            lines += update.lines
            if not update.more:
                break
        return lines

    def groups(self) -> list[ErrorGroup]:
        """Newest first (by the lines' own timestamps, then file order), with counts."""
        found: dict[tuple[str, str], list[Any]] = {}
        order = 0
        for name, lines in self._lines.items():
            for stamp, pattern in lines:
                order += 1
                entry = found.setdefault((name, pattern), [0, "", 0])
                entry[0] += 1
                entry[1], entry[2] = max(entry[1], stamp), order
        ranked = sorted(found.items(), key=lambda kv: (kv[1][1], kv[1][2]), reverse=True)
        return [ErrorGroup(log, pattern, n, stamp) for (log, pattern), (n, stamp, _) in ranked]

    def close(self) -> None:
        for log in self._files.values():
            log.close()


class ErrorTable(StatusTable):
    """Error lines grouped by pattern: how many, in which log, when last, what."""

    def __init__(self, logs: list[str], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.logs = logs

    def on_mount(self) -> None:
        width = max((len(n) for n in self.logs), default=3)
        self.add_fixed_columns(("Count", 5), ("Log", width), ("Last", 5), ("Error", 300))
        self.show_header = False  # the border says what the columns are
        self.border_title = "Newest errors · count, log, last seen, pattern"

    def show(self, groups: list[ErrorGroup]) -> None:
        self.show_rows([(f"{g.log}:{g.pattern}", (self.styled(f"{g.count:>5}", "critical"), g.log,
                                                   g.newest[11:16], g.pattern)) for g in groups])
        total = sum(g.count for g in groups)
        logs = len(self.logs)
        self.border_subtitle = (f"{total} in {len(groups)} patterns · {logs} logs" if groups
                                else f"no errors in {logs} logs")


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
