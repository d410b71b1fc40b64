"""Checks across a screen file: ids, `after`, cycles, actions and their parameters, variables."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from maintui.core.site.model import BUILTIN_VARS, Problem, Screen, Step
from maintui.core.site.order import find_cycles
from maintui.core.site.secrets import secret_entries
from maintui.core.site.template import names_in, substitute

if TYPE_CHECKING:
    from maintui.core.site.config import SiteConfig


def type_fix(err: dict[str, Any]) -> tuple[str, str] | None:
    """A wrong type in a step key as the fix to write (`after_any = ["b"]`), not pydantic's
    words, and the key it is on; a command's two forms (string, list) make one message.
    None when this is not such an error."""
    import json

    loc, given = err.get("loc", ()), err.get("input")
    if not loc or not isinstance(loc[0], str) or err["type"] not in ("list_type", "string_type"):
        return None
    import shlex

    key, fields = loc[0], {(f.alias or n): f for n, f in Step.model_fields.items()}
    if key not in fields:
        return None
    kind = str(fields[key].annotation)
    got = f" (got {given!r})"
    # a scalar given is quoted as the example; a table or list gives a placeholder
    text = json.dumps(str(given)) if isinstance(given, str | int | float) else '"…"'
    if "list[str]" in kind and "str |" in kind and len(loc) == 2 and loc[1] in ("str", "list[str]"):
        return key, (f"a command is a string ({key} = {text}) or a list of words "
                     f'({key} = ["program", "arg"]){got}')
    if len(loc) == 1 and err["type"] == "list_type" and kind.startswith("list[str]"):
        words = shlex.split(given) if key == "argv" and isinstance(given, str) else [given]
        items = json.dumps(words) if isinstance(given, str | int | float) else '["…"]'
        return key, f"{key} is a list: {key} = {items}{got}"
    if len(loc) == 1 and err["type"] == "string_type":
        return key, f"{key} is text in quotes: {key} = {text}{got}"
    if len(loc) == 2 and isinstance(loc[1], int) and err["type"] == "string_type":
        return key, f"each item of {key} is text in quotes: {json.dumps(str(given))}{got}"
    return None


def _hint(word: str, choices) -> str:
    match = difflib.get_close_matches(word, list(choices), n=1)
    return f"; did you mean {match[0]!r}?" if match else ""


# A step that failed the model is checked without its broken keys (`skip`); what a check
# says about a key that depends on a skipped one would be wrong, so it is left out too.
DEPENDS = {"": {"action", "run", "argv", "manual", "include"}, "with": {"action"},
           "serial": {"hosts"}, "max_fail_percentage": {"hosts"}}


@dataclass(frozen=True)
class Checked:
    """One step to check across the screen: its label in messages and the step (one that
    failed the model rebuilt without `skip`, its broken keys)."""

    label: str
    step: Step
    skip: frozenset[str] = frozenset()


def check_semantics(screen: Screen, raw_steps: list[Any], config: SiteConfig | None,
                    checked: list[Checked] | None = None) -> list[Problem]:
    """Every problem across the screen's steps. `checked`: the steps to check with their
    labels, those that failed the model included (default: the screen's steps), so that an
    `after` naming no step shows in the same pass as a misspelt key beside it."""
    file = str(screen.path)
    problems: list[Problem] = []
    if checked is None:
        checked = [Checked(f"step {s.id!r}", s) for s in screen.steps]
    ids = step_ids(raw_steps)
    problems += duplicate_ids(file, raw_steps)
    for one in checked:
        problems += step_problems(file, one.label, one.step, ids, config, one.skip)
    usable = [c.step for c in checked if c.step.id]  # without an id, nothing can wait for it
    deps = {s.id: s.waits_for for s in usable}
    after = {s.id: s.after for s in usable}
    for cycle in find_cycles(deps):
        plain = all(b in after[a] for a, b in zip(cycle, cycle[1:], strict=False))
        keys = "`after`" if plain else "`after`/`after_any`"
        problems.append(Problem(file, "steps", f"cycle in {keys}: " + " → ".join(cycle)))
    if config is not None:
        for name in screen.panels.logs:
            if name not in config.logs:
                problems.append(Problem(file, "panels.logs", f"no log named {name!r} in "
                                        f"{config.path} [logs]{_hint(name, config.logs)}"))
    return problems


def duplicate_ids(file: str, raw_steps: list[Any]) -> list[Problem]:
    """Each repeat of an id, placed at the repeat (by index), not at its first use."""
    seen: set[str] = set()
    out = []
    for i, raw in enumerate(raw_steps):
        sid = raw.get("id") if isinstance(raw, dict) else None
        if not isinstance(sid, str):
            continue
        if sid in seen:
            out.append(Problem(file, f"steps[{i}] (id {sid!r})",
                               "duplicate step id; every id must be unique"))
        seen.add(sid)
    return out


def step_ids(raw_steps: list[Any]) -> set[str]:
    """Ids from the raw tables, so one broken step does not cause 'no step' errors elsewhere."""
    return {r["id"] for r in raw_steps if isinstance(r, dict) and isinstance(r.get("id"), str)}


def step_problems(file: str, where: str, step: Step, ids: set[str],
                  config: SiteConfig | None, skip: frozenset[str] = frozenset()) -> list[Problem]:
    """One step's problems, labelled `where`; none about the `skip` keys or keys that
    depend on them."""
    out = []
    for suffix, message in _check_step(step, ids, config):
        key = suffix[1:].split(".")[0]
        if key in skip or DEPENDS.get(key, set()) & skip:
            continue
        out.append(Problem(file, where + suffix, message))
    return out


def _check_step(step: Step, ids: set[str], config: SiteConfig | None) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    kinds = [k for k, v in (("action", step.action), ("run", step.run),
                            ("argv", step.argv), ("manual", step.manual),
                            ("include", step.include)) if v]
    if len(kinds) != 1:
        what = "none of them" if not kinds else " and ".join(kinds)
        out.append(("", "needs exactly one of action, run, argv, manual = true or include "
                        f"(has {what})"))
    if step.include:
        out += _check_include(step)
    if step.with_ and not step.action:
        out.append((".with", "`with` only goes with `action`"))
    if step.hosts is not None and (step.action or step.manual):
        out.append((".hosts", "`hosts` goes with run or argv; an ansible.playbook action takes "
                    "them in `with` (docs/fleet.md)"))
    if step.hosts is None and (step.serial is not None or step.max_fail_percentage is not None):
        out.append((".serial", "`serial` and `max_fail_percentage` need `hosts`"))
    if step.argv is not None and not step.argv:
        out.append((".argv", "argv must not be empty"))
    for key, deps in (("after", step.after), ("after_any", step.after_any)):
        for dep in deps:
            if dep == step.id:
                out.append((f".{key}", "a step cannot come after itself"))
            elif dep not in ids:
                out.append((f".{key}", f"no step with id {dep!r}{_hint(dep, ids)}"))
    both = [d for d in step.after_any if d in step.after]
    if both:
        out.append((".after_any", f"{', '.join(both)} also in `after`: keep it in one of them "
                                  "(after: must succeed; after_any: any outcome)"))
    out += _check_variables(step, config)
    out += _check_step_values(step, ids)
    out += _check_secrets(step, config)
    out += _check_program(step)
    if step.action:
        out += _check_action(step, config)
    return out


# what an `include` step may say: the included screen's steps carry everything else
INCLUDE_KEYS = {"id", "title", "description", "include", "after", "after_any"}


def _check_include(step: Step) -> list[tuple[str, str]]:
    extra = sorted(k for k in step.model_fields_set
                   if (Step.model_fields[k].alias or k) not in INCLUDE_KEYS)
    return [(f".{Step.model_fields[k].alias or k}", "does not go with `include`: set it on the "
             "included screen's steps (an include step takes only "
             + ", ".join(sorted(INCLUDE_KEYS)) + ")") for k in extra]


def _fields(step: Step) -> dict[str, Any]:
    return {"run": step.run, "argv": step.argv, "with": step.with_, "rollback": step.rollback,
            "only_if": step.only_if,
            "verify": step.verify, "cwd": step.cwd, "env": step.env, "shell": step.shell,
            "requires": step.requires.disk_path if step.requires else None}


def env_unset(name: str) -> str:
    """Why `${env.NAME}` has no value: NAME is not in maintui's own environment."""
    var = name[len("env."):]
    return (f"${{{name}}} is not set in maintui's environment; set it (export {var}=…) before "
            f"starting maintui, or give the site's value in config.toml [env] and read it in "
            f"the command as ${var}")


def _check_variables(step: Step, config: SiteConfig | None) -> list[tuple[str, str]]:
    import os

    if config is None:
        return []
    out = []
    for key, value in _fields(step).items():
        for name in names_in(value):
            if name.startswith("env."):
                # read from maintui's own environment: a run started here would fail on it
                if name[len("env."):] not in os.environ:
                    out.append((f".{key}", env_unset(name)))
                continue
            if name in BUILTIN_VARS or name.startswith("steps."):
                continue  # known only when the step runs: the steps' values
            try:
                config.lookup(name)
            except KeyError:
                hint = _hint(name, config.variables() + list(BUILTIN_VARS))
                out.append((f".{key}", f"undefined variable ${{{name}}}: add it to {config.path}"
                                       f" or pass --var {name}=VALUE{hint}"))
    return out


def _check_step_values(step: Step, ids: set[str]) -> list[tuple[str, str]]:
    """`${steps.ID.KEY}` names a step of this screen (an included one as INCLUDE.ID): a typo
    would otherwise reach the shell as text, and an `only_if` would quietly skip its step."""
    out = []
    for key, value in _fields(step).items():
        for name in names_in(value):
            if not name.startswith("steps."):
                continue
            step_id, _, value_key = name[len("steps."):].rpartition(".")
            if not step_id or not value_key:
                out.append((f".{key}", f"${{{name}}}: a step's value is ${{steps.ID.KEY}}"))
            elif step_id.split(".")[0] not in ids:
                out.append((f".{key}", f"${{{name}}}: no step with id {step_id!r} in this "
                                       f"screen{_hint(step_id, ids)}"))
    return out


def _check_secrets(step: Step, config: SiteConfig | None) -> list[tuple[str, str]]:
    """Secret-named values written in the screen that are too weak to mask (see weak_secret)."""
    from maintui.core.site.config import weak_secret

    out = []
    for where, value in secret_entries(step, config.secrets if config else ()):
        if isinstance(value, str) and "${" not in value:
            why = weak_secret(where, value, "", "use a real secret, e.g. from config.toml as "
                              "${section.key}")
            if why:
                out.append((f".{where}", why.removeprefix(": ")))
    return out


def _check_program(step: Step) -> list[tuple[str, str]]:
    """An argv program given by path must exist and be executable; a bare name must be on PATH."""
    import os
    import shutil

    if not step.argv or names_in(step.argv[0]):
        return []
    program = step.argv[0]
    if "/" in program:
        if not os.path.isfile(program) or not os.access(program, os.X_OK):
            why = "does not exist" if not os.path.exists(program) else "is not an executable file"
            return [(".argv", f"program {program} {why}")]
    elif shutil.which(program) is None:
        return [(".argv", f"program {program!r} is not on PATH ({os.environ.get('PATH', '')})")]
    return []


def _lenient(config: SiteConfig | None):
    def lookup(name: str) -> Any:
        if config is None:
            return f"${{{name}}}"
        try:
            return config.lookup(name)
        except KeyError:
            return ""  # reported as an undefined variable already
    return lookup


def _check_action(step: Step, config: SiteConfig | None) -> list[tuple[str, str]]:
    from maintui.core.actions import all_actions, get_action

    cls = get_action(step.action or "")
    if cls is None:
        return [(".action", f"unknown action {step.action!r}{_hint(step.action or '', all_actions())}")]
    params = substitute(step.with_, _lenient(config))
    try:
        cls.Params.model_validate(params)
    except ValidationError as exc:
        known = set(cls.Params.model_fields)
        out = []
        for err in exc.errors():
            name = ".".join(str(p) for p in err["loc"])
            if err["type"] == "extra_forbidden":
                msg = f"unknown parameter for {step.action}{_hint(name, known)}"
            elif err["type"] == "missing":
                msg = f"missing parameter for {step.action}"
            else:
                msg = err["msg"].removeprefix("Value error, ")
            out.append((f".with.{name}", msg))
        return out
    return []
