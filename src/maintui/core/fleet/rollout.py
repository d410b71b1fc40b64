"""A step rolled out over hosts in batches (`serial`), stopped by `max_fail_percentage`."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

from maintui.core.fleet.play import Play, PlayOutcome
from maintui.core.fleet.results import HostResult

Serial = int | str | None


def batches(hosts: list[str], serial: Serial) -> list[list[str]]:
    """Hosts in batches, as Ansible's `serial` does: a count, or a percentage of all hosts."""
    if not hosts:
        return []
    if serial in (None, 0, "", "100%"):
        return [list(hosts)]
    if isinstance(serial, str) and serial.endswith("%"):
        size = max(1, math.floor(len(hosts) * float(serial[:-1]) / 100))
    else:
        size = max(1, int(serial))  # type: ignore[arg-type]
    return [hosts[i:i + size] for i in range(0, len(hosts), size)]


def batch_failed(results: list[HostResult], max_fail_percentage: float | None) -> bool:
    """Whether a batch stops the rollout: more than max_fail_percentage of it failed, or,
    without one, every host in it failed (Ansible's rules)."""
    if not results:
        return False
    bad = sum(r.state.bad for r in results)
    if max_fail_percentage is None:
        return bad == len(results)
    return bad * 100 / len(results) > max_fail_percentage


@dataclass
class RolloutOutcome:
    """Every host's result over all batches, and why the rollout stopped early (if it did)."""

    results: dict[str, HostResult] = field(default_factory=dict)
    batches_run: int = 0
    batches_total: int = 0
    stopped: str = ""
    last: PlayOutcome | None = None

    @property
    def failed_hosts(self) -> list[str]:
        return [h for h, r in self.results.items() if r.state.bad]


def roll_out(groups: list[list[str]], make_play: Callable[[list[str], int], Play],
             run: Callable[[Play], PlayOutcome], max_fail_percentage: float | None,
             admit: Callable[[int, list[str]], bool] = lambda n, hosts: True) -> RolloutOutcome:
    """Run one play per batch; `admit(batch number, hosts)` may refuse a batch (a gate)."""
    out = RolloutOutcome(batches_total=len(groups))
    for number, hosts in enumerate(groups, 1):
        if not admit(number, hosts):
            out.stopped = f"batch {number} of {len(groups)} was not admitted"
            break
        outcome = run(make_play(hosts, number))
        out.last, out.batches_run = outcome, number
        out.results.update(outcome.results)
        if outcome.cancelled or outcome.timed_out:
            out.stopped = "cancelled" if outcome.cancelled else "timed out"
            break
        if batch_failed([outcome.results[h] for h in hosts if h in outcome.results],
                        max_fail_percentage) and number < len(groups):
            out.stopped = (f"batch {number} of {len(groups)} failed beyond "
                           + (f"max_fail_percentage {max_fail_percentage:g}"
                              if max_fail_percentage is not None else "recovery (all hosts)")
                           + f"; {len(groups) - number} batch(es) not started")
            break
    return out
