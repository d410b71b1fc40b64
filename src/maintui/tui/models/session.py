"""What a session shows, without Textual: steps, plan, gate, selection, run state, driving, timings.

The session screen draws from this and forwards the operator's keys; everything here is
plain Python over the screen file and the run log's rows, so it is tested without a terminal.
"""

from __future__ import annotations

import statistics
import textwrap
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from maintui.core.probes.base import Probe
from maintui.core.run.stepview import StepView
from maintui.core.site import paths
from maintui.core.site.config import SiteConfig
from maintui.core.site.model import Screen, Step
from maintui.core.site.order import topo_order
from maintui.core.states import RunState
from maintui.core.store.rows import Event, RunRow, StepRow
from maintui.core.units import format_duration

ACTIVE = ("running", "waiting")  # step states the selection follows
OVERRUN_SAMPLES = 3  # past runs needed before a long step asks the operator
PendingRow = tuple[str, str, str, float | None, float | None]  # id, state, risk, started, ended


@dataclass(frozen=True)
class Usual:
    """How long a step usually takes, from its past successful runs."""

    p50: float
    p95: float
    samples: int

    def describe(self) -> str:
        return (f"usually {format_duration(self.p50)}, 95% within {format_duration(self.p95)}"
                f" ({self.samples} runs)")


def usual(past: list[float]) -> Usual | None:
    """p50 and p95 of a step's past durations; None with fewer than two."""
    if len(past) < 2:
        return None
    cuts = statistics.quantiles(past, n=20, method="inclusive")
    return Usual(statistics.median(past), cuts[18], len(past))


@dataclass(frozen=True)
class Detail:
    """The detail pane: the step as shown, its usual time, and the note its outcome left."""

    view: StepView
    usual: str = ""
    reason: str = ""
    state: str = ""  # the step's state in the followed run ('' before a run)


@dataclass(frozen=True)
class Overrun:
    """A running step past its usual p95: ask the operator whether to wait, extend or abort."""

    step_id: str
    elapsed: float
    usual: Usual


