"""How one run is driven: who starts it, how its gates are answered, which steps it runs."""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from maintui.core.errors import ConfigError

if TYPE_CHECKING:
    from pathlib import Path

    from maintui.core.site.config import SiteConfig
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


def check_vars(config: SiteConfig, screen: str) -> None:
    """Each `--var` before the run (exit 2): a key neither in config.toml nor read by the
    screen (`${KEY}` in it or a screen it includes) would set nothing, a typo most likely:
    refused with the closest keys; a key naming a table (`vars.health` over `[vars.health]`)
    would replace nothing a step reads (steps read its keys): refused, naming the keys. Then
    the values with secret names too weak to be secrets (config.check_overrides)."""
    import difflib

    from maintui.core.fleet.settings import LIMIT_VAR
    from maintui.core.site.config import check_overrides
    from maintui.core.site.template import names_in

    where = str(config.path)
    keys = [k for k in config.variables() if k not in config.overrides] \
        if config.overrides else []
    read = {*names_in(config.data), LIMIT_VAR}  # config values may read others: [env] PATH
    path = _screen_path(config, screen) if config.overrides else None
    if path is not None:
        read |= screen_reads(path)
    for name in config.overrides:
        node: Any = config.data
        for part in name.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        if isinstance(node, dict):
            table = ", ".join(f"{name}.{k}" for k in node) or "(none)"
            first = next(iter(node), "KEY")
            raise ConfigError(f"--var {name}: {name} is a table in {where}, not a value; set "
                              f"one of its keys ({table}), e.g. --var {name}.{first}=VALUE")
        if node is None and name not in read and path is not None:
            close = difflib.get_close_matches(name, sorted({*keys, *read} - {LIMIT_VAR}), n=3)
            hint = ("; did you mean " + " or ".join(f"--var {c}=…" for c in close) + "?") \
                if close else "; give a key of config.toml, or one the screen reads as ${KEY}"
            raise ConfigError(f"--var {name}: no key {name} in {where}, and screen {screen} "
                              f"({path}) does not read ${{{name}}}: it would set nothing{hint}")
    check_overrides(config.overrides, config.secrets)


def _screen_path(config: SiteConfig, screen: str) -> Path | None:
    """The screen's file; None when it cannot be found (loading the screen says why)."""
    from maintui.core.site.screenfile import resolve_screen_path

    try:
        return resolve_screen_path(config, screen)
    except ConfigError:
        return None


def screen_reads(path: Path, seen: frozenset[Path] = frozenset()) -> set[str]:
    """Every `${KEY}` a screen file reads, with those of the screens it includes (from its
    folder, as core/site/include.py finds them); a file that does not parse reads nothing
    here (loading it says why)."""
    from maintui.core.site.config import read_toml
    from maintui.core.site.template import names_in

    try:
        data = read_toml(path, "screen file")
    except ConfigError:
        return set()
    names = set(names_in(data))
    steps = data.get("steps")
    for step in steps if isinstance(steps, list) else []:
        name = step.get("include") if isinstance(step, dict) else None
        child = (path.parent / f"{name}.toml").resolve() if isinstance(name, str) and name \
            and "/" not in name and not name.startswith(".") else None
        if child is not None and child not in seen and child.is_file():
            names |= screen_reads(child, seen | {path.resolve()})
    return names
