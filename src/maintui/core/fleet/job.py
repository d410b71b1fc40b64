"""One step's work on a fleet: resolve hosts, roll out batch by batch, record each host live."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from maintui.core.fleet.inventory import Inventory
from maintui.core.fleet.play import Play, PlayOutcome, run_play
from maintui.core.fleet.results import HostEvent, HostResult, HostState, summary, worse
from maintui.core.fleet.rollout import RolloutOutcome, Serial, batches, roll_out
from maintui.core.fleet.settings import FleetSettings
from maintui.core.store.hosts import HostLog, event_lines

PlayShape = Callable[[list[str], str], Play]  # (hosts, ident) -> the play
Admit = Callable[[int, list[str]], bool]  # (batch number, its hosts) -> go on


@dataclass
class FleetJob:
    """Runs plays for one step of one run; blocking, so call `run` in a worker thread.

    `mask` is the run's Masker (every host line is masked before it is stored or shown),
    `say` adds a line to the step's output, `cancelled` is polled by ansible-runner.
    """

    settings: FleetSettings
    inventory: Inventory
    store: Path | None
    run_id: int
    step_id: str
    mask: Callable[[str], str] = str
    say: Callable[[str], None] = lambda line: None
    cancelled: Callable[[], bool] = lambda: False
    plays: list[PlayOutcome] = field(default_factory=list)
    _live: dict[str, HostState] = field(default_factory=dict, init=False)  # worst outcome so far

    @classmethod
    def for_site(cls, settings: FleetSettings, **kw) -> FleetJob:
        return cls(settings, Inventory.load(settings.inventory), **kw)

    def hosts(self, pattern: str) -> list[str]:
        return self.inventory.match(pattern, self.settings.limit)

    def run(self, hosts: list[str], shape: PlayShape, *, serial: Serial = None,
            max_fail_percentage: float | None = None, phase: str = "run",
            admit: Admit | None = None) -> RolloutOutcome:
        """The step on `hosts`, batch by batch; each host's rows written as events come.
        `admit(batch number, hosts)` is asked before every batch after the first (the
        first was admitted with the step): a gate per batch for risky steps."""
        writer = HostLog(self.store, self.run_id, self.step_id, phase) if self.store else None
        stamp = f"{self.run_id}-{self.step_id}-{phase}-{int(time.time() * 1000)}"

        def make(batch_hosts: list[str], number: int) -> Play:
            if writer:
                writer.begin(batch_hosts, number)
            return shape(batch_hosts, f"{stamp}-{number}")

        def play(p: Play) -> PlayOutcome:
            outcome = run_play(self.settings, p, lambda ev: self._record(writer, ev),
                               self.cancelled)
            self.plays.append(outcome)
            for result in outcome.results.values():
                self._close(writer, result)
            return outcome

        try:
            if not hosts:
                return RolloutOutcome(stopped="no host matches")
            gate = admit or (lambda n, batch: True)
            return roll_out(batches(hosts, serial), make, play, max_fail_percentage,
                            lambda n, batch: n == 1 or gate(n, batch))
        finally:
            if writer:
                writer.close()

    def _record(self, writer: HostLog | None, ev: HostEvent) -> None:
        lines = [self.mask(line) for line in ev.lines]
        now = self._live[ev.host] = worse(self._live.get(ev.host, HostState.RUNNING), ev.state)
        if writer:
            writer.event(ev.host, ev.event, ev.task, str(ev.state), ev.changed,
                         "\n".join(lines), ev.ts, host_state=str(now))
        for line in event_lines(ev.host, str(ev.state), ev.task, "\n".join(lines)):
            self.say(line)

    def _close(self, writer: HostLog | None, result: HostResult) -> None:
        if writer:
            writer.finish(result.host, str(result.state), result.changed,
                          result.ended or time.time(), self.mask(result.message))


def verdict(label: str, outcome: RolloutOutcome) -> tuple[bool, str]:
    """(every host fine, a one-line message naming the failed hosts and why it stopped)."""
    text = summary(label, (r.state for r in outcome.results.values()))
    failed = outcome.failed_hosts
    if failed:
        text += " — failed: " + ", ".join(failed)
    if outcome.stopped:
        text += f" ({outcome.stopped})"
    ok = not failed and not outcome.stopped and bool(outcome.results)
    return ok, text
