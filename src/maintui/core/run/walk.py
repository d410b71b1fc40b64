"""The walk through a run's steps: in order, or side by side when unattended."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from maintui.core.run.gates import Answer
from maintui.core.run.options import RunOptions
from maintui.core.run.steps import Outcome
from maintui.core.site.model import Screen, Step
from maintui.core.states import DecisionKind, RunState, StepState
from maintui.core.store.rows import Decision

Verdict = tuple[RunState, str]  # how the run ends, and why
ExecuteStep = Callable[[Step], Awaitable[Outcome]]
NOT_SUCCEEDED = (StepState.FAILED, StepState.TIMED_OUT, StepState.CANCELLED)


class Admission(Protocol):
    """What the walk asks before a step starts (`gates.Gatekeeper`)."""

    async def admit(self, step: Step) -> Answer: ...

    async def blocked(self, step: Step) -> str | Answer | None: ...


class WalkRecords(Protocol):
    """The part of a run's step rows (`store.writes.StepRecords`) the walk reads and writes."""

    async def states(self) -> dict[str, StepState]: ...

    async def set(self, step_id: str, state: StepState, *, reason: str | None = None,
                  started: float | None = None, ended: float | None = None) -> None: ...

    async def cancel_rest(self, reason: str) -> None: ...


class StopSignal(Protocol):
    """Where a run-level decision (abort, roll back) shows up (`gates.DecisionWatcher`)."""

    stop: Decision | None


class RunControl(Protocol):
    """What the walk needs from the run it walks (`runner.Runner`)."""

    def lease_lost(self) -> str:
        """Why the run may not go on (its lease lost, or the runner fenced itself), else ""."""
        ...

    async def rollback(self, why: str, first: str | None = None) -> Verdict:
        """Undo `first` (the step that failed), then the completed steps newest first."""
        ...

    def completed_step(self, step_id: str) -> None:
        """A step done by hand joins the steps a rollback undoes."""
        ...

    async def condition(self, step: Step) -> tuple[StepState, str] | None:
        """The step's `only_if`: None to run it, else the state it ends in and why."""
        ...


