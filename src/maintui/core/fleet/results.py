"""Per-host results of a play, built from ansible-runner's event stream as it comes."""

from __future__ import annotations

import difflib
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any


class HostState(StrEnum):
    """Where one host stands in a play; `RUNNING` until its last task reported."""

    RUNNING = "running"
    OK = "ok"
    CHANGED = "changed"
    FAILED = "failed"
    UNREACHABLE = "unreachable"
    SKIPPED = "skipped"

    @property
    def bad(self) -> bool:
        return self in (HostState.FAILED, HostState.UNREACHABLE)


# a host's state is its worst task outcome: one failed task fails the host
_RANK = {HostState.RUNNING: 0, HostState.SKIPPED: 1, HostState.OK: 2, HostState.CHANGED: 3,
         HostState.FAILED: 4, HostState.UNREACHABLE: 5}
_OUTCOMES = {"runner_on_ok": HostState.OK, "runner_on_failed": HostState.FAILED,
             "runner_on_unreachable": HostState.UNREACHABLE,
             "runner_on_skipped": HostState.SKIPPED}


def worse(a: HostState, b: HostState) -> HostState:
    """The worse of two states: a host's state is its worst task outcome so far."""
    return a if _RANK[a] >= _RANK[b] else b


@dataclass
class HostResult:
    """One host's outcome in one play: state, whether anything changed, output, timing."""

    host: str
    state: HostState = HostState.RUNNING
    changed: bool = False
    started: float = field(default_factory=time.time)
    ended: float | None = None
    tasks: int = 0
    message: str = ""
    lines: list[str] = field(default_factory=list)

    @property
    def duration(self) -> float:
        return (self.ended or time.time()) - self.started


@dataclass(frozen=True)
class HostEvent:
    """One task outcome on one host, as the sink records it (lines already masked by it)."""

    host: str
    event: str
    task: str
    state: HostState
    changed: bool
    lines: list[str]
    ts: float


def result_lines(res: dict[str, Any]) -> list[str]:
    """What a task printed: stdout, stderr, then its message (the shell module's and others')."""
    out = [str(x) for x in res.get("stdout_lines") or []]
    out += [str(x) for x in res.get("stderr_lines") or []]
    if res.get("msg") and not out:
        out.append(str(res["msg"]))
    diffs = res.get("diff")
    for diff in diffs if isinstance(diffs, list) else [diffs] if isinstance(diffs, dict) else []:
        out += diff_lines(diff)
    return out


def diff_lines(diff: dict[str, Any]) -> list[str]:
    """A module's `--diff` (before/after texts) as unified diff lines; [] when it has none."""
    before, after = diff.get("before"), diff.get("after")
    if not isinstance(before, str) or not isinstance(after, str) or before == after:
        return [str(diff["prepared"])] if diff.get("prepared") else []
    return [line.rstrip("\n") for line in difflib.unified_diff(
        before.splitlines(True), after.splitlines(True),
        str(diff.get("before_header", "before")), str(diff.get("after_header", "after")))]


def _created(event: dict[str, Any], default: float) -> float:
    """When Ansible emitted the event (its callback's clock), so latency can be measured."""
    try:
        stamp = datetime.fromisoformat(str(event["created"]))
    except (KeyError, ValueError):
        return default
    return (stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)).timestamp()


class HostTally:
    """Folds ansible-runner events into HostResults; `feed` returns the host event, if any."""

    def __init__(self) -> None:
        self.hosts: dict[str, HostResult] = {}

    def feed(self, event: dict[str, Any]) -> HostEvent | None:
        data = event.get("event_data") or {}
        host = data.get("host")
        kind = event.get("event", "")
        if not host:
            return None
        result = self.hosts.setdefault(host, HostResult(host))
        if kind == "runner_on_start" or kind not in _OUTCOMES:
            return None
        state = _OUTCOMES[kind]
        res = data.get("res") or {}
        if kind == "runner_on_failed" and data.get("ignore_errors"):
            state = HostState.OK
        changed = bool(res.get("changed")) and state is HostState.OK
        if changed:
            state = HostState.CHANGED
        lines = result_lines(res)
        result.tasks += 1
        result.changed |= changed
        result.lines += lines
        result.ended = time.time()
        if _RANK[state] > _RANK[result.state]:
            result.state = state
            if state.bad:
                result.message = str(res.get("msg", ""))[:500]
        return HostEvent(host, kind, str(data.get("task", "")), state, changed, lines,
                         _created(event, result.ended))

    def finish(self) -> dict[str, HostResult]:
        """Close the play: a host still `running` (a play cut short) counts as failed."""
        for result in self.hosts.values():
            if result.state is HostState.RUNNING:
                result.state, result.message = HostState.FAILED, "the play stopped before it ended"
            if result.ended is None:
                result.ended = time.time()
        return self.hosts


def summary(label: str, states: Iterable[str]) -> str:
    """`web: 7 ok · 1 failed · 1 unreachable`, states in a fixed order (the console's sub-row
    and the step's reason read the same words)."""
    tally = Counter(str(s) for s in states)
    parts = [f"{tally[s]} {s}" for s in HostState if tally[str(s)]]
    return f"{label}: " + (" · ".join(parts) if parts else "no hosts")


def failed_hosts(rows: Iterable[Any]) -> str:
    """`reachable: spare1; roll: web2, web3`: the hosts that failed or were unreachable, by
    step (rows of `store.hosts.host_results`; a rollback's are not the run's failures)."""
    by_step: dict[str, list[str]] = {}
    for r in rows:
        if r.phase != "rollback" and HostState(r.state).bad and r.host not in by_step.get(
                r.step_id, []):
            by_step.setdefault(r.step_id, []).append(r.host)
    return "; ".join(f"{step}: {', '.join(hosts)}" for step, hosts in by_step.items())
