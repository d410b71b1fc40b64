"""The runner's hook: a shell step with `hosts` runs on them, and its rollback undoes them.

Takes the runner's RunContext (config, log, run_id, recorder, cancel, lookup) without
importing core.run: the fleet sits below the runner.
"""

from __future__ import annotations

import asyncio
from typing import Any

from maintui.core.fleet.job import FleetJob, verdict
from maintui.core.fleet.play import Play
from maintui.core.fleet.rollout import batches
from maintui.core.fleet.settings import FleetSettings
from maintui.core.site.model import CONTEXT_ENV, Step
from maintui.core.site.template import substitute
from maintui.core.states import StepState
from maintui.core.store.hosts import changed_hosts


def _environment(ctx: Any, step: Step) -> dict[str, str]:
    """The site's `[env]`, the step's own `env` (both rendered as for a local step) and the
    run's MAINTUI_* context, which wins: never this machine's whole environment."""
    env = {k: str(v) for k, v in substitute(ctx.config.env, ctx.lookup).items()}
    env.update({k: str(v) for k, v in substitute(step.env, ctx.lookup).items()})
    for var, name in CONTEXT_ENV.items():
        try:
            env[var] = str(ctx.lookup(name))
        except KeyError:  # no incident: the variable is not set rather than empty
            env.pop(var, None)
    return env | {"MAINTUI_RUN_ID": str(ctx.run_id), "MAINTUI_STEP": step.id}


def _job(ctx: Any, step: Step, loop: asyncio.AbstractEventLoop) -> FleetJob:
    def say(line: str) -> None:
        loop.call_soon_threadsafe(ctx.recorder.add_now, step.id, "stdout", [line])

    return FleetJob.for_site(FleetSettings.from_config(ctx.config), store=ctx.log.path,
                             run_id=ctx.run_id, step_id=step.id, mask=ctx.recorder.mask,
                             say=say, cancelled=ctx.cancel.is_set)


def _shape(step: Step, command: str, env: dict[str, str]):
    def shape(hosts: list[str], ident: str) -> Play:
        return Play(hosts=hosts, ident=ident, command=command, title=step.title,
                    environment=env, timeout=step.timeout)
    return shape


def batch_gate(ctx: Any, step: Step, loop: asyncio.AbstractEventLoop):
    """The gate per batch: the runner's `ctx.admit_batch(step, n, total, hosts)`, a coroutine
    answering True to go on, asked from the play's thread on the runner's loop, as
    `admit(n, total, hosts)`; None without gates. Whether the step asks is the gatekeeper's
    to say (its risk or its class policy, which this layer does not read)."""
    ask = getattr(ctx, "admit_batch", None)
    if ask is None:
        return None

    def admit(number: int, total: int, hosts: list[str]) -> bool:
        return bool(asyncio.run_coroutine_threadsafe(ask(step, number, total, hosts),
                                                     loop).result())
    return admit


async def run_on_hosts(ctx: Any, step: Step, command: str) -> tuple[StepState, str]:
    """Run a shell step's command on its hosts; (state, message naming failed hosts)."""
    loop = asyncio.get_running_loop()
    env = _environment(ctx, step)

    def work() -> tuple[StepState, str]:
        job = _job(ctx, step, loop)
        hosts = job.hosts(step.hosts or "")
        gate, total = batch_gate(ctx, step, loop), len(batches(hosts, step.serial))
        outcome = job.run(hosts, _shape(step, command, env), serial=step.serial,
                          max_fail_percentage=step.max_fail_percentage,
                          admit=(lambda n, batch: gate(n, total, batch)) if gate else None)
        ok, message = verdict(step.hosts or "", outcome)
        if outcome.stopped == "cancelled":
            return StepState.CANCELLED, message
        if outcome.stopped == "timed out":
            return StepState.TIMED_OUT, message
        return (StepState.SUCCEEDED if ok else StepState.FAILED), message

    try:
        return await asyncio.to_thread(work)
    except Exception as exc:  # a bad inventory or missing Ansible fails the step, not the run
        return StepState.FAILED, f"{type(exc).__name__}: {exc}"


async def rollback_on_hosts(ctx: Any, step: Step, command: str) -> tuple[bool, str]:
    """The step's rollback on the hosts it changed, one host at a time, newest change first."""
    hosts = await changed_hosts(ctx.log, ctx.run_id, step.id)
    if not hosts:
        return True, "nothing to undo: the step changed no host"
    loop = asyncio.get_running_loop()
    env = _environment(ctx, step)

    def work() -> tuple[bool, str]:
        job = _job(ctx, step, loop)
        outcome = job.run(hosts, _shape(step, command, env), serial=1,
                          max_fail_percentage=100, phase="rollback")
        return verdict("rollback", outcome)

    try:
        return await asyncio.to_thread(work)
    except Exception as exc:
        return False, f"rollback failed: {type(exc).__name__}: {exc}"


def plan_hosts(config: Any, step: Step) -> list[str]:
    """The dry run's lines for a step on hosts: which hosts, in which batches (reads only).
    A shell command is not run in check mode: Ansible's shell module would only skip it."""
    from maintui.core.fleet.inventory import Inventory

    try:
        settings = FleetSettings.from_config(config)
        hosts = Inventory.load(settings.inventory).match(step.hosts or "", settings.limit)
    except Exception as exc:  # shown in the plan: the run itself would fail the same way
        return [f"(hosts unavailable: {exc})"]
    if not hosts:
        return [f"no host matches {step.hosts!r}" + (f" with --limit {settings.limit}"
                                                     if settings.limit else "")]
    groups = batches(hosts, step.serial)
    lines = [f"on {len(hosts)} host(s) of {step.hosts!r}: {', '.join(hosts)}"]
    if len(groups) > 1:
        lines.append(f"in {len(groups)} batches: "
                     + " | ".join(", ".join(g) for g in groups)
                     + (f"; stop when more than {step.max_fail_percentage:g}% of a batch fails"
                        if step.max_fail_percentage is not None else ""))
    return lines
