"""A step rendered for a run: variables substituted, commands as argv, and the one `StepView`
that every place showing a step to a person (plan, gate, console, terminal) reads."""

from __future__ import annotations

import json
import os
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from maintui.core.masking import Masker
from maintui.core.run.outputs import OUTPUT_VAR
from maintui.core.site.config import SiteConfig
from maintui.core.site.model import CONTEXT_ENV, Screen, Step
from maintui.core.site.template import substitute
from maintui.core.site.validate import env_unset

SHELL = "/bin/sh"


def make_lookup(config: SiteConfig, screen: Screen, run_id: int | str, run_dir: Path, *,
                incident: str | None = None,
                outputs: dict[str, dict[str, str]] | None = None) -> Callable[[str], Any]:
    """`${name}` → value: the run's built-in names, `env.NAME` from maintui's own environment,
    `steps.ID.KEY` from `outputs` (shown as written when there is no run to read them from),
    then config.toml (with `--var` overrides); KeyError when undefined."""
    builtins = {"run.id": str(run_id), "run.dir": str(run_dir), "site.root": str(config.root),
                "screen.name": screen.name, "state.dir": str(config.state_dir)}
    if incident:
        builtins["incident.id"] = str(incident)

    def lookup(name: str) -> Any:
        if name in builtins:
            return builtins[name]
        if name.startswith("env."):
            if name[4:] not in os.environ:  # validation refuses it; the environment may differ
                raise KeyError(env_unset(name))
            return os.environ[name[4:]]
        if name.startswith("steps."):
            # an included step's id is dotted (`health.disk`); a key never is
            step_id, _, key = name[len("steps."):].rpartition(".")
            if outputs is None or step_id not in outputs:  # a plan, or a view before it ran
                return "${" + name + "}"
            if key not in outputs[step_id]:
                raise KeyError(f"{name} (step {step_id} wrote no {key} to ${OUTPUT_VAR})")
            return outputs[step_id][key]
        return config.lookup(name)

    return lookup


@dataclass(frozen=True)
class Rendered:
    """A command ready to spawn, and how to show it."""

    argv: list[str]
    display: str

    @property
    def on_host(self) -> str:
        """The line a host's `/bin/sh` runs (core/fleet): the text itself, or `bash -c '…'`
        when the step's shell is another interpreter."""
        if self.argv[:2] == [SHELL, "-c"]:
            return self.display
        return shlex.join(self.argv)


def step_shell(step: Step | None, lookup: Callable[[str], Any]) -> str:
    """The interpreter of a step's shell strings: its `shell`, the site's, else /bin/sh."""
    if step is not None and step.shell:
        return step.shell
    try:
        return str(lookup("site.shell")) or SHELL
    except KeyError:
        return SHELL


def render_command(cmd: str | list[str] | None, lookup: Callable[[str], Any],
                   shell: str | None = None) -> Rendered | None:
    """A shell string (values shell-quoted, run as `SHELL -c TEXT`) or an argv list (values as
    they are). `shell` may carry options ("bash -eu"); None means the site's."""
    if cmd is None:
        return None
    if isinstance(cmd, str):
        text = substitute(cmd, lookup, shell=True)
        program = shlex.split(shell or step_shell(None, lookup)) or [SHELL]
        return Rendered([*program, "-c", text], text)
    argv = [str(a) for a in substitute(cmd, lookup)]
    return Rendered(argv, shlex.join(argv))


def step_command(step: Step, lookup: Callable[[str], Any]) -> Rendered | None:
    if step.run is not None:
        return render_command(step.run, lookup, step_shell(step, lookup))
    if step.argv is not None:
        return render_command(step.argv, lookup)
    return None


def step_cwd(step: Step, lookup: Callable[[str], Any]) -> str:
    """Where a step's commands run: its `cwd` (relative to the site folder), else the site
    folder, so that no step depends on where maintui was started."""
    root = Path(str(lookup("site.root")))
    if not step.cwd:
        return str(root)
    path = Path(str(substitute(step.cwd, lookup))).expanduser()
    return str(path if path.is_absolute() else root / path)


def describe_action(step: Step, lookup: Callable[[str], Any]) -> str:
    params = substitute(step.with_, lookup)
    args = " ".join(f"{k}={_arg(v)}" for k, v in params.items())
    return f"{step.action} {args}".strip()


def _arg(value: Any) -> str:
    """A parameter as an operator reads it: tables and lists as compact JSON, text quoted.
    An action's parameter is not a shell word: text holding a single quote is shown in double
    quotes (`where="severity <> 'critical'"`), not shell-escaped (`'severity <> '"'"'c…`)."""
    if isinstance(value, dict | list):
        return json.dumps(value, separators=(",", ":"), default=str)
    if isinstance(value, str):
        quoted = shlex.quote(value)
        return json.dumps(value, ensure_ascii=False) if "'" in value else quoted
    return str(value).lower() if isinstance(value, bool) else str(value)


def display_command(step: Step, lookup: Callable[[str], Any]) -> str:
    """One line that says what the step does: the command, the action call, or 'manual'."""
    if step.manual:
        return "manual checklist item"
    if step.action:
        return describe_action(step, lookup)
    rendered = step_command(step, lookup)
    return rendered.display if rendered else ""


# What a rollback says of a step that has nothing to run, in its plan and in the run log alike.
NO_UNDO_CHECK = "nothing to undo: a read-only check"
NO_UNDO_KEPT = "nothing to run: this step has no undo, its change stays"
KEPT_LABEL = "kept (no undo)"  # such a step after a rollback: not rolled back, in words


