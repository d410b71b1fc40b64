"""A step's class policy at its gate: the friction and fields its view carries, what an answer
must name (approver, ticket), and whether it may start now (docs/classes.md)."""

from __future__ import annotations

import re
import time
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime, timedelta

from maintui.core.site.classes import ClassPolicy, class_policy
from maintui.core.site.config import SiteConfig
from maintui.core.site.model import Step
from maintui.core.site.schedule import in_window, parse_window

# how an answer carries the names the gate asked for, in the decision's reason
FIELD = re.compile(r"(?:^|;\s*)(approver|ticket):\s*([^;]+)")
NEXT_SEARCH = 8 * 24 * 60  # minutes looked ahead for the next opening of a window


def step_policy(config: SiteConfig, step: Step) -> ClassPolicy | None:
    return class_policy(config.data, step.class_)


def with_policy(view, policy: ClassPolicy | None, now: float | None = None):
    """The step's view (`stepview.StepView`) with what its policy asks at the gate, its window
    as it stands at `now` (open, or when it next opens)."""
    if policy is None or not (policy.asks or policy.window):
        return view
    typed = policy.typed_word(view.step_id) or view.typed
    gate = view.gate
    if typed:
        gate = "type the step id" if typed == view.step_id else f"type {typed!r}"
    elif policy.friction == "confirm" and gate == "runs without asking":
        gate = "confirm"
    needs = [n for n, on in (("approver", policy.approver), ("ticket", policy.ticket)) if on]
    if needs:
        gate += " + " + " and ".join(needs)
    return replace(view, typed=typed, approver=policy.approver, ticket=policy.ticket,
                   policy=policy.describe(time.time() if now is None else now), gate=gate)


def answer_problem(name: str, value: str) -> str:
    """Why `value` cannot be given as the answer's `name` (approver, ticket), else "": the
    reason carries both as `approver: …; ticket: …`, so a ';' or a line break in one could
    name the other (`bob; ticket: none`)."""
    if any(c in value for c in ";\n\r"):
        return f"the {name} cannot contain ';' or a line break (got {value!r}); give it alone"
    return ""


def answer_reason(approver: str = "", ticket: str = "", note: str = "") -> str:
    """The decision's reason with the names the gate asked for: `approver: …; ticket: …`.
    ValueError when one would forge the other (callers refuse it first: answer_problem)."""
    for name, value in (("approver", approver), ("ticket", ticket)):
        if answer_problem(name, value):
            raise ValueError(answer_problem(name, value))
    parts = [f"approver: {approver.strip()}" if approver.strip() else "",
             f"ticket: {ticket.strip()}" if ticket.strip() else "", note.strip()]
    return "; ".join(p for p in parts if p)


def answer_fields(reason: str) -> dict[str, str]:
    """`approver` and `ticket` as an answer's reason names them."""
    return {k: v.strip() for k, v in FIELD.findall(reason or "")}


def missing(policy: ClassPolicy | None, reason: str) -> list[str]:
    """What the policy asks for that the answer does not name."""
    if policy is None:
        return []
    given = answer_fields(reason)
    return [n for n, on in (("approver", policy.approver), ("ticket", policy.ticket))
            if on and not given.get(n)]


def next_opening(window: str, now: float) -> float | None:
    """When the window next opens after `now` (to the minute), or None within eight days."""
    parse_window(window)
    start = datetime.fromtimestamp(now).replace(second=0, microsecond=0)
    for minute in range(1, NEXT_SEARCH):
        when = (start + timedelta(minutes=minute)).timestamp()
        if in_window(window, when):
            return when
    return None


def outside(policy: ClassPolicy | None, now: float | None = None) -> str:
    """Why a step of this class may not start now (its window is elsewhere), else ""."""
    if policy is None or not policy.window:
        return ""
    now = time.time() if now is None else now
    if in_window(policy.window, now):
        return ""
    opens = next_opening(policy.window, now)
    nxt = f"; it next opens {time.strftime('%a %Y-%m-%d %H:%M', time.localtime(opens))}" if (
        opens) else ""
    return f"outside the {policy.name} window ({policy.window}){nxt}"


def headless_missing(config: SiteConfig, steps: Iterable[Step], approver: str,
                     ticket: str) -> str:
    """Unattended (`--yes`): what the steps' policies ask that the command line does not give,
    as a message naming the option, else ""."""
    needs: dict[str, list[str]] = {}
    for step in steps:
        policy = step_policy(config, step)
        if policy is None:
            continue
        if policy.approver and not approver.strip():
            needs.setdefault("--approver NAME", []).append(f"{step.id} ({step.class_})")
        if policy.ticket and not ticket.strip():
            needs.setdefault("--ticket ID", []).append(f"{step.id} ({step.class_})")
    return "; ".join(f"{', '.join(ids)} {'needs' if len(ids) == 1 else 'need'} {opt}"
                     for opt, ids in needs.items())


def weighed(view, policy: bool = True) -> str:
    """What an operator weighs before running a step, in one line: class, estimate, tags,
    and (with `policy`) its class policy (`corrective · about 5m · tags db · approver,
    ticket`), or ""."""
    from maintui.core.units import format_duration

    parts = [view.class_ or "",
             f"about {format_duration(view.estimate)}" if view.estimate is not None else "",
             f"tags {', '.join(view.tags)}" if view.tags else "",
             view.policy.split(": ", 1)[-1] if view.policy and policy else ""]
    return " · ".join(p for p in parts if p)
