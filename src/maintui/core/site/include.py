"""`include = "NAME"`: another screen's steps run inside this screen's run (docs/steps.md).

The include step is replaced, where it stands, by the included screen's steps, their ids
prefixed with the include step's id (`health.disk`). Inside them `after`, `after_any` and
`${steps.ID.KEY}` are rewritten to the prefixed ids; the steps that wait for nothing in the
included screen (its roots) wait for what the include step waits for; a step of the including
screen that waits for the include step's id waits for every included step.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from maintui.core.site.model import Problem, Screen, Step

# ${steps.ID.KEY}: the id may be dotted itself (a nested include); the key never is
STEP_VALUE = re.compile(r"\$\{steps\.([\w.-]+)\.([\w-]+)\}")
# what of a step may carry `${steps.ID.KEY}` (as core/run/steps.py reads them)
TEMPLATED = ("run", "argv", "with_", "env", "cwd", "verify", "rollback", "only_if")

Loader = Callable[[Path, tuple[Path, ...]], tuple[Screen | None, list[Problem]]]


def expand_includes(screen: Screen, including: tuple[Path, ...],
                    load: Loader) -> tuple[list[Step], list[Problem]]:
    """The screen's steps with every include step replaced by the included screen's steps,
    and the problems found on the way (a missing screen, a cycle, the included file's own)."""
    problems: list[Problem] = []
    members: dict[str, list[str]] = {}  # include step id → the ids its steps have here
    expanded: list[Step] = []
    for step in screen.steps:
        if not step.include:
            expanded.append(step)
            continue
        child, found = _child(screen, step, including, load)
        problems += found
        if child is None:
            continue
        inner = [_moved(s, step, {c.id for c in child.steps}) for s in child.steps]
        members[step.id] = [s.id for s in inner]
        expanded += inner
    if not members:
        return expanded, problems
    return [_waits_rewritten(s, members) for s in expanded], problems


def _child(screen: Screen, step: Step, including: tuple[Path, ...],
           load: Loader) -> tuple[Screen | None, list[Problem]]:
    """The included screen, from the folder of the including one."""
    file, where = str(screen.path), f"step {step.id!r}.include"
    name = str(step.include)
    folder = screen.path.parent
    known = sorted(p.stem for p in folder.glob("*.toml"))
    if not name or "/" in name or "\\" in name or name.startswith(".") or Path(name).is_absolute():
        # only a screen beside this one: not a file elsewhere, not config.toml above it
        hint = difflib.get_close_matches(Path(name).name, known, n=1)
        more = f"; did you mean include = {hint[0]!r}?" if hint else ""
        return None, [Problem(file, where, f"{name!r} is not a screen name: include takes the "
                                           f"name of a screen in {folder} (no '/', no '..')"
                                           f"{more}")]
    path = (folder / f"{name}.toml").resolve()
    if path in including:
        chain = " → ".join([p.stem for p in including[including.index(path):]] + [path.stem])
        return None, [Problem(file, where, f"include cycle: {chain}; a screen cannot include "
                                           "itself, directly or through another")]
    if not path.is_file():
        hint = difflib.get_close_matches(name, known, n=1)
        more = f"did you mean {hint[0]!r}?" if hint else f"screens: {', '.join(known) or 'none'}"
        return None, [Problem(file, where, f"no screen named {name!r} in {folder}; {more}")]
    child, found = load(path, including)
    if child is not None and not child.steps and not found:
        found = [Problem(file, where, f"screen {name!r} has no steps to include")]
    return (None if found else child), found


def _moved(step: Step, include: Step, ids: set[str]) -> Step:
    """An included step under its new id, waiting as it did inside its own screen."""
    prefix = include.id + "."
    if step.waits_for:
        after = [prefix + d for d in step.after]
        after_any = [prefix + d for d in step.after_any]
    else:  # a root of the included screen: it starts when the include step would have
        after, after_any = list(include.after), list(include.after_any)
    update: dict[str, Any] = {"id": prefix + step.id, "after": after, "after_any": after_any}
    for name in TEMPLATED:
        value = getattr(step, name)
        if value is not None:
            update[name] = _renamed(value, prefix, ids)
    return step.model_copy(update=update)


def _renamed(value: Any, prefix: str, ids: set[str]) -> Any:
    """`${steps.ID.KEY}` of an included step's own ids, with the prefix."""
    if isinstance(value, list):
        return [_renamed(v, prefix, ids) for v in value]
    if isinstance(value, dict):
        return {k: _renamed(v, prefix, ids) for k, v in value.items()}
    if not isinstance(value, str):
        return value

    def one(match: re.Match[str]) -> str:
        sid, key = match.group(1), match.group(2)
        return f"${{steps.{prefix}{sid}.{key}}}" if sid in ids else match.group(0)

    return STEP_VALUE.sub(one, value)


def _waits_rewritten(step: Step, members: dict[str, list[str]]) -> Step:
    """Waiting for an include step's id is waiting for every step it brought in."""
    def spread(ids: list[str]) -> list[str]:
        out: list[str] = []
        for d in ids:
            out += [m for m in members.get(d, [d]) if m not in out]
        return out

    if not any(d in members for d in step.waits_for):
        return step
    return step.model_copy(update={"after": spread(step.after),
                                   "after_any": spread(step.after_any)})
