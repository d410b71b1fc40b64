"""The contract of a built-in action: parameters, plan, run, undo; findings it returns."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from pydantic import BaseModel, ConfigDict

from maintui.core.states import severity

if TYPE_CHECKING:
    from maintui.core.site.config import SiteConfig

STATUSES = ("ok", "warning", "critical")


class Params(BaseModel):
    """Base of every action's parameters: unknown parameters are errors."""

    model_config = ConfigDict(extra="forbid")


@dataclass(frozen=True)
class Finding:
    """One thing an action found: status ok|warning|critical, a one-line summary, details."""

    status: str
    summary: str
    details: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"status": self.status, "summary": self.summary, "details": self.details}


@dataclass
class ActionResult:
    """What `run` returns. ok=False fails the step; `undo` is stored and handed to `undo()`."""

    ok: bool = True
    findings: list[Finding] = field(default_factory=list)
    undo: dict[str, Any] | None = None
    message: str = ""


class KeyValue(Protocol):
    """Small shared facts in the run log (e.g. `backups.last_verified_restore`)."""

    def get(self, key: str, default: Any = None) -> Any: ...

    def set(self, key: str, value: Any) -> None: ...


class Samples(Protocol):
    """Metric samples in the run log, for trends and capacity forecasts."""

    def get(self, metric: str, since: float = 0.0) -> list[tuple[float, float]]: ...

    def add(self, metric: str, value: float, ts: float | None = None) -> None: ...


class MemoryKV:
    """In-memory KeyValue for tests and dry runs."""

    def __init__(self) -> None:
        self.data: dict[str, Any] = {}

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    def set(self, key: str, value: Any) -> None:
        self.data[key] = value


class MemorySamples:
    """In-memory Samples for tests."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, float, float]] = []

    def get(self, metric: str, since: float = 0.0) -> list[tuple[float, float]]:
        return sorted((ts, v) for m, ts, v in self.rows if m == metric and ts >= since)

    def add(self, metric: str, value: float, ts: float | None = None) -> None:
        self.rows.append((metric, time.time() if ts is None else ts, float(value)))


@dataclass
class ActionContext:
    """Everything an action may use. Actions run in a worker thread: `log` is thread-safe."""

    params: Any
    config: SiteConfig | None
    scratch_dir: Path
    run_id: int = 0
    run_started: float = 0.0  # when the run began (its report is named by it); 0: no run
    step_id: str = ""
    log: Callable[[str], None] = print
    kv: KeyValue = field(default_factory=MemoryKV)
    samples: Samples = field(default_factory=MemorySamples)
    cancelled: threading.Event = field(default_factory=threading.Event)
    render_report: Callable[[], str] | None = None
    clock: Callable[[], float] = time.time
    # the environment of commands an action starts: maintui's own, then config.toml's [env],
    # then the step's `env` and the run's MAINTUI_* (as a shell step gets); None: maintui's own
    env: dict[str, str] | None = None
    # a rollout's gate before each batch after the first: (batch, batches, its hosts) -> go on
    admit_batch: Callable[[int, int, list[str]], bool] | None = None


class Action:
    """Base class. Subclasses set `name`, `summary`, `Params` and implement plan/run (undo)."""

    name: ClassVar[str] = ""
    summary: ClassVar[str] = ""
    Params: ClassVar[type[Params]] = Params
    default_risk: ClassVar[str] = "safe"
    # which params name files/folders the plan touches (dry-run checks them)
    changes_nothing: ClassVar[bool] = False

    def plan(self, ctx: ActionContext) -> list[str]:
        """Human-readable lines of what `run` would change; must touch nothing."""
        return ["changes nothing (read-only check)"] if self.changes_nothing else []

    def run(self, ctx: ActionContext) -> ActionResult:
        raise NotImplementedError

    @classmethod
    def has_undo(cls) -> bool:
        return cls.undo is not Action.undo

    def undo(self, ctx: ActionContext, data: dict[str, Any]) -> ActionResult | None:
        """Put back what `run` changed; raise ActionError when that is impossible.

        The result's message and findings say what was restored and what was kept (backups,
        copies set aside): an undo deletes no copy a step made for safety.
        """
        raise NotImplementedError(f"{self.name} cannot be undone")


def kept(summary: str, paths: list[Path], status: str = "ok", key: str = "kept") -> Finding:
    """A finding that lists files an undo left in place on purpose (safety nets, set-asides)."""
    return Finding(status, summary, {key: [str(p) for p in paths]})


def worst(findings: list[Finding]) -> str:
    """The most severe status among findings ('ok' when none)."""
    return max((f.status for f in findings), key=severity, default="ok")
