"""The runner's walk through a run's steps: in order, or side by side when unattended."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from maintui.core.run.gates import Answer
from maintui.core.site.screenfile import Step
from maintui.core.states import DecisionKind, RunState, StepState

if TYPE_CHECKING:
    from maintui.core.run.runner import Runner

    _Base = Runner
else:
    _Base = object


class RunnerWalk(_Base):
    """Mixed into Runner: admit each step (dependencies, gate, preconditions), run it, and
    apply its `on_failure`."""

    async def _walk(self, order: list[str]) -> tuple[RunState, str]:
        states = {r.step_id: StepState(r.state) for r in await self.log.steps(self.run_id)}
        if self.opt.gates == "yes" and self.screen.concurrency > 1:
            return await self._walk_parallel(order, states)
        failed = False
        for sid in order:
            if StepState(states[sid]).finished:
                continue
            step = self.screen.step(sid)
            stop = await self._check_stop()
            if stop:
                return stop
            kind, value = await self._admit(step, states, order)
            if kind == "stop":
                return value
            if kind == "done":
                states[sid] = value
                continue
            if kind == "run":
                outcome = await self._attempts(step)
                states[sid] = outcome.state
                if outcome.state is StepState.CANCELLED:
                    return await self._check_stop() or (RunState.ABORTED, "cancelled")
                if outcome.state is StepState.SUCCEEDED:
                    continue
                value = f"step {sid} {outcome.state}: {outcome.message}"
            else:
                states[sid] = StepState.FAILED
            failed = True
            end = await self._failure(step, value)
            if end:
                return end
        return self._verdict(failed)

    async def _walk_parallel(self, order: list[str], states: dict) -> tuple[RunState, str]:
        """Unattended runs: steps whose `after` are done run side by side, `concurrency` at once."""
        pending = [sid for sid in order if not StepState(states[sid]).finished]
        running: dict[asyncio.Task, str] = {}
        failed, end_with = False, None
        while pending or running:
            # an abort or a lost lease: start nothing more; running steps are being stopped
            stop = self.watcher.stop is not None or self.lost_lease
            if stop and not running:
                break
            for sid in list(pending):
                if len(running) >= self.screen.concurrency or end_with or stop:
                    break
                step = self.screen.step(sid)
                if any(not StepState(states[d]).finished for d in step.after if d in order):
                    continue
                pending.remove(sid)
                kind, value = await self._admit(step, states, order)
                if kind == "run":
                    running[asyncio.create_task(self._attempts(step))] = sid
                elif kind == "done":
                    states[sid] = value
                elif kind == "fail":
                    states[sid], failed = StepState.FAILED, True
                    end_with = end_with or (None if step.on_failure == "continue" else (step, value))
            if not running:
                if pending and not end_with:  # nothing can start: should not happen (no cycles)
                    await self._cancel_rest("not run: its dependencies never finished")
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
                        end_with = (step, f"step {sid} {outcome.state}: {outcome.message}")
        if stop := await self._check_stop():
            return stop
        if end_with:
            return await self._failure(*end_with) or self._verdict(True)
        return self._verdict(failed)

    @staticmethod
    def _verdict(failed: bool) -> tuple[RunState, str]:
        if failed:
            return RunState.FAILED, "one or more steps failed (on_failure = continue)"
        return RunState.SUCCEEDED, ""

    async def _admit(self, step: Step, states: dict, order: list[str]) -> tuple[str, Any]:
        """Before a step starts: ('run', None), ('done', state) when it ends without running,
        ('fail', why) when it cannot start, or ('stop', (state, message)) for the run."""
        sid = step.id
        bad = [d for d in step.after if d in order and states.get(d) in (
            StepState.FAILED, StepState.TIMED_OUT, StepState.CANCELLED)]
        if bad:
            return "done", await self._skip(step, f"not run: {', '.join(bad)} did not succeed")
        answer = await self._gate(step)
        if answer.kind in (DecisionKind.ABORT, DecisionKind.ROLLBACK):
            return "stop", await self._stopped(answer.kind, answer.reason or f"at step {sid}")
        if answer.kind in (DecisionKind.SKIP, DecisionKind.NA, DecisionKind.NOT_DONE):
            return "done", await self._skip(step, answer.reason or str(answer.kind), answer.kind)
        if answer.kind is DecisionKind.DONE:
            return "done", await self._complete_manual(step, answer.reason)
        blocked = await self._blocked(step)
        if isinstance(blocked, Answer):
            if blocked.kind in (DecisionKind.ABORT, DecisionKind.ROLLBACK):
                return "stop", await self._stopped(blocked.kind, blocked.reason or f"at step {sid}")
            return "done", await self._skip(step, blocked.reason or "skipped while blocked")
        if blocked is not None:
            await self.records.set(sid, StepState.FAILED, reason=blocked)
            self.out.say(f"  ✗ {sid} not started: {blocked}")
            return "fail", f"step {sid}: {blocked}"
        return "run", None

    async def _failure(self, step: Step, why: str) -> tuple[RunState, str] | None:
        """After a step did not succeed: None to go on (`continue`), else how the run ends."""
        if step.on_failure == "continue":
            return None
        if step.on_failure == "rollback":
            return await self.rollback(why)
        await self._cancel_rest(f"not run: {why.split(':')[0]}")
        return RunState.FAILED, why
