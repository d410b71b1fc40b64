"""Gates: what the runner asks before a step, where the answer comes from, and the
`Gatekeeper` that asks it and holds a step while its preconditions are not met."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

from maintui.core.errors import GateRefused
from maintui.core.masking import Masker
from maintui.core.probes.base import Probe
from maintui.core.run.options import RunOptions
from maintui.core.run.plan import action_plan
from maintui.core.run.policy import (
    answer_fields,
    answer_reason,
    missing,
    outside,
    step_policy,
    with_policy,
)
from maintui.core.run.preconditions import check_step
from maintui.core.run.stepview import StepView, render_view
from maintui.core.site.config import SiteConfig
from maintui.core.site.model import Step
from maintui.core.states import DecisionKind, StepState
from maintui.core.store.rows import Decision

POLL = 0.2  # seconds between looks for new decisions in the run log


@dataclass(frozen=True)
class Answer:
    kind: DecisionKind
    reason: str = ""
    user: str = ""
    recorded: bool = False  # already in the run log (came from a console)


Prompt = Callable[[StepView], Awaitable[Answer | None]]

RUN_LEVEL = {DecisionKind.ABORT, DecisionKind.ROLLBACK}
OPTION = {"approver": "--approver NAME", "ticket": "--ticket ID"}  # unattended runs' answers


class DecisionWatcher:
    """Polls the run log for decisions; run-level ones set `stop`, step ones go to a queue."""

    def __init__(self, log, run_id: int) -> None:
        self.log = log
        self.run_id = run_id
        self.last_id = 0
        self.stop: Decision | None = None
        self.stop_event = asyncio.Event()
        self.queue: asyncio.Queue[Decision] = asyncio.Queue()
        self._task: asyncio.Task | None = None

    async def start(self) -> None:
        existing = await self.log.decisions(self.run_id)
        self.last_id = existing[-1].id if existing else 0  # older answers are history
        self._task = asyncio.create_task(self._loop())

    async def _loop(self) -> None:
        while True:
            with contextlib.suppress(Exception):  # a busy run log: try again on the next tick
                await self.poll()
            await asyncio.sleep(POLL)

    async def poll(self) -> None:
        for d in await self.log.decisions(self.run_id, self.last_id):
            self.last_id = d.id
            if d.kind in RUN_LEVEL:
                self.stop = d
                self.stop_event.set()
            elif d.kind != DecisionKind.NOTE:
                self.queue.put_nowait(d)

    async def forget(self, step_id: str) -> None:
        """Drop the decisions for a step read so far: a gate asked again (the next batch of a
        rollout) waits for a new answer, not one given to the question before."""
        await self.poll()
        kept: list[Decision] = []
        while not self.queue.empty():
            d = self.queue.get_nowait()
            if d.step_id != step_id:
                kept.append(d)
        for d in kept:
            self.queue.put_nowait(d)

    async def wait_for(self, step_id: str) -> Decision:
        """The next decision for this step (or a run-level stop, returned as is)."""
        while True:
            if self.stop is not None:
                return self.stop
            getter = asyncio.create_task(self.queue.get())
            stopper = asyncio.create_task(self.stop_event.wait())
            done, pending = await asyncio.wait({getter, stopper}, return_when=asyncio.FIRST_COMPLETED)
            for t in pending:
                t.cancel()
            if getter in done:
                d = getter.result()
                if d.step_id in (None, step_id):
                    return d
            elif self.stop is not None:
                return self.stop

    async def close(self) -> None:
        if self._task:
            self._task.cancel()


class DecisionLog(Protocol):
    """The part of the run log that gates read and write."""

    async def decisions(self, run_id: int, after_id: int = 0) -> list[Decision]: ...

    async def add_decision(self, run_id: int, kind: str, step_id: str | None = None,
                           reason: str = "", user: str = "", client: str = "") -> int: ...


class GateRecords(Protocol):
    """The part of a run's step rows (`store.writes.StepRecords`) that gates write."""

    async def waiting(self, step_id: str, gate: dict[str, Any]) -> None: ...

    async def resume_run(self) -> None: ...

    async def set(self, step_id: str, state: StepState, *, reason: str | None = None) -> None: ...


