"""Dry run: the plan of a screen in order, every command substituted, touching nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from maintui.core.masking import Masker
from maintui.core.run.stepview import display_command, make_lookup, rollback_text
from maintui.core.site import paths
from maintui.core.site.config import SiteConfig
from maintui.core.site.model import Screen, Step
from maintui.core.site.order import topo_order


@dataclass(frozen=True)
class PlanItem:
    step_id: str
    title: str
    kind: str
    risk: str
    gate: str
    command: str
    rollback: str
    verify: str
    after: list[str]
    changes: list[str] = field(default_factory=list)


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


def gate_text(step: Step) -> str:
    if step.manual:
        return "checklist"
    if not step.needs_confirm:
        return "runs without asking"
    return {"normal": "one key", "destructive": "confirm (shows plan)",
            "critical": "type the step id"}.get(step.risk, "confirm")


def plan_screen(config: SiteConfig, screen: Screen, overrides: dict[str, str] | None = None) -> list[PlanItem]:
    run_dir = paths.run_dir(config.state_dir, "DRY-RUN")
    base = make_lookup(config, screen, "DRY-RUN", run_dir)
    overrides = overrides or {}

    def lookup(name: str) -> Any:
        return overrides[name] if name in overrides else base(name)

    mask = Masker.for_site(config.data, config.mask_patterns)
    order = topo_order([s.id for s in screen.steps], {s.id: s.after for s in screen.steps})
    items = []
    for sid in order:
        step = screen.step(sid)
        changes = action_plan(config, step, lookup, run_dir) if step.action else []
        verify = display_command(step.model_copy(update={"run": step.verify, "argv": None,
                                                         "action": None}), lookup) if isinstance(
            step.verify, str) else (" ".join(step.verify) if step.verify else "")
        items.append(PlanItem(sid, step.title, step.kind, step.risk, gate_text(step),
                              mask(display_command(step, lookup)), mask(rollback_text(step, lookup)),
                              mask(verify), list(step.after), mask.lines(changes)))
    return items
