"""The runner's gates: asking before a step, where the answer comes from, preconditions."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from maintui.core.errors import GateRefused
from maintui.core.run.gates import Answer, GateRequest
from maintui.core.run.stepview import rollback_text
from maintui.core.site.screenfile import Step
from maintui.core.states import DecisionKind, StepState

if TYPE_CHECKING:
    from maintui.core.run.runner import Runner

    _Base = Runner
else:
    _Base = object


class RunnerGates(_Base):
    """Mixed into Runner: a gate records the request, then waits for the terminal, a console
    or `--yes`; preconditions are checked just before the step starts."""

    async def _checks(self, step: Step) -> list[dict]:
        if step.requires is None:
            return []
        from maintui.core.run.preconditions import evaluate
        from maintui.core.site.template import substitute

        path = str(substitute(step.requires.disk_path, self.lookup))
        checks = await asyncio.to_thread(evaluate, step.requires, self.config.state_dir, path)
        return [{"name": c.name, "ok": c.ok, "text": c.text} for c in checks]

    async def _blocked(self, step: Step) -> str | Answer | None:
        """Re-check preconditions just before starting. Unattended: why it cannot start.
        At a console: wait until they hold (the operator retries) or the step is skipped."""
        while True:
            unmet = [c["text"] for c in await self._checks(step) if not c["ok"]]
            if not unmet:
                return None
            why = "precondition not met: " + "; ".join(unmet)
            if self.opt.gates in ("yes", "none"):
                return why
            self.out.say(f"  ⏸ {step.id} blocked: {why}")
            request = GateRequest(self.run_id, step.id, step.title, step.risk, False,
                                  self.masker(self.display(step)), [why], "", step.description)
            data = {**request.as_dict(), "blocked": True, "requires": await self._checks(step)}
            await self.records.waiting(step.id, data)
            answer = await self._ask(request)
            await self.records.resume_run()
            if answer.kind is not DecisionKind.CONFIRM:
                return answer

    async def _plan(self, step: Step) -> list[str]:
        if not step.action:
            return []
        from maintui.core.run.plan import action_plan

        return await asyncio.to_thread(action_plan, self.config, step, self.lookup, self.run_dir)

    async def _gate(self, step: Step) -> Answer:
        """Ask when the step needs it; returns how the operator (or --yes) answered."""
        if not (step.manual or step.needs_confirm):
            return Answer(DecisionKind.CONFIRM)  # preconditions are still checked before it starts
        if self.opt.gates == "yes":
            if step.manual:
                return Answer(DecisionKind.SKIP, "manual checklist item: left open in an "
                              "unattended run (--yes)")
            await self.log.add_decision(self.run_id, DecisionKind.CONFIRM, step.id, "--yes",
                                        self.opt.user, self.opt.client)
            return Answer(DecisionKind.CONFIRM, "--yes")
        # every gate shows what the step will change: the risk sets the friction, not how much
        # the operator is told (a "normal" log rotation still deletes archives)
        plan = self.masker.lines(await self._plan(step))
        request = GateRequest(self.run_id, step.id, step.title, step.risk, step.manual,
                              self.masker(self.display(step)), plan,
                              self.masker(rollback_text(step, self.lookup)), step.description)
        await self.records.waiting(step.id, {**request.as_dict(),
                                             "requires": await self._checks(step)})
        if self.opt.gates == "none":
            await self.records.set(step.id, StepState.CANCELLED,
                                   reason="gate not answered: no terminal and no --yes")
            raise GateRefused(f"step {step.id!r} ({step.risk}) needs confirmation, and there is no "
                              "terminal to ask: re-run with --yes, or run it from the console")
        answer = await self._ask(request)
        await self.records.resume_run()
        return answer

    async def _ask(self, request: GateRequest) -> Answer:
        from_log = asyncio.create_task(self.watcher.wait_for(request.step_id))
        waiters = {from_log}
        from_tty = None
        if self.opt.gates == "tty" and self.prompt is not None:
            from_tty = asyncio.create_task(self.prompt(request))
            waiters.add(from_tty)
        done, pending = await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        for t in pending:
            t.cancel()
        if from_tty is not None and from_tty in done and from_tty.result() is not None:
            answer = from_tty.result()
            await self.log.add_decision(self.run_id, answer.kind, request.step_id, answer.reason,
                                        self.opt.user, self.opt.client)
            return answer
        if from_log in done:
            d = from_log.result()
            self.out.say(f"  answered from a console by {d.user or 'someone'}: {d.kind}")
            return Answer(DecisionKind(d.kind), d.reason, d.user, recorded=True)
        # the terminal went away (hang-up) while asking: wait for a console to answer
        d = await self.watcher.wait_for(request.step_id)
        return Answer(DecisionKind(d.kind), d.reason, d.user, recorded=True)