class Gatekeeper:
    """A gate records the request, then waits for the terminal, a console or `--yes`;
    preconditions are checked again just before the step starts."""

    def __init__(self, config: SiteConfig, run_id: int, *, log: DecisionLog,
                 records: GateRecords, watcher: DecisionWatcher, masker: Masker,
                 prompt: Prompt | None, options: RunOptions, lookup: Callable[[str], Any],
                 run_dir: Path, probe: Probe, say: Callable[[str], None]) -> None:
        self.config, self.run_id = config, run_id
        self.log, self.records, self.watcher = log, records, watcher
        self.masker, self.prompt, self.options = masker, prompt, options
        self.lookup, self.run_dir, self.probe, self.say = lookup, run_dir, probe, say
        # step id → the reason its gate was confirmed with: the approver and ticket it named
        # stand for the step's later batches (admit_batch)
        self.given: dict[str, str] = {}

    def asks(self, step: Step) -> bool:
        """Whether the step's gate asks: a checklist item, its risk, or its class policy."""
        policy = step_policy(self.config, step)
        return step.manual or step.needs_confirm or (policy is not None and policy.asks)

    async def checks(self, step: Step) -> list[dict[str, Any]]:
        """The step's preconditions now, as the gate event carries them."""
        if step.requires is None:
            return []
        found = await asyncio.to_thread(check_step, step, self.lookup, self.config.state_dir,
                                        self.probe)
        return [c.as_dict() for c in found]

    async def admit(self, step: Step) -> Answer:
        """Ask when the step needs it; returns how the operator (or --yes) answered."""
        policy = step_policy(self.config, step)
        if not self.asks(step):
            return Answer(DecisionKind.CONFIRM)  # preconditions are still checked before it starts
        if self.options.gates == "yes":
            if step.manual:
                return Answer(DecisionKind.SKIP, "manual checklist item: left open in an "
                              "unattended run (--yes)")
            try:
                reason = answer_reason(self.options.approver, self.options.ticket, "--yes")
            except ValueError as exc:  # a name that would forge the other in the reason
                await self.records.set(step.id, StepState.CANCELLED, reason=f"not run: {exc}")
                raise GateRefused(f"step {step.id!r}: {exc}") from None
            lacking = missing(policy, reason)
            if policy is not None and lacking:
                await self.records.set(step.id, StepState.CANCELLED,
                                       reason=f"not run: no {' and no '.join(lacking)} given")
                raise GateRefused(f"step {step.id!r} (class {policy.name}) needs "
                                  + " and ".join(OPTION[n] for n in lacking)
                                  + " in an unattended run: its class policy asks for them")
            await self.log.add_decision(self.run_id, DecisionKind.CONFIRM, step.id, reason,
                                        self.options.user, self.options.client)
            self.given[step.id] = reason
            return Answer(DecisionKind.CONFIRM, reason)
        # every gate shows what the step will change: the risk sets the friction, not how much
        # the operator is told (a "normal" log rotation still deletes archives)
        request = with_policy(render_view(step, self.lookup, self.masker,
                                          plan=await self._plan(step),
                                          requires=await self.checks(step)), policy)
        await self.records.waiting(step.id, request.to_dict())
        if self.options.gates == "none":
            await self.records.set(step.id, StepState.CANCELLED,
                                   reason="gate not answered: no terminal and no --yes")
            raise GateRefused(f"step {step.id!r} ({step.risk}) needs confirmation, and there is no "
                              "terminal to ask: re-run with --yes, or run it from the console")
        answer = await self._ask(request)
        while answer.kind is DecisionKind.CONFIRM and (lacking := missing(policy, answer.reason)):
            # a console that does not know the policy confirmed without the names: ask again
            why = f"the {step.class_} policy needs {' and '.join(lacking)}; not run yet"
            self.say(f"  ⏸ {step.id}: {why}")
            await self.log.add_decision(self.run_id, DecisionKind.NOTE, step.id,
                                        f"confirm refused: {why}", self.options.user,
                                        self.options.client)
            answer = await self._ask(request)
        await self.records.resume_run()
        if answer.kind is DecisionKind.CONFIRM:
            self.given[step.id] = answer.reason
        return answer

    async def admit_batch(self, step: Step, number: int, total: int, hosts: list[str]) -> bool:
        """A step on hosts rolled out in batches: each batch after the first is a new go/no-go
        (docs/fleet.md), asked of every step whose first gate asks (its risk or its class
        policy), the batch's hosts named in the question; True to go on. It asks with the
        first gate's friction (the typed word again); the approver and ticket given there
        stand for the step and are shown, not asked again. The step stays `running` between
        batches; it waits at this gate like at its first one."""
        if not self.asks(step):
            return True
        named = f"batch {number} of {total}: {', '.join(hosts)}"
        given = answer_fields(self.given.get(step.id, ""))
        if self.options.gates == "yes":
            reason = answer_reason(given.get("approver", ""), given.get("ticket", ""),
                                   f"--yes ({named})")
            await self.log.add_decision(self.run_id, DecisionKind.CONFIRM, step.id, reason,
                                        self.options.user, self.options.client)
            return True
        if self.options.gates == "none":  # nobody to ask: the rollout stops here
            return False
        names = " · ".join(f"{'approved by' if k == 'approver' else k} {v}"
                           for k, v in given.items())
        carried = [f"{names} (given at the step's first gate, not asked again)"] if names else []
        view = with_policy(render_view(step, self.lookup, self.masker,
                                       plan=[f"next: {named}", *carried]),
                           step_policy(self.config, step))
        request = replace(view, title=f"{named} — {view.title}",  # hosts first: titles get cut
                          approver=False, ticket=False, gate=view.gate.split(" + ")[0])
        # this step's own earlier answers (the terminal's are recorded, then read back) must
        # not answer the new question
        await self.watcher.forget(step.id)
        await self.records.waiting(step.id, request.to_dict())
        answer = await self._ask(request)
        await self.records.set(step.id, StepState.RUNNING)
        await self.records.resume_run()
        return answer.kind is DecisionKind.CONFIRM

    async def blocked(self, step: Step) -> str | Answer | None:
        """Re-check preconditions just before starting. Unattended: why it cannot start.
        At a console: wait until they hold (the operator retries) or the step is skipped."""
        policy = step_policy(self.config, step)
        while True:
            unmet = [c["text"] for c in await self.checks(step) if not c["ok"]]
            window = outside(policy)
            if not unmet and not window:
                return None
            why = "; ".join([window] * bool(window) + (
                ["precondition not met: " + "; ".join(unmet)] if unmet else []))
            if self.options.gates in ("yes", "none"):
                return why
            self.say(f"  ⏸ {step.id} blocked: {why}")
            request = replace(render_view(step, self.lookup, self.masker,
                                          requires=await self.checks(step)),
                              manual=False, plan=[why], rollback="", blocked=True)
            await self.records.waiting(step.id, request.to_dict())
            answer = await self._ask(request)
            await self.records.resume_run()
            if answer.kind is not DecisionKind.CONFIRM:
                return answer

    async def _plan(self, step: Step) -> list[str]:
        if not step.action:
            return []
        return await asyncio.to_thread(action_plan, self.config, step, self.lookup, self.run_dir)

    async def _ask(self, request: StepView) -> Answer:
        from_log = asyncio.create_task(self.watcher.wait_for(request.step_id))
        waiters = {from_log}
        from_tty = None
        if self.options.gates == "tty" and self.prompt is not None:
            from_tty = asyncio.create_task(self.prompt(request))
            waiters.add(from_tty)
        done, pending = await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        for t in pending:
            t.cancel()
        if from_tty is not None and from_tty in done and from_tty.result() is not None:
            answer = from_tty.result()
            await self.log.add_decision(self.run_id, answer.kind, request.step_id, answer.reason,
                                        self.options.user, self.options.client)
            return answer
        if from_log in done:
            d = from_log.result()
            self.say(f"  answered from a console by {d.user or 'someone'}: {d.kind}")
            return Answer(DecisionKind(d.kind), d.reason, d.user, recorded=True)
        # the terminal went away (hang-up) while asking: wait for a console to answer
        d = await self.watcher.wait_for(request.step_id)
        return Answer(DecisionKind(d.kind), d.reason, d.user, recorded=True)