class Walk:
    """Admit each step (dependencies, gate, preconditions), run it, and apply its `on_failure`."""

    def __init__(self, screen: Screen, gatekeeper: Admission, execute_step: ExecuteStep,
                 records: WalkRecords, options: RunOptions, *, watcher: StopSignal,
                 control: RunControl, say: Callable[[str], None]) -> None:
        self.screen, self.gatekeeper, self.execute_step = screen, gatekeeper, execute_step
        self.records, self.options = records, options
        self.watcher, self.control, self.say = watcher, control, say
        self.not_applicable: set[str] = set()  # checklist items that do not apply: not open

    async def run(self, order: list[str]) -> Verdict:
        """One step after the other; a step that ends the run ends the walk."""
        states = await self.records.states()
        failed = False
        for sid in order:
            if states[sid].finished:
                continue
            step = self.screen.step(sid)
            stop = await self.check_stop()
            if stop:
                return stop
            kind, value = await self._admit(step, states, order)
            if kind == "stop":
                return value
            if kind == "done":
                states[sid] = value
                continue
            if kind == "run":
                outcome = await self.execute_step(step)
                states[sid] = outcome.state
                if outcome.state is StepState.CANCELLED:
                    return await self.check_stop() or (RunState.ABORTED, "cancelled")
                if outcome.state is StepState.SUCCEEDED:
                    continue
                value = f"step {sid} {outcome.state}: {outcome.message}"
            else:
                states[sid] = StepState.FAILED
            failed = True
            end = await self._failure(step, value, ran=kind == "run")
            if end:
                return await self._finalizers(order, end)
        return self._verdict(failed)

    async def run_parallel(self, order: list[str]) -> Verdict:
        """Unattended runs: steps whose `after` are done run side by side, `concurrency` at once."""
        states = await self.records.states()
        pending = [sid for sid in order if not states[sid].finished]
        running: dict[asyncio.Task, str] = {}
        failed, end_with = False, None
        while pending or running:
            # an abort or a lost lease: start nothing more; running steps are being stopped
            stop = self.watcher.stop is not None or bool(self.control.lease_lost())
            if stop and not running:
                break
            for sid in list(pending):
                if len(running) >= self.screen.concurrency or end_with or stop:
                    break
                step = self.screen.step(sid)
                if any(not states[d].finished for d in step.waits_for if d in order):
                    continue
                pending.remove(sid)
                kind, value = await self._admit(step, states, order)
                if kind == "run":
                    running[asyncio.create_task(self.execute_step(step))] = sid
                elif kind == "done":
                    states[sid] = value
                elif kind == "fail":
                    states[sid], failed = StepState.FAILED, True
                    end_with = end_with or (None if step.on_failure == "continue"
                                            else (step, value, False))
            if not running:
                if pending and not end_with:  # nothing can start: should not happen (no cycles)
                    await self.records.cancel_rest("not run: its dependencies never finished")
                break
            done, _ = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                sid = running.pop(task)
                outcome = task.result()
                states[sid] = outcome.state
                if outcome.state not in (StepState.SUCCEEDED, StepState.CANCELLED):
                    failed = True
                    step = self.screen.step(sid)
                    if step.on_failure != "continue" and not end_with:
                        end_with = (step, f"step {sid} {outcome.state}: {outcome.message}", True)
        if stop := await self.check_stop():
            return stop
        if end_with:
            end = await self._failure(*end_with)
            return await self._finalizers(order, end) if end else self._verdict(True)
        return self._verdict(failed)

    async def cancel_rest(self, reason: str) -> None:
        """A failure ends the run: every step not yet run is cancelled, but the steps with
        `after_any` (reports, alerts), which run once what they wait for has ended."""
        # by id: a row the screen file no longer has (edited since) is simply cancelled
        waits_any = {s.id for s in self.screen.steps if s.after_any}
        for sid, state in (await self.records.states()).items():
            if not state.finished and sid not in waits_any:
                await self.records.set(sid, StepState.CANCELLED, reason=reason)

    async def _finalizers(self, order: list[str], verdict: Verdict) -> Verdict:
        """After a failure stopped or rolled back the run: its `after_any` steps still run, in
        order (each admitted as usual; a step they wait for that never ran counts as ended).
        An abort or a lost lease runs nothing more. The run ends as the failure said."""
        states = await self.records.states()
        left = [sid for sid in order if not states[sid].finished]
        if not left or self.watcher.stop is not None or self.control.lease_lost():
            if left:
                await self.records.cancel_rest("not run: the run was stopped")
            return verdict
        self.say(f"  … running {', '.join(left)} (after_any) after the failure")
        for sid in left:
            step = self.screen.step(sid)
            kind, value = await self._admit(step, states, order)
            if kind == "stop":
                return value
            if kind == "done":
                states[sid] = value
            elif kind == "run":
                outcome = await self.execute_step(step)
                states[sid] = outcome.state
                if outcome.state is StepState.CANCELLED:
                    return await self.check_stop() or (RunState.ABORTED, "cancelled")
            else:
                states[sid] = StepState.FAILED
        return verdict

    async def check_stop(self) -> Verdict | None:
        """How the run ends when it must stop now (lost lease, abort, roll back), else None."""
        lost = self.control.lease_lost()
        if lost:
            await self.records.cancel_rest("not run: the runner lost its lease")
            return RunState.ABORTED, lost
        stop = self.watcher.stop
        if stop is not None:
            return await self._stopped(DecisionKind(stop.kind), stop.reason or f"by {stop.user}")
        return None

    async def _stopped(self, kind: DecisionKind, reason: str) -> Verdict:
        if kind is DecisionKind.ROLLBACK:
            return await self.control.rollback(f"rollback requested: {reason}")
        await self.records.cancel_rest("not run: the run was aborted")
        return RunState.ABORTED, reason

    @staticmethod
    def _verdict(failed: bool) -> Verdict:
        if failed:
            return RunState.FAILED, "one or more steps failed (on_failure = continue)"
        return RunState.SUCCEEDED, ""

    async def _admit(self, step: Step, states: dict[str, StepState],
                     order: list[str]) -> tuple[str, Any]:
        """Before a step starts: ('run', None), ('done', state) when it ends without running,
        ('fail', why) when it cannot start, or ('stop', verdict) for the run."""
        sid = step.id
        held = await self._after(step, states, order)
        if held is not None:
            return "done", await self._skip(step, held)
        if step.only_if is not None:
            judged = await self.control.condition(step)
            if judged is not None:
                return await self._judged(step, *judged)
        answer = await self.gatekeeper.admit(step)
        if answer.kind in (DecisionKind.ABORT, DecisionKind.ROLLBACK):
            return "stop", await self._stopped(answer.kind, answer.reason or f"at step {sid}")
        if answer.kind is DecisionKind.NOT_DONE:
            return "done", await self._not_done(step, answer.reason)
        if answer.kind is DecisionKind.NA:
            self.not_applicable.add(sid)
            return "done", await self._skip(step, "not applicable" + (
                f": {answer.reason}" if answer.reason else ""))
        if answer.kind is DecisionKind.SKIP:
            return "done", await self._skip(step, answer.reason or str(answer.kind))
        if answer.kind is DecisionKind.DONE:
            return "done", await self._complete_manual(step, answer.reason)
        blocked = await self.gatekeeper.blocked(step)
        if isinstance(blocked, Answer):
            if blocked.kind in (DecisionKind.ABORT, DecisionKind.ROLLBACK):
                return "stop", await self._stopped(blocked.kind, blocked.reason or f"at step {sid}")
            return "done", await self._skip(step, blocked.reason or "skipped while blocked")
        if blocked is not None:
            await self.records.set(sid, StepState.FAILED, reason=blocked)
            self.say(f"  ✗ {sid} not started: {blocked}")
            return "fail", f"step {sid}: {blocked}"
        return "run", None

    async def _judged(self, step: Step, state: StepState, why: str) -> tuple[str, Any]:
        """A step its `only_if` keeps from running: skipped, failed or (the run stopped) over."""
        if state is StepState.SKIPPED:
            return "done", await self._skip(step, why)
        if state is StepState.CANCELLED:
            return "stop", await self.check_stop() or (RunState.ABORTED, "cancelled")
        await self.records.set(step.id, StepState.FAILED, reason=why)
        self.say(f"  ✗ {step.id} not started: {why}")
        return "fail", f"step {step.id}: {why}"

    async def _after(self, step: Step, states: dict[str, StepState],
                     order: list[str]) -> str | None:
        """Why the step may not start for what its `after` steps ended as, else None
        (see docs/after.md): it starts after `succeeded`, and after `skipped` except a
        checklist item left open in an unattended run; never after `not_done`, `failed`,
        `timed_out` or `cancelled`. `after_any` steps only need to have ended."""
        deps = [d for d in step.after if d in order]
        not_done = [d for d in deps if states.get(d) is StepState.NOT_DONE]
        if not_done:
            return f"not run: checklist item {', '.join(not_done)} was not done"
        bad = [d for d in deps if states.get(d) in NOT_SUCCEEDED]
        if bad:
            return f"not run: {', '.join(bad)} did not succeed"
        left_open = [d for d in deps if states.get(d) is StepState.SKIPPED
                     and self.screen.step(d).manual and d not in self.not_applicable]
        if left_open and self.options.gates == "yes":
            return (f"not run: checklist item {', '.join(left_open)} was left open in an "
                    "unattended run (--yes); nobody confirmed it was done")
        if left_open:
            self.say(f"  ⚠ {step.id} starts although checklist item {', '.join(left_open)} "
                     "was skipped")
        return None

    async def _not_done(self, step: Step, reason: str) -> StepState:
        await self.records.set(step.id, StepState.NOT_DONE, reason=reason or "not done")
        self.say(f"  ✗ {step.id} not done" + (f": {reason}" if reason else ""))
        return StepState.NOT_DONE

    async def _skip(self, step: Step, reason: str) -> StepState:
        await self.records.set(step.id, StepState.SKIPPED, reason=reason)
        self.say(f"  ⤼ {step.id} skipped: {reason}")
        return StepState.SKIPPED

    async def _complete_manual(self, step: Step, note: str) -> StepState:
        now = time.time()
        await self.records.set(step.id, StepState.SUCCEEDED, reason=note or "done",
                               started=now, ended=now)
        self.control.completed_step(step.id)
        self.say(f"  ✓ {step.id} done" + (f": {note}" if note else ""))
        return StepState.SUCCEEDED

    async def _failure(self, step: Step, why: str, ran: bool = True) -> Verdict | None:
        """After a step did not succeed: None to go on (`continue`), else how the run ends.
        A rollback undoes the failed step itself first when it ran (`ran`)."""
        if step.on_failure == "continue":
            return None
        if step.on_failure == "rollback":
            return await self.control.rollback(why, step.id if ran else None)
        await self.cancel_rest(f"not run: {why.split(':')[0]}")
        return RunState.FAILED, why