class SessionModel:
    """One session's state: the screen file, the run it follows, and what the operator chose."""

    def __init__(self, config: SiteConfig, run_id: int | None = None, *,
                 probe: Probe | None = None) -> None:
        self.config = config
        self.run_id = run_id
        self.probe = probe  # what the gate's preconditions are read with (None: psutil)
        self._file: Screen | None = None
        self.run_state = ""
        self.run_scope = ""  # what a partial run (`--only`) ran: "maintenance-on only"
        self.driving = False
        self.driver_text = ""
        self.last_run: RunRow | None = None
        self.steps: dict[str, StepRow] = {}  # step id → its row in the followed run
        self.plan: dict[str, StepView] = {}  # step id → what the dry run shows of it
        self.selected: str | None = None
        self.follow = True  # the selection follows the running step until the operator moves it
        self.gate: Event | None = None  # the open gate of the run
        self.gate_shown: int | None = None  # the gate event last put in front of the operator
        # the gate event answered here: `r` typed ahead of the runner taking the answer must not
        # put it up again (a second confirmation of a step already confirmed)
        self.gate_answered: int | None = None
        self.durations: dict[str, Usual] = {}
        self.overrun_after: dict[str, float] = {}  # step: elapsed seconds before asking (again)

    # -- the screen file and its plan -----------------------------------------------------------

    @property
    def file(self) -> Screen:
        if self._file is None:
            raise RuntimeError("the session's screen file is not loaded yet")
        return self._file

    def load(self, screen: Screen) -> None:
        self._file = screen

    def ordered(self) -> list[Step]:
        """The screen file's steps in the order they run."""
        steps = self.file.steps
        order = topo_order([s.id for s in steps], {s.id: s.waits_for for s in steps})
        return [self.file.step(i) for i in order]

    def pending_rows(self) -> list[PendingRow]:
        """The queue before a run: every step pending."""
        return [(s.id, "pending", s.risk, None, None) for s in self.ordered()]

    def set_plan(self, items: Iterable[StepView]) -> None:
        """The dry run's views (`run.plan.plan_screen`), keyed by step, for the detail and `d`."""
        self.plan = {i.step_id: i for i in items}

    def intro_lines(self, width: int) -> list[str]:
        """What the screen is and how to begin, wrapped to `width` (the pane before a run)."""
        sf = self.file
        gates = sum(1 for s in sf.steps if s.manual or s.needs_confirm)
        paragraphs = sf.description.strip().split("\n\n") if sf.description.strip() else [sf.title]
        lines = [*(line for i, p in enumerate(paragraphs)
                   for line in ([" "] if i else []) + textwrap.wrap(" ".join(p.split()), width)),
                 " ", f"{len(sf.steps)} steps; {gates} ask before running"]
        if sf.schedule:
            lines += textwrap.wrap(f"schedule: {sf.schedule}"
                                   + (f" · window {sf.window}" if sf.window else ""), width)
        return [*lines, " ", "r  start the run", "d  dry run: commands and changes"]

    def detail(self) -> Detail | None:
        """What the detail pane shows of the selected step (the first one before any selection)."""
        sid = self.selected or (self.ordered()[0].id if self.file.steps else None)
        if sid is None:
            return None
        view = self.plan.get(sid) or StepView.of(self.file.step(sid))
        row = self.steps.get(sid)
        known = self.durations.get(sid)
        return Detail(view, known.describe() if known else "", (row.reason or "") if row else "",
                      row.state if row else "")

    # -- the run and who drives it --------------------------------------------------------------

    @property
    def live(self) -> bool:
        return bool(self.run_state) and RunState(self.run_state).live

    @property
    def undoable(self) -> bool:
        """A rollback of the followed run would undo a step (else `b` is not offered: after a
        rollback it answered only that nothing was left to undo)."""
        from maintui.core.run.interrupted import rollback_order

        return self.run_id is not None and bool(rollback_order(list(self.steps.values())))

    @property
    def running_step(self) -> str | None:
        """The step of the followed run running now, if any."""
        return next((sid for sid, row in self.steps.items() if row.state == "running"), None)

    @property
    def can_start(self) -> bool:
        """No run followed, or the one followed has ended: `r` starts a new one."""
        return self.run_id is None or not RunState(self.run_state or "running").live

    @property
    def watch_only(self) -> bool:
        """Following a run another console drives: the keys that change it are dimmed."""
        return self.run_id is not None and not self.driving

    @property
    def drives_live_run(self) -> bool:
        return self.driving and self.live

    def watcher_line(self) -> str:
        """A watcher's second head line: who drives the run and, while it waits, the question
        that console is asked (a batch gate names its batch: `batch 2 of 3: web3 — …`)."""
        if not self.watch_only:
            return ""
        gate = self.gate.data.get("title", "") if self.gate is not None and \
            self.run_state == "waiting" else ""
        return self.driver_text + (f" · asked there: {gate}" if gate else "")

    def describe_driver(self, claim: dict[str, Any] | None) -> None:
        if claim:
            self.driver_text = f"driven by {claim['user']}@{claim['host']} (pid {claim['pid']})"
        else:
            self.driver_text = "no console drives it"

    def new_run(self) -> None:
        """A run was just started from here: forget the last one's steps and state (until the
        new run is read, "failed" would be the last run's), follow the new one."""
        self.steps.clear()
        self.run_state = ""
        self.run_scope = ""
        self.follow = True

    def took_over(self) -> None:
        """This console drives now: the open gate is shown to it again."""
        self.driving = True
        self.gate_shown = None

    def apply_steps(self, rows: list[StepRow]) -> str | None:
        """Take the run's step rows; the step to select when the selection follows, else None."""
        for row in rows:
            self.steps[row.step_id] = row
        active = [r.step_id for r in rows if r.state in ACTIVE]
        if self.follow and active and active[0] != self.selected:
            self.selected = active[0]
            return active[0]
        return None

    def select(self, step_id: str) -> bool:
        """The operator moved the selection; it follows again once on a running step."""
        if step_id == self.selected:
            return False
        running = [k for k, v in self.steps.items() if v.state in ACTIVE]
        self.follow = not running or step_id in running
        self.selected = step_id
        return True

    def take_gate(self, gate: Event | None) -> Event | None:
        """Take the newest open gate from a poll; the gate to show now, if this console drives."""
        self.gate = gate or (self.gate if self.run_state == "waiting" else None)
        if self.gate is not None and self.driving and self.gate.id != self.gate_shown:
            self.gate_shown = self.gate.id
            return self.gate
        return None

    def reopen_gate(self) -> Event | None:
        """`r` while the run waits: the open gate again, shown even if it was dismissed, but
        not once answered here (until the answer is taken the run log still says waiting)."""
        if self.gate is None or self.gate.id == self.gate_answered:
            return None
        self.gate_shown = self.gate.id
        return self.gate

    def answered(self, sent: bool = True) -> None:
        """The operator answered the open gate (`sent=False`: the answer was not sent after all,
        so `r` may put the gate up again)."""
        self.gate_answered = self.gate.id if sent and self.gate is not None else None

    # -- timings --------------------------------------------------------------------------------

    def learn(self, step_id: str, past: list[float]) -> None:
        """A step's past successful durations (`RunLog.step_durations`), newest first."""
        if (found := usual(past)) is not None:
            self.durations[step_id] = found

    def overrun(self, now: float) -> Overrun | None:
        """The first running step past its usual p95 (three past runs at least), asked once;
        asked again only when it has run twice as long as when last asked."""
        for sid, row in self.steps.items():
            known = self.durations.get(sid)
            if row.state != "running" or not known or known.samples < OVERRUN_SAMPLES \
                    or not row.started:
                continue
            elapsed = now - row.started
            if elapsed <= self.overrun_after.get(sid, max(known.p95, 1.0)):
                continue
            self.overrun_after[sid] = elapsed * 2
            return Overrun(sid, elapsed, known)
        return None

    def extend(self, step_id: str) -> None:
        """The operator lets the step run as long as it takes: never ask again for it."""
        self.overrun_after[step_id] = float("inf")

    # -- preconditions --------------------------------------------------------------------------

    def recheck(self, step_id: str) -> Callable[[], list[dict[str, Any]]] | None:
        """A function giving the step's preconditions now, for the gate to show live."""
        step = self.file.step(step_id)
        if step.requires is None:
            return None
        from maintui.core.run.preconditions import check_step
        from maintui.core.run.stepview import make_lookup

        state_dir = self.config.state_dir
        lookup = make_lookup(self.config, self.file, self.run_id or 0,
                             paths.run_dir(state_dir, self.run_id))
        probe = self.probe or _real_probe()
        return lambda: [c.as_dict() for c in check_step(step, lookup, state_dir, probe)]


    def replan(self, step_id: str) -> Callable[[], list[str]] | None:
        """A function giving what the step will change now (its action's plan, masked), for a
        confirmation to compute when it opens and refresh while open; None when it has none."""
        step = self.file.step(step_id)
        if not step.action:
            return None
        from maintui.core.masking import Masker
        from maintui.core.run.plan import action_plan
        from maintui.core.run.stepview import make_lookup

        run_dir = paths.run_dir(self.config.state_dir, self.run_id)
        lookup = make_lookup(self.config, self.file, self.run_id or 0, run_dir)
        mask = Masker.for_site(self.config.data, self.config.mask_patterns)
        return lambda: mask.lines(action_plan(self.config, step, lookup, run_dir))

    # -- who drives -----------------------------------------------------------------------------

    def lost_drive(self, claim: dict[str, Any] | None, pid: int, host: str) -> bool:
        """Whether another console took this run over (its claim is fresh and not ours): this
        one watches from now on, and says who drives."""
        if not self.driving or not claim or (claim.get("pid"), claim.get("host")) == (pid, host):
            return False
        self.driving = False
        self.gate_shown = None
        self.describe_driver(claim)
        return True


def _real_probe() -> Probe:
    from maintui.core.probes.psutil import PsutilProbe  # psutil only once a gate asks

    return PsutilProbe()
