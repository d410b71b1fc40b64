"""How one run is driven: who starts it, how its gates are answered, which steps it runs."""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from maintui.core.errors import ConfigError

if TYPE_CHECKING:
    from maintui.core.site.model import Screen


@dataclass
class RunOptions:
    """Shared by the runner and its collaborators: a hang-up switches `gates` mid-run."""

    gates: str = "log"           # yes | log | tty | none
    user: str = field(default_factory=getpass.getuser)
    client: str = field(default_factory=lambda: os.environ.get("SSH_CLIENT", "").split(" ")[0])
    vars: dict[str, str] = field(default_factory=dict)
    incident: str | None = None
    mode: str = "foreground"
    reason: str = ""             # why the run starts outside the screen's window
    only: list[str] = field(default_factory=list)  # step ids or `tag:NAME`; empty = every step
    approver: str = ""           # --approver: who approved, for class policies that ask
    ticket: str = ""             # --ticket: the change ticket, for class policies that ask


def pick_only(screen: Screen, order: list[str], only: list[str]) -> list[str]:
    """The steps `--only` names (ids or `tag:NAME`), in `order`; a name that picks nothing is
    refused with the ids and tags there are (exit 2)."""
    if not only:
        return order
    ids = {o for o in only if not o.startswith("tag:")}
    tags = {o[4:] for o in only if o.startswith("tag:")}
    known = sorted({t for s in screen.steps for t in s.tags})
    valid = (f"steps: {', '.join(order)}"
             + (f"; tags: {', '.join('tag:' + t for t in known)}" if known else ""))
    def named(sid: str, name: str) -> bool:  # an include step's id names all it brought in
        return sid == name or sid.startswith(name + ".")

    unknown = {i for i in ids if not any(named(sid, i) for sid in order)}
    if unknown:
        raise ConfigError(f"--only: no step {', '.join(sorted(unknown))} in {screen.path}; "
                          f"{valid}")
    untagged = tags - set(known)  # refused even when another name picked steps: a typo
    if untagged:
        raise ConfigError(f"--only: no step of {screen.name} has "
                          f"{', '.join('tag:' + t for t in sorted(untagged))} ({screen.path}); "
                          f"{valid}")
    picked = [sid for sid in order if any(named(sid, i) for i in ids)
              or tags & set(screen.step(sid).tags)]
    if not picked:
        raise ConfigError(f"--only {','.join(only)}: no step of {screen.name} matches; {valid}")
    return picked


def check_limit(screen: Screen, limit: str | None) -> None:
    """`--limit` narrows steps on hosts; on a screen without one it would narrow nothing, and
    the run would touch everything it names: refused (exit 2)."""
    if limit and not any(s.hosts for s in screen.steps):
        raise ConfigError(f"--limit {limit}: --limit applies to steps with hosts; screen "
                          f"{screen.name} has none ({screen.path}). Drop --limit, or give a "
                          "step `hosts = \"PATTERN\"` (docs/fleet.md)")


def check_vars(data: dict[str, Any], overrides: dict[str, str], where: str) -> None:
    """A `--var` that names a table of config.toml (`vars.health` over `[vars.health]`) would
    replace nothing a step reads (steps read its keys): refused, naming the keys (exit 2)."""
    for name in overrides:
        node: Any = data
        for part in name.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        if isinstance(node, dict):
            keys = ", ".join(f"{name}.{k}" for k in node) or "(none)"
            first = next(iter(node), "KEY")
            raise ConfigError(f"--var {name}: {name} is a table in {where}, not a value; set "
                              f"one of its keys ({keys}), e.g. --var {name}.{first}=VALUE")