def kept(state: str, reason: str | None) -> bool:
    """A step a rollback went past: it has no undo, so its change stays (its row says
    rolled_back, with NO_UNDO_KEPT as the reason)."""
    return state == "rolled_back" and reason == NO_UNDO_KEPT


def rollback_text(step: Step, lookup: Callable[[str], Any]) -> str:
    if step.rollback is not None:
        rendered = render_command(step.rollback, lookup, step_shell(step, lookup))
        return rendered.display if rendered else ""
    if step.action:
        from maintui.core.actions import get_action

        cls = get_action(step.action)
        if cls is not None and cls.has_undo():
            return f"{step.action} undo (built in)"
    return ""


def step_env(step: Step, lookup: Callable[[str], Any], run_id: int, extra: dict[str, str],
             site_env: dict[str, str] | None = None) -> dict[str, str]:
    """maintui's own environment, then config.toml's [env], then the step's `env` (each adds
    to the one before, PATH included), then the run's MAINTUI_* context, which always wins."""
    env = dict(os.environ)
    env.update({k: str(v) for k, v in substitute(site_env or {}, lookup).items()})
    env.update({k: str(v) for k, v in substitute(step.env, lookup).items()})
    env.update(extra)
    for var, name in CONTEXT_ENV.items():
        try:
            env[var] = str(lookup(name))
        except KeyError:  # no incident: the variable is not set rather than empty
            env.pop(var, None)
    env.update({"MAINTUI_RUN_ID": str(run_id), "MAINTUI_STEP": step.id})
    return env


def action_params(step: Step, lookup: Callable[[str], Any]) -> Any:
    from maintui.core.actions import get_action

    cls = get_action(step.action or "")
    if cls is None:
        raise KeyError(step.action)
    params = cls.Params.model_validate(substitute(step.with_, lookup))
    return cls, _rooted(params, Path(str(lookup("site.root"))))


def _rooted(params: Any, root: Path) -> Any:
    """An action's relative path parameters made absolute against the site folder: actions run
    inside maintui, whose working folder is wherever it was started."""
    moved = {name: root / value.expanduser() for name, value in params
             if isinstance(value, Path) and not value.expanduser().is_absolute()}
    return params.model_copy(update=moved) if moved else params


def gate_text(step: Step) -> str:
    """How the step is asked about before it runs (the friction its risk sets)."""
    if step.manual:
        return "checklist"
    if not step.needs_confirm:
        return "runs without asking"
    return {"normal": "one key", "destructive": "confirm (shows plan)",
            "critical": "type the step id"}.get(step.risk, "confirm")


@dataclass(frozen=True)
class StepView:
    """A step as shown to a person: rendered and masked once, read by the dry run, the gate
    (and the event row it writes), the console's queue, detail and dialogs, and the terminal."""

    step_id: str
    title: str
    risk: str = "normal"
    manual: bool = False
    command: str = ""  # rendered and masked; "" before it was rendered
    plan: list[str] = field(default_factory=list)  # what it will change (masked)
    rollback: str = ""
    description: str = ""
    requires: list[dict[str, Any]] = field(default_factory=list)  # precondition checks
    blocked: bool = False  # a gate held by unmet preconditions, not a question
    kind: str = ""
    gate: str = ""  # how it is asked about ("" before it was rendered)
    verify: str = ""
    after: list[str] = field(default_factory=list)
    after_any: list[str] = field(default_factory=list)  # waited for whatever their outcome
    only_if: str = ""  # the condition command, rendered and masked
    impact: str = ""
    estimate: float | None = None
    class_: str | None = None
    tags: list[str] = field(default_factory=list)
    # what the step's class policy ([classes.NAME], core/run/policy.py) asks at its gate
    typed: str = ""  # the word the operator types to run it ("" when not asked to type)
    approver: bool = False  # an approver's name must be entered
    ticket: bool = False  # a ticket id must be entered
    policy: str = ""  # the policy in a few words ("corrective policy: approver, ticket")

    @classmethod
    def of(cls, step: Step) -> StepView:
        """What the screen file says of a step, before anything is rendered."""
        return cls(step.id, step.title, step.risk, step.manual, description=step.description,
                   kind=step.kind, after=list(step.after), after_any=list(step.after_any),
                   impact=step.impact,
                   estimate=step.estimate, class_=step.class_, tags=list(step.tags))

    def to_dict(self) -> dict[str, Any]:
        """The event row's form (`class` spelled as in the screen file)."""
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        out["class"] = out.pop("class_")
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> StepView:
        """From an event row; rows written before a key existed get its default."""
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known and k != "class_"}
        if "class" in data:
            values["class_"] = data["class"]
        values.setdefault("title", values.get("step_id", ""))
        return cls(**values)


def render_view(step: Step, lookup: Callable[[str], Any], mask: Masker, *,
                plan: list[str] | None = None, requires: list[dict[str, Any]] | None = None,
                verify: str = "") -> StepView:
    """The step rendered with this run's values and masked: what a person is shown."""
    condition = render_command(step.only_if, lookup, step_shell(step, lookup))
    return replace(StepView.of(step), command=mask(display_command(step, lookup)),
                   only_if=mask(condition.display) if condition else "",
                   plan=mask.lines(list(plan or [])), rollback=mask(rollback_text(step, lookup)),
                   requires=list(requires or []), gate=gate_text(step), verify=mask(verify))
