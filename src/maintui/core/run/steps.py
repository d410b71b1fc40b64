"""Executing one step attempt, its verify check, and its undo, for the runner."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from maintui.core.actions.base import ActionContext, ActionResult
from maintui.core.errors import ActionError
from maintui.core.files import private_dir, write_private
from maintui.core.fleet import step as fleet
from maintui.core.masking import is_secret_name
from maintui.core.run.annotations import Annotations
from maintui.core.run.orphans import TOKEN_VAR, end, marked
from maintui.core.run.outputs import OUTPUT_VAR, output_file, read_outputs, recorded_lines
from maintui.core.run.recorder import OutputRecorder
from maintui.core.run.shell import GRACE, leftover_findings, run_command
from maintui.core.run.stepview import (
    NO_UNDO_CHECK,
    NO_UNDO_KEPT,
    Rendered,
    action_params,
    render_command,
    step_command,
    step_cwd,
    step_env,
    step_shell,
)
from maintui.core.site.config import SiteConfig
from maintui.core.site.model import Screen, Step
from maintui.core.site.template import names_in
from maintui.core.states import StepState
from maintui.core.store.sync import StoreKV, StoreSamples

VERIFY_TIMEOUT = 120.0


@dataclass
class Outcome:
    state: StepState
    exit_code: int | None = None
    message: str = ""
    findings: list[dict[str, Any]] = field(default_factory=list)
    undo: dict[str, Any] | None = None


@dataclass
class RunContext:
    """What every step of one run shares."""

    config: SiteConfig
    screen: Screen
    log: Any
    run_id: int
    run_dir: Path
    lookup: Callable[[str], Any]
    recorder: OutputRecorder
    cancel: asyncio.Event
    render_report: Callable[[], str] | None = None
    started: float = 0.0  # the run's start, as the run log has it
    # each running step's marker (MAINTUI_STEP_TOKEN), and where its process group is recorded
    tokens: dict[str, str] = field(default_factory=dict)
    spawned: Callable[[str, int], Awaitable[None]] | None = None
    # the values steps wrote to $MAINTUI_OUTPUT, by step id: read as ${steps.ID.KEY}
    outputs: dict[str, dict[str, str]] = field(default_factory=dict)
    # the gate before each batch of a rollout after the first (Gatekeeper.admit_batch):
    # (step, batch number, batches, its hosts) -> go on
    admit_batch: Callable[[Step, int, int, list[str]], Awaitable[bool]] | None = None


def _marker(ctx: RunContext, step: Step) -> dict[str, str]:
    token = ctx.tokens.get(step.id)
    return {TOKEN_VAR: token} if token else {}


def _env(ctx: RunContext, step: Step) -> dict[str, str]:
    return step_env(step, ctx.lookup, ctx.run_id, _marker(ctx, step), ctx.config.env)


def _on_start(ctx: RunContext, step: Step) -> Callable[[int], Awaitable[None]] | None:
    if ctx.spawned is None:
        return None
    spawned = ctx.spawned
    return lambda pgid: spawned(step.id, pgid)


async def _end_escapees(ctx: RunContext, step: Step) -> None:
    """After a cancel or a timeout killed the group: descendants that left it with setsid."""
    token = ctx.tokens.get(step.id)
    if token:
        await asyncio.to_thread(lambda: end(marked(token), GRACE))


async def _command(ctx: RunContext, step: Step, rendered: Rendered, stream_prefix: str = "") -> Outcome:
    notes = Annotations()  # ::warning::/::error::/::notice:: lines: findings of the step

    async def sink(stream: str, lines: list[str]) -> None:
        notes.scan(lines)
        await ctx.recorder.add(step.id, stream_prefix + stream if stream_prefix else stream, lines)

    try:
        cwd = step_cwd(step, ctx.lookup)
        env = _env(ctx, step)
    except KeyError as exc:  # an unset ${env.NAME} in [env] or the step's env: say which
        return Outcome(StepState.FAILED, None, str(exc.args[0]))
    values = output_file(ctx.run_dir, step.id)
    write_private(values, "")  # 0600 in a 0700 folder: a value may be secret; a retry starts empty
    env[OUTPUT_VAR] = str(values)
    cap, stop_at_cap = ctx.config.output_limit(step.output_cap, step.on_output_cap)
    result = await run_command(rendered.argv, sink, env=env, cwd=cwd, timeout=step.timeout,
                               cancel=ctx.cancel, on_start=_on_start(ctx, step),
                               output_cap=cap, stop_at_cap=stop_at_cap)
    await _keep_outputs(ctx, step, values)
    if result.timed_out or result.cancelled or result.stopped_at_cap:
        await _end_escapees(ctx, step)
    if result.timed_out:
        return Outcome(StepState.TIMED_OUT, None, f"timed out after {step.timeout:g}s; "
                       "its process group was killed", notes.findings)
    if result.cancelled:
        return Outcome(StepState.CANCELLED, None, "cancelled by the operator; process group killed",
                       notes.findings)
    if result.stopped_at_cap:
        return Outcome(StepState.FAILED, None, f"stopped: {result.cap_note}", notes.findings)
    left = notes.findings + leftover_findings(result)  # the exit code still decides success
    if result.exit_code != 0:
        return Outcome(StepState.FAILED, result.exit_code, f"exit code {result.exit_code}",
                       left)
    return Outcome(StepState.SUCCEEDED, 0, findings=left)


async def _keep_outputs(ctx: RunContext, step: Step, path: Path) -> None:
    """The values the step wrote: kept for later steps, and recorded (masked) in its output."""
    values, problems = read_outputs(path)
    ctx.outputs[step.id] = values
    # a secret a step hands on is masked wherever a later step prints it, like any other
    ctx.recorder.mask.add(v for k, v in values.items() if is_secret_name(k, ctx.config.secrets))
    lines = recorded_lines(values, ctx.recorder.mask, ctx.config.secrets)
    lines += [f"maintui: {OUTPUT_VAR}: {p}" for p in problems]
    if lines:
        await ctx.recorder.add(step.id, "outputs", lines)


def _action_context(ctx: RunContext, step: Step, params: Any, loop: asyncio.AbstractEventLoop,
                    cancelled: Any) -> ActionContext:
    def log_line(line: str) -> None:
        loop.call_soon_threadsafe(ctx.recorder.add_now, step.id, "stdout", str(line).split("\n"))

    return ActionContext(params=params, config=ctx.config, scratch_dir=ctx.run_dir / step.id,
                         run_id=ctx.run_id, run_started=ctx.started, step_id=step.id,
                         log=log_line,
                         kv=StoreKV(ctx.log.path), samples=StoreSamples(ctx.log.path),
                         cancelled=cancelled, render_report=ctx.render_report,
                         env=_env(ctx, step), admit_batch=fleet.batch_gate(ctx, step, loop))


async def _in_thread(ctx: RunContext, step: Step, fn: Callable[[ActionContext], Any],
                     params: Any) -> tuple[str, Any]:
    """Run fn(actx) in a thread; returns ('ok', value) | ('timeout'|'cancelled'|'error', info)."""
    import threading

    loop = asyncio.get_running_loop()
    flag = threading.Event()
    try:
        actx = _action_context(ctx, step, params, loop, flag)
    except KeyError as exc:  # an unset ${env.NAME} in [env] or the step's env: say which
        return "error", str(exc.args[0])
    private_dir(ctx.run_dir / step.id)  # 0700 whatever the umask: undo data may be secret
    task = asyncio.ensure_future(asyncio.to_thread(fn, actx))
    stopper = asyncio.ensure_future(ctx.cancel.wait())
    done, _ = await asyncio.wait({task, stopper}, timeout=step.timeout,
                                 return_when=asyncio.FIRST_COMPLETED)
    stopper.cancel()
    if task in done:
        try:
            return "ok", task.result()
        except ActionError as exc:
            return "error", str(exc)
        except Exception as exc:  # an action bug must not take the runner down
            return "error", f"{type(exc).__name__}: {exc}"
    flag.set()  # threads cannot be killed: ask the action to stop and wait a grace period
    with contextlib.suppress(TimeoutError, Exception):
        await asyncio.wait_for(asyncio.shield(task), GRACE)
    return ("cancelled", "cancelled by the operator") if ctx.cancel.is_set() else (
        "timeout", f"timed out after {step.timeout:g}s")


async def _action(ctx: RunContext, step: Step) -> Outcome:
    try:
        cls, params = action_params(step, ctx.lookup)
    except Exception as exc:
        return Outcome(StepState.FAILED, None, f"bad parameters for {step.action}: {exc}")
    action = cls()
    kind, value = await _in_thread(ctx, step, action.run, params)
    if kind == "timeout":
        return Outcome(StepState.TIMED_OUT, None, value)
    if kind == "cancelled":
        return Outcome(StepState.CANCELLED, None, value)
    if kind == "error":
        return Outcome(StepState.FAILED, None, value)
    result: ActionResult = value
    findings = [f.as_dict() for f in result.findings]
    state = StepState.SUCCEEDED if result.ok else StepState.FAILED
    message = result.message or ("" if result.ok else "the action reported failure")
    return Outcome(state, None, message, findings, result.undo)


def unread_values(ctx: RunContext, step: Step, keys: list[Any] | None = None) -> str:
    """Why the `${steps.ID.KEY}` values the step reads (in `keys`, default all its commands
    and parameters) are not there yet, or ""."""
    used = names_in(keys if keys is not None else [
        step.run, step.argv, step.with_, step.env, step.cwd, step.verify, step.rollback,
        step.only_if])
    for name in used:
        if not name.startswith("steps."):
            continue
        step_id, _, key = name[len("steps."):].rpartition(".")  # ids of included steps have dots
        if step_id not in {s.id for s in ctx.screen.steps}:
            return f"reads ${{{name}}} but this screen has no step {step_id!r}"
        if step_id not in ctx.outputs:
            return (f"reads ${{{name}}} but step {step_id!r} has not run a command yet; "
                    f"add it to after = [...]")
        if key not in ctx.outputs[step_id]:
            return f"reads ${{{name}}} but step {step_id!r} wrote no {key} to ${OUTPUT_VAR}"
    return ""


async def execute(ctx: RunContext, step: Step) -> Outcome:
    """One attempt: the step itself, then its verify check when it succeeded."""
    missing = unread_values(ctx, step)
    if missing:
        return Outcome(StepState.FAILED, None, missing)
    if step.action:
        outcome = await _action(ctx, step)
    elif step.hosts:  # runs on a fleet through Ansible (core/fleet), not as a local process
        rendered = step_command(step, ctx.lookup)
        assert rendered is not None
        state, message = await fleet.run_on_hosts(ctx, step, rendered.on_host)
        outcome = Outcome(state, None, message)
    else:
        rendered = step_command(step, ctx.lookup)
        assert rendered is not None
        outcome = await _command(ctx, step, rendered)
    if outcome.state is StepState.SUCCEEDED and step.verify is not None:
        verdict = await verify(ctx, step)
        if verdict is not None:
            outcome.state, outcome.message = StepState.FAILED, verdict
    return outcome


async def verify(ctx: RunContext, step: Step) -> str | None:
    """Run the step's verify check; None when it passed, else why it failed."""
    rendered = render_command(step.verify, ctx.lookup, step_shell(step, ctx.lookup))
    if rendered is None:
        return None
    await ctx.recorder.add(step.id, "verify", [f"$ {rendered.display}"])

    async def sink(stream: str, lines: list[str]) -> None:
        await ctx.recorder.add(step.id, "verify", lines)

    result = await run_command(rendered.argv, sink, env=_env(ctx, step),
                               cwd=step_cwd(step, ctx.lookup),
                               timeout=step.timeout or VERIFY_TIMEOUT,
                               cancel=ctx.cancel, on_start=_on_start(ctx, step))
    if result.timed_out or result.cancelled:
        await _end_escapees(ctx, step)
    if result.ok:
        return None
    if result.timed_out:
        return "verify check timed out"
    return f"verify check failed (exit code {result.exit_code})"


