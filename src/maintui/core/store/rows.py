"""The run log's rows as frozen dataclasses: runs, steps, output lines, events, decisions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class RunRow:
    id: int
    screen: str
    title: str
    state: str
    started: float
    ended: float | None
    user: str
    host: str
    dry_run: bool = False
    pid: int | None = None
    message: str = ""
    incident: str | None = None
    selection: tuple[str, ...] = ()  # the steps it was limited to (ids, `tag:NAME`); () = all

    @property
    def partial(self) -> bool:
        """A run of some of the screen's steps only: not the screen's run (last run, due)."""
        return bool(self.selection)

    @property
    def scope(self) -> str:
        """What a partial run ran, as every listing says it: `maintenance-on only` (a step),
        `check steps only` (`tag:check`); "" for a whole run. The one wording: Home, Runs,
        the run's page, the CLI and the report show it after the screen (`triage · …`)."""
        if not self.selection:
            return ""
        named = [f"{s[4:]} steps" if s.startswith("tag:") else s for s in self.selection]
        return f"{', '.join(named)} only"


@dataclass(frozen=True)
class StepRow:
    run_id: int
    step_id: str
    position: int
    title: str
    kind: str
    risk: str
    state: str
    attempt: int = 0
    exit_code: int | None = None
    started: float | None = None
    ended: float | None = None
    command: str = ""
    plan: list[str] = field(default_factory=list)
    reason: str = ""
    undo: dict[str, Any] | None = None

    @property
    def duration(self) -> float | None:
        if self.started is None:
            return None
        return (self.ended or self.started) - self.started if self.ended else None


@dataclass(frozen=True)
class OutputLine:
    id: int
    step_id: str
    stream: str
    ts: float
    line: str


@dataclass(frozen=True)
class Event:
    """Something that happened in a run, for attached consoles: state changes, gates, findings."""

    id: int
    run_id: int
    ts: float
    kind: str
    step_id: str | None
    data: dict[str, Any]


@dataclass(frozen=True)
class Decision:
    id: int
    run_id: int
    step_id: str | None
    kind: str
    reason: str
    user: str
    client: str
    ts: float
