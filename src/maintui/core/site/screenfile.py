"""Screen files (screens/*.toml): the model, loading, and validation that reports every problem."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from maintui.core.errors import ConfigError, ValidationFailed
from maintui.core.run.preconditions import Requires
from maintui.core.site.config import SiteConfig, read_toml
from maintui.core.units import parse_duration

Risk = Literal["safe", "normal", "destructive", "critical"]
BUILTIN_VARS = ("run.id", "run.dir", "site.root", "screen.name")
SCHEDULES = ("daily", "weekly", "monthly", "quarterly")


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a screen file, with enough context to find and fix it."""

    file: str
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.where}: {self.message}" if self.where else f"{self.file}: {self.message}"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)


class Panels(_Strict):
    gauges: list[str] = ["cpu", "memory", "load", "disk:/"]
    logs: list[str] = []
    reports: list[str] = []


Command = str | list[str]


class Step(_Strict):
    """One step: a built-in action, a shell command, an argv, or a manual checklist item."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    title: str
    description: str = ""
    action: str | None = None
    with_: dict[str, Any] = Field(default_factory=dict, alias="with")
    run: str | None = None
    argv: list[str] | None = None
    manual: bool = False
    after: list[str] = []
    risk: Risk = "normal"
    on_failure: Literal["stop", "continue", "rollback"] = "stop"
    rollback: Command | None = None
    verify: Command | None = None
    timeout: float | None = None
    retries: int = Field(default=0, ge=0, le=20)
    retry_delay: float = 1.0
    confirm: bool | None = None
    env: dict[str, str] = {}
    cwd: str | None = None
    impact: str = ""
    estimate: float | None = None
    class_: Literal["preventive", "corrective", "adaptive", "perfective"] | None = Field(
        default=None, alias="class")
    tags: list[str] = []
    requires: Requires | None = None

    @field_validator("timeout", "estimate", "retry_delay", mode="before")
    @classmethod
    def _duration(cls, value: Any) -> Any:
        return None if value is None else parse_duration(value)

    @property
    def kind(self) -> str:
        if self.manual:
            return "manual"
        if self.action:
            return "action"
        return "argv" if self.argv is not None else "shell"

    @property
    def needs_confirm(self) -> bool:
        """Whether a guided session asks before running it (`safe` does not, by default)."""
        return self.confirm if self.confirm is not None else self.risk != "safe"


class ScreenHead(_Strict):
    title: str
    kind: Literal["session", "triage"] = "session"
    schedule: str | None = None
    window: str | None = None
    description: str = ""
    panels: Panels = Panels()
    concurrency: int = Field(default=1, ge=1, le=16)
    steps: list[Any] = []

    @field_validator("window")
    @classmethod
    def _window(cls, value: str | None) -> str | None:
        if value is not None:
            from maintui.core.site.schedule import parse_window

            parse_window(value)  # raises ValueError with what is wrong
        return value

    @field_validator("schedule")
    @classmethod
    def _schedule(cls, value: str | None) -> str | None:
        if value is None or value in SCHEDULES:
            return value
        if len(value.split()) != 5:
            raise ValueError(f"expected one of {', '.join(SCHEDULES)} or a 5-field cron expression")
        from croniter import croniter

        if not croniter.is_valid(value):
            raise ValueError(f"not a valid cron expression: {value!r}")
        return value


@dataclass
class Screen:
    """A loaded, validated screen file."""

    name: str
    path: Path
    title: str
    kind: str
    schedule: str | None
    window: str | None
    description: str
    panels: Panels
    concurrency: int
    steps: list[Step] = field(default_factory=list)

    def step(self, step_id: str) -> Step:
        return next(s for s in self.steps if s.id == step_id)


FIELDS = {f.alias or n for n, f in Step.model_fields.items()}
HEAD_FIELDS = {f.alias or n for n, f in ScreenHead.model_fields.items()}


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
    out = []
    for err in exc.errors():
        where = ".".join(p for p in (prefix, _loc(err["loc"])) if p)
        out.append(Problem(file, where, _message(err, known)))
    return out


def _step_label(index: int, raw: Any) -> str:
    sid = raw.get("id") if isinstance(raw, dict) else None
    return f"steps[{index}] (id {sid!r})" if sid else f"steps[{index}]"


def _rest_of_step(file: str, label: str, raw: dict, raw_steps: list, config: SiteConfig | None,
                  ) -> list[Problem]:
    """A step that failed on an unknown key is checked without it, so its other problems
    (a missing `run`, an `after` naming no step) show in the same pass, not the next one."""
    from maintui.core.site.validate import step_ids, step_problems

    try:
        step = Step.model_validate({k: v for k, v in raw.items() if k in FIELDS})
    except ValidationError:
        return []  # its fields are broken too: what pydantic said is what there is to say
    return step_problems(file, label, step, step_ids(raw_steps), config)


def parse_screen(path: Path, data: dict[str, Any], config: SiteConfig | None) -> tuple[Screen | None, list[Problem]]:
    """Validate one screen file's data; returns the screen (when usable) and every problem."""
    from maintui.core.site.validate import check_semantics

    file = str(path)
    problems: list[Problem] = []
    try:
        head = ScreenHead.model_validate(data)
    except ValidationError as exc:
        problems = _pydantic_problems(file, "", exc, HEAD_FIELDS)
        # the steps are still checked without the broken top-level keys: every problem at once
        bad = {e["loc"][0] for e in exc.errors() if e["loc"] and e["loc"][0] != "steps"}
        try:
            head = ScreenHead.model_validate({k: v for k, v in data.items() if k not in bad})
        except ValidationError:
            return None, problems
    steps: list[Step] = []
    for i, raw in enumerate(head.steps):
        label = _step_label(i, raw)
        if not isinstance(raw, dict):
            problems.append(Problem(file, label, "expected a table ([[steps]])"))
            continue
        try:
            step = Step.model_validate(raw)
        except ValidationError as exc:
            problems += _pydantic_problems(file, label, exc, FIELDS)
            problems += _rest_of_step(file, label, raw, head.steps, config)
            continue
        steps.append(step)
    screen = Screen(path.stem, path, head.title, head.kind, head.schedule, head.window,
                    head.description, head.panels, head.concurrency, steps)
    problems += check_semantics(screen, head.steps, config)
    return screen, problems


def load_screen_file(path: Path, config: SiteConfig | None) -> tuple[Screen | None, list[Problem]]:
    try:
        data = read_toml(path)
    except ConfigError as exc:
        return None, [Problem(str(path), "", str(exc).removeprefix(f"{path}: "))]
    return parse_screen(path, data, config)


def screen_files(config: SiteConfig) -> list[Path]:
    folder = config.screens_dir
    if not folder.is_dir():
        raise ConfigError(f"{config.path}: site.screens: folder {folder} does not exist; "
                          "create it or point site.screens at your screens folder")
    return sorted(folder.glob("*.toml"))


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