def has_undo(step: Step, undo_data: dict[str, Any] | None) -> bool:
    """Whether undoing the step would run anything: its `rollback`, or its action's undo
    with the record the step left."""
    if step.rollback is not None:
        return True
    if not step.action or undo_data is None:
        return False
    from maintui.core.actions import get_action

    cls = get_action(step.action)
    return cls is not None and cls.has_undo()


async def undo(ctx: RunContext, step: Step, undo_data: dict[str, Any] | None) -> tuple[bool, str]:
    """Undo a completed step: its `rollback` command, else the action's own undo."""
    if step.hosts and step.rollback is not None:  # on the hosts it changed, newest first
        rendered = render_command(step.rollback, ctx.lookup, step_shell(step, ctx.lookup))
        assert rendered is not None
        return await fleet.rollback_on_hosts(ctx, step, rendered.on_host)
    if step.rollback is not None:
        rendered = render_command(step.rollback, ctx.lookup, step_shell(step, ctx.lookup))
        assert rendered is not None
        await ctx.recorder.add(step.id, "rollback", [f"$ {rendered.display}"])

        async def sink(stream: str, lines: list[str]) -> None:
            await ctx.recorder.add(step.id, "rollback", lines)

        result = await run_command(rendered.argv, sink,
                                   env=_env(ctx, step), cwd=step_cwd(step, ctx.lookup),
                                   timeout=step.timeout)
        return result.ok, "" if result.ok else f"rollback command failed (exit {result.exit_code})"
    if step.action:
        cls, params = action_params(step, ctx.lookup)
        if not cls.has_undo():  # in the words the rollback's own plan used (plan.undo_plan)
            return True, (NO_UNDO_CHECK if cls.changes_nothing else NO_UNDO_KEPT)
        if undo_data is None:
            return True, "nothing to undo (the action recorded no changes)"
        kind, value = await _in_thread(ctx, step, lambda a: cls().undo(a, undo_data), params)
        if kind != "ok":
            return False, f"undo failed: {value}"
        return True, await _undo_said(ctx, step, value)
    return True, NO_UNDO_KEPT


async def _undo_said(ctx: RunContext, step: Step, result: ActionResult | None) -> str:
    """What an action's undo reports (restored, kept): lines of the step's output, and a note."""
    if not isinstance(result, ActionResult):
        return ""
    lines = [f"[{f.status}] {f.summary}" for f in result.findings]
    if lines:
        await ctx.recorder.add(step.id, "rollback", lines)
    return result.message


def undo_json(data: dict[str, Any] | None) -> str | None:
    return json.dumps(data, default=str) if data is not None else None
