"""A step's `only_if`: the command that decides whether the step runs at all."""

from __future__ import annotations

from maintui.core.run.shell import SPAWN_FAILED, run_command
from maintui.core.run.steps import RunContext, unread_values
from maintui.core.run.stepview import render_command, step_cwd, step_env, step_shell
from maintui.core.site.model import Step
from maintui.core.states import StepState

# A condition is a quick test: one that hangs is broken, and the step fails saying so.
CONDITION_TIMEOUT = 60.0


async def check_condition(ctx: RunContext, step: Step) -> tuple[StepState, str] | None:
    """None when the step may run (its `only_if` exited 0, or it has none); else the state
    it ends in without running and why: `skipped` when the command exited non-zero, `failed`
    when it could not be judged (a value it reads is missing, it could not start or timed
    out), `cancelled` when the run was stopped meanwhile."""
    if step.only_if is None:
        return None
    missing = unread_values(ctx, step, [step.only_if])
    if missing:  # else the shell would test the text `${steps.ID.KEY}` and skip the step
        return StepState.FAILED, f"only_if could not be evaluated: {missing}"
    try:
        rendered = render_command(step.only_if, ctx.lookup, step_shell(step, ctx.lookup))
    except KeyError as exc:
        return StepState.FAILED, f"only_if could not be evaluated: no value for {exc.args[0]}"
    assert rendered is not None
    shown = ctx.recorder.mask(rendered.display)
    await ctx.recorder.add(step.id, "only_if", [f"$ {shown}"])

    async def sink(stream: str, lines: list[str]) -> None:
        await ctx.recorder.add(step.id, "only_if", lines)

    timeout = min(step.timeout or CONDITION_TIMEOUT, CONDITION_TIMEOUT)
    env = step_env(step, ctx.lookup, ctx.run_id, {}, ctx.config.env)
    result = await run_command(rendered.argv, sink, env=env, cwd=step_cwd(step, ctx.lookup),
                               timeout=timeout, cancel=ctx.cancel)
    await ctx.recorder.flush()
    if result.cancelled:
        return StepState.CANCELLED, "cancelled while its only_if ran"
    if result.timed_out:
        return StepState.FAILED, f"only_if timed out after {timeout:g}s: {shown}"
    if result.exit_code == SPAWN_FAILED:
        return StepState.FAILED, f"only_if could not run its command (exit 127): {shown}"
    if result.exit_code != 0:
        return StepState.SKIPPED, f"only_if exited {result.exit_code}: {shown}"
    return None
