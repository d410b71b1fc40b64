"""The site's screen files as the console lists them: names, titles, kinds, schedules, the
steps it offers, and every problem; as JSON for `maintui validate --json`.

Plain data, without the screen model (pydantic): the console reads these from a child
process (core/site/screencheck.py) and keeps only them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from maintui.core.errors import ConfigError

if TYPE_CHECKING:
    from maintui.core.site.config import SiteConfig
    from maintui.core.site.model import Screen


@dataclass(frozen=True)
class StepEntry:
    """What the console shows of a step without loading it: quick actions, maintenance."""

    id: str
    title: str
    risk: str
    tags: tuple[str, ...]
    action: str | None
    with_: dict[str, Any]


@dataclass(frozen=True)
class ScreenEntry:
    """A screen file with no problems, as listed (its steps with includes expanded)."""

    name: str
    title: str
    kind: str
    schedule: str | None
    steps: tuple[StepEntry, ...] = ()
    window: str | None = None  # when it may run ("Sun 00:00-04:00"); outside it, a reason


@dataclass(frozen=True)
class Checked:
    """The usable screens and every problem (one line each, naming file, key and fix)."""

    screens: tuple[ScreenEntry, ...]
    problems: tuple[str, ...]


def screen_files(config: SiteConfig) -> list[Path]:
    folder = config.screens_dir
    if not folder.is_dir():
        raise ConfigError(f"{config.path}: site.screens: folder {folder} does not exist; "
                          "create it or point site.screens at your screens folder")
    return sorted(folder.glob("*.toml"))


def entry_of(screen: Screen) -> ScreenEntry:
    steps = tuple(StepEntry(s.id, s.title, str(s.risk), tuple(s.tags), s.action, dict(s.with_))
                  for s in screen.steps)
    return ScreenEntry(screen.name, screen.title, screen.kind, screen.schedule, steps,
                       screen.window)


def to_json(checked: Checked) -> str:
    """`maintui validate --json`: what `from_json` reads back (TOML dates as text)."""
    screens = [{"name": s.name, "title": s.title, "kind": s.kind, "schedule": s.schedule,
                "window": s.window, "steps": [{"id": t.id, "title": t.title, "risk": t.risk, "tags": list(t.tags),
                           "action": t.action, "with": t.with_} for t in s.steps]}
               for s in checked.screens]
    return json.dumps({"screens": screens, "problems": list(checked.problems)}, default=str)


def from_json(text: str) -> Checked:
    data = json.loads(text)
    screens = tuple(ScreenEntry(s["name"], s["title"], s["kind"], s["schedule"], tuple(
        StepEntry(t["id"], t["title"], t["risk"], tuple(t["tags"]), t["action"], t["with"])
        for t in s["steps"]), s.get("window")) for s in data["screens"])
    return Checked(screens, tuple(data["problems"]))
