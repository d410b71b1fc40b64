"""Dry run: the plan of a screen in order, every command substituted, touching nothing."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from maintui.core.fleet import step as fleet
from maintui.core.run.policy import step_policy, with_policy
from maintui.core.run.stepview import (
    NO_UNDO_CHECK,
    NO_UNDO_KEPT,
    StepView,
    display_command,
    make_lookup,
    render_view,
    rollback_text,
)
from maintui.core.site import paths
from maintui.core.site.config import SiteConfig
from maintui.core.site.model import Screen, Step
from maintui.core.site.order import topo_order
from maintui.core.site.secrets import run_masker
from maintui.core.store.rows import StepRow


def action_plan(config: SiteConfig, step: Step, lookup: Callable[[str], Any],
                run_dir: Path) -> list[str]:
    """What a built-in action would change, from its own `plan` (reads only)."""
    from maintui.core.actions.base import ActionContext
    from maintui.core.run.stepview import action_params

    try:
        cls, params = action_params(step, lookup)
        ctx = ActionContext(params=params, config=config, scratch_dir=run_dir / step.id,
                            step_id=step.id, log=lambda _line: None)
        return list(cls().plan(ctx))
    except Exception as exc:  # a plan that cannot be computed is shown, not fatal
        return [f"(plan unavailable: {exc})"]


def plan_screen(config: SiteConfig, screen: Screen,
                overrides: dict[str, str] | None = None) -> list[StepView]:
    run_dir = paths.run_dir(config.state_dir, "DRY-RUN")
    base = make_lookup(config, screen, "DRY-RUN", run_dir)
    overrides = overrides or {}

    def lookup(name: str) -> Any:
        return config.var_value(name, overrides[name]) if name in overrides else base(name)

    mask = run_masker(config, screen, overrides)  # --var and screen secrets too
    order = topo_order([s.id for s in screen.steps], {s.id: s.waits_for for s in screen.steps})
    items = []
    for sid in order:
        step = screen.step(sid)
        changes = action_plan(config, step, lookup, run_dir) if step.action else (
            fleet.plan_hosts(config, step) if step.hosts else [])
        verify = display_command(step.model_copy(update={"run": step.verify, "argv": None,
                                                         "action": None}), lookup) if isinstance(
            step.verify, str) else (" ".join(step.verify) if step.verify else "")
        items.append(with_policy(render_view(step, lookup, mask, plan=changes, verify=verify),
                                 step_policy(config, step)))
    return items


def undo_plan(config: SiteConfig, screen: Screen, run_id: int,
              rows: Sequence[StepRow]) -> list[tuple[str, str]]:
    """What rolling back a run undoes, in the order its runner undoes it (an interrupted run's
    running step first, then the newest completed step first), each with what its undo runs
    (masked) or why nothing runs."""
    from maintui.core.actions import get_action
    from maintui.core.run.interrupted import rollback_order

    mask = run_masker(config, screen, {})
    lookup = make_lookup(config, screen, run_id, paths.run_dir(config.state_dir, run_id))

    def line(step: Step) -> str:
        action = get_action(step.action) if step.action else None
        if action is not None and action.changes_nothing:
            return NO_UNDO_CHECK
        return mask(rollback_text(step, lookup)) or NO_UNDO_KEPT
    return [(sid, line(screen.step(sid))) for sid in rollback_order(rows)]
