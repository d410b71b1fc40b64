"""The screen-file model: pydantic classes for what an operator writes, and a found Problem."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from maintui.core.site.schedule import parse_window
from maintui.core.units import parse_duration, parse_size

Risk = Literal["safe", "normal", "destructive", "critical"]
# The names every run defines (docs/steps.md lists them with their MAINTUI_* variables);
# `incident.id` only when the run belongs to an incident.
BUILTIN_VARS = ("run.id", "run.dir", "site.root", "screen.name", "state.dir", "incident.id")
# The environment every step command gets from those names, locally and on hosts (the
# runner adds MAINTUI_STEP); MAINTUI_INCIDENT is left unset when there is no incident.
CONTEXT_ENV = {"MAINTUI_RUN_ID": "run.id", "MAINTUI_RUN_DIR": "run.dir",
               "MAINTUI_SCREEN": "screen.name", "MAINTUI_SITE": "site.root",
               "MAINTUI_STATE_DIR": "state.dir", "MAINTUI_INCIDENT": "incident.id"}
SCHEDULES = ("daily", "weekly", "monthly", "quarterly")


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a screen file, with enough context to find and fix it."""

    file: str
    where: str
    message: str

    def __str__(self) -> str:
        if self.where:
            return f"{self.file}: {self.where}: {self.message}"
        # a TOML syntax error already starts `file:line:column:`: the file once
        return self.message if self.message.startswith(f"{self.file}:") else \
            f"{self.file}: {self.message}"


class Requires(BaseModel):
    """A step's `requires` table."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    disk_free: str | None = None         # "5G" or "10%"
    disk_path: str = "/"
    load_below: float | None = None      # 1-minute load average per core
    memory_available: str | None = None  # "512M"
    maintenance: bool | None = None      # maintenance mode must be on (or off)

    @field_validator("disk_free", "memory_available")
    @classmethod
    def _size(cls, value: str | None) -> str | None:
        if value is not None and not str(value).endswith("%"):
            parse_size(value)
        return value


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
    include: str | None = None  # another screen's steps run here, ids prefixed "ID."
    after: list[str] = []
    after_any: list[str] = []  # wait for these to end, whatever their outcome
    only_if: Command | None = None  # run only when this command exits 0, else skipped
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
    shell: str | None = None
    impact: str = ""
    estimate: float | None = None
    class_: Literal["preventive", "corrective", "adaptive", "perfective"] | None = Field(
        default=None, alias="class")
    tags: list[str] = []
    requires: Requires | None = None
    # fleet (docs/fleet.md): an inventory pattern, batch size, and the failure share that stops
    hosts: str | None = None
    serial: int | str | None = None
    max_fail_percentage: float | None = Field(default=None, ge=0, le=100)
    output_cap: str | None = None        # "50M": recorded output kept (first and last parts)
    on_output_cap: Literal["keep_going", "stop"] | None = None

    @field_validator("output_cap")
    @classmethod
    def _cap(cls, value: str | None) -> str | None:
        if value is not None:
            parse_size(value)  # raises ValueError with an example
        return value

    @field_validator("serial")
    @classmethod
    def _serial(cls, value: int | str | None) -> int | str | None:
        if isinstance(value, str) and not (value.endswith("%") and value[:-1].isdigit()
                                           and 0 < int(value[:-1]) <= 100):
            raise ValueError(f"serial is a host count or a percentage like \"25%\", not {value!r}")
        if isinstance(value, int) and value < 1:
            raise ValueError(f"serial must be 1 or more (got {value})")
        return value

    @field_validator("timeout", "estimate", "retry_delay", mode="before")
    @classmethod
    def _duration(cls, value: Any) -> Any:
        return None if value is None else parse_duration(value)

    @property
    def waits_for(self) -> list[str]:
        """Every step this one starts after: `after`, then `after_any` (for the order)."""
        return [*self.after, *(d for d in self.after_any if d not in self.after)]

    @property
    def kind(self) -> str:
        if self.include:
            return "include"
        if self.manual:
            return "manual"
        if self.action:
            return "action"
        return "argv" if self.argv is not None else "shell"

    @property
    def needs_confirm(self) -> bool:
        """Whether a guided session asks before running it (`safe` does not, by default)."""
        return self.confirm if self.confirm is not None else self.risk != "safe"


class ScreenNotify(_Strict):
    """A screen's `[notify]`: when to send (notify.send; the rest of it from config [notify])."""

    on: list[Literal["start", "finish", "failure"]] = ["failure"]  # finish: every end
    to: Literal["command", "webhook", "smtp"] | None = None  # default: config [notify] to
    command: str | None = None  # reads the message on stdin
    url: str | None = None  # webhook address
    mail_to: list[str] | None = None  # recipient addresses
    subject: str | None = None  # default: "maintui: SCREEN run N ENDED"


class ScreenHead(_Strict):
    title: str
    kind: Literal["session", "triage", "recovery"] = "session"
    schedule: str | None = None
    window: str | None = None
    description: str = ""
    panels: Panels = Panels()
    concurrency: int = Field(default=1, ge=1, le=16)
    steps: list[Any] = []
    notify: ScreenNotify | None = None  # tell someone when a run starts, ends or fails

    @field_validator("window")
    @classmethod
    def _window(cls, value: str | None) -> str | None:
        if value is not None:
            parse_window(value)  # raises ValueError with what is wrong
        return value

    @field_validator("schedule")
    @classmethod
    def _schedule(cls, value: str | None) -> str | None:
        if value is None or value in SCHEDULES:
            return value
        if len(value.split()) != 5:
            raise ValueError(f"expected one of {', '.join(SCHEDULES)} or a 5-field cron expression")
        from croniter import croniter  # imported on use: named schedules do not need it

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
    notify: ScreenNotify | None = None

    def step(self, step_id: str) -> Step:
        return next(s for s in self.steps if s.id == step_id)


FIELDS = {f.alias or n for n, f in Step.model_fields.items()}
HEAD_FIELDS = {f.alias or n for n, f in ScreenHead.model_fields.items()}
