"""Screen files (screens/*.toml): loading and parsing, reporting every problem at once."""

from __future__ import annotations

import dataclasses
import difflib
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from maintui.core.errors import ConfigError, ValidationFailed
from maintui.core.site.config import SiteConfig, read_toml
from maintui.core.site.include import expand_includes
from maintui.core.site.listing import screen_files
from maintui.core.site.model import FIELDS, HEAD_FIELDS, Problem, Screen, ScreenHead, Step
from maintui.core.site.validate import Checked, check_semantics, type_fix


def _loc(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out.replace("with_", "with").replace("class_", "class")


def _message(err: dict, known: set[str]) -> str:
    if err["type"] == "extra_forbidden":
        hint = difflib.get_close_matches(str(err["loc"][-1]), known, n=1)
        return "unknown key" + (f"; did you mean {hint[0]!r}?" if hint else "")
    if err["type"] == "missing":
        return "required key is missing"
    msg = err["msg"].removeprefix("Value error, ")
    if "input" in err and err["type"] not in ("value_error",):
        msg += f" (got {err['input']!r})"
    return msg


def _pydantic_problems(file: str, prefix: str, exc: ValidationError, known: set[str]) -> list[Problem]:
    out: list[Problem] = []
    for err in exc.errors():
        fixed = type_fix(err)  # the fix to write, once for a command's two forms
        loc, message = ((fixed[0],), fixed[1]) if fixed else (err["loc"], _message(err, known))
        problem = Problem(file, ".".join(p for p in (prefix, _loc(loc)) if p), message)
        if problem not in out:
            out.append(problem)
    return out


def _step_label(index: int, raw: Any) -> str:
    sid = raw.get("id") if isinstance(raw, dict) else None
    return f"steps[{index}] (id {sid!r})" if sid else f"steps[{index}]"


def _salvaged(raw: dict, exc: ValidationError) -> tuple[Step | None, frozenset[str]]:
    """A step that failed the model, rebuilt without its broken and unknown keys, so its other
    problems (a missing `run`, an `after` naming no step, a cycle) show in the same pass, not
    the next one; and the keys left out. None when even that does not make a step."""
    broken = {str(e["loc"][0]) for e in exc.errors() if e["loc"]}
    kept = {k: v for k, v in raw.items() if k in FIELDS and k not in broken}
    # an id or title is needed to build the step, not to check the rest of it
    placeholder = {"id": "x", "title": ""}
    try:
        step = Step.model_validate({**{k: v for k, v in placeholder.items() if k not in kept},
                                    **kept})
    except ValidationError:
        return None, frozenset()
    if "id" not in kept:
        sid = raw.get("id")
        step = step.model_copy(update={"id": sid if isinstance(sid, str) else ""})
    return step, frozenset(broken | (raw.keys() - FIELDS))


def _head(file: str, data: dict[str, Any]) -> tuple[ScreenHead | None, list[Problem]]:
    """The top-level keys; broken ones are left out (a missing title stood in for) so the
    steps are still checked: every problem at once."""
    try:
        return ScreenHead.model_validate(data), []
    except ValidationError as exc:
        problems = _pydantic_problems(file, "", exc, HEAD_FIELDS)
        bad = {e["loc"][0] for e in exc.errors() if e["loc"] and e["loc"][0] != "steps"}
        try:
            head = ScreenHead.model_validate({"title": "", **{k: v for k, v in data.items()
                                                              if k not in bad}})
        except ValidationError:
            return None, problems
        return head, problems


def parse_screen(path: Path, data: dict[str, Any], config: SiteConfig | None,
                 including: tuple[Path, ...] = ()) -> tuple[Screen | None, list[Problem]]:
    """Validate one screen file's data; returns the screen (when usable) and every problem.
    Its include steps are replaced by the steps of the screens they name (`including`: the
    screens that include this one, for cycles)."""
    file = str(path)
    head, problems = _head(file, data)
    if head is None:
        return None, problems
    steps: list[Step] = []
    checked: list[Checked] = []
    repeated = _repeated_ids(head.steps)
    salvaged_includes: list[Step] = []
    for i, raw in enumerate(head.steps):
        label = _step_label(i, raw)
        if not isinstance(raw, dict):
            problems.append(Problem(file, label, "expected a table ([[steps]])"))
            continue
        try:
            step = Step.model_validate(raw)
        except ValidationError as exc:
            problems += _pydantic_problems(file, label, exc, FIELDS)
            rebuilt, skip = _salvaged(raw, exc)
            if rebuilt is not None:
                checked.append(Checked(label, rebuilt, skip))
                if rebuilt.include:
                    salvaged_includes.append(rebuilt)
            continue
        steps.append(step)
        # a repeated id is placed by index: by id it would point at the first of them
        checked.append(Checked(label if step.id in repeated else f"step {step.id!r}", step))
    screen = Screen(path.stem, path, head.title, head.kind, head.schedule, head.window,
                    head.description, head.panels, head.concurrency, steps, notify=head.notify)
    problems += check_semantics(screen, head.steps, config, checked)

    def load(child: Path, above: tuple[Path, ...]) -> tuple[Screen | None, list[Problem]]:
        return load_screen_file(child, config, above)

    if salvaged_includes:  # the screens they name are checked, their steps are not used
        shell = dataclasses.replace(screen, steps=salvaged_includes)
        problems += expand_includes(shell, (*including, path.resolve()), load)[1]
    if any(s.include for s in steps):
        screen.steps, found = expand_includes(screen, (*including, path.resolve()), load)
        problems += found
    return screen, problems


def _repeated_ids(raw_steps: list[Any]) -> set[str]:
    from collections import Counter

    ids = Counter(r.get("id") for r in raw_steps if isinstance(r, dict))
    return {i for i, n in ids.items() if isinstance(i, str) and n > 1}


def load_screen_file(path: Path, config: SiteConfig | None,
                     including: tuple[Path, ...] = ()) -> tuple[Screen | None, list[Problem]]:
    try:
        data = read_toml(path, "screen file")
    except ConfigError as exc:
        return None, [Problem(str(path), "", str(exc).removeprefix(f"{path}: "))]
    return parse_screen(path, data, config, including)


def load_screens(config: SiteConfig, names: list[str] | None = None) -> list[Screen]:
    """Load the site's screens (all, or those named); ValidationFailed lists every problem."""
    paths = screen_files(config)
    if names:
        paths = [resolve_screen_path(config, n) for n in names]
    screens, problems = [], []
    for path in paths:
        screen, found = load_screen_file(path, config)
        problems += found
        if screen:
            screens.append(screen)
    if problems:
        raise ValidationFailed(problems)
    return screens


def resolve_screen_path(config: SiteConfig, name: str) -> Path:
    """A screen by name (`daily`) or by file path; ConfigError with did-you-mean otherwise."""
    as_path = Path(name)
    if as_path.suffix == ".toml" and as_path.is_file():
        return as_path.resolve()
    candidate = config.screens_dir / f"{name}.toml"
    if candidate.is_file():
        return candidate
    known = [p.stem for p in screen_files(config)] if config.screens_dir.is_dir() else []
    hint = difflib.get_close_matches(name, known, n=1)
    more = f"; did you mean {hint[0]!r}?" if hint else f"; screens: {', '.join(known) or 'none'}"
    raise ConfigError(f"no screen named {name!r} in {config.screens_dir}{more}")


def load_screen(config: SiteConfig, name: str) -> Screen:
    path = resolve_screen_path(config, name)
    screen, problems = load_screen_file(path, config)
    if problems or screen is None:
        raise ValidationFailed(problems)
    return screen
