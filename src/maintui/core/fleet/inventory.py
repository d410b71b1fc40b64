"""An Ansible inventory (INI or YAML) read through `ansible-inventory`, and host patterns."""

from __future__ import annotations

import fnmatch
import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

from maintui.core.errors import ConfigError
from maintui.core.fleet.tools import ansible_env, ansible_tool


@dataclass(frozen=True)
class Inventory:
    """Groups and their hosts, in inventory order (`all` holds every host)."""

    path: Path
    groups: dict[str, list[str]]

    @classmethod
    def load(cls, path: Path) -> Inventory:
        """Parse with Ansible's own parser, so what maintui sees is what a play will see."""
        proc = subprocess.run([ansible_tool("ansible-inventory"), "-i", str(path), "--list"],
                              capture_output=True, text=True, env=ansible_env(),
                              timeout=60, check=False)
        if proc.returncode != 0 or "Unable to parse" in proc.stderr:
            why = proc.stderr.strip().splitlines()
            raise ConfigError(f"{path}: not a usable Ansible inventory"
                              + (f": {why[-1]}" if why else ""))
        return cls(path, _groups(json.loads(proc.stdout)))

    @property
    def hosts(self) -> list[str]:
        return self.groups.get("all", [])

    def match(self, pattern: str, limit: str | None = None) -> list[str]:
        """Hosts of an Ansible pattern (`web`, `web:db`, `web:!web2`, `web:&db`, `web*`),
        narrowed by `limit` (the same syntax), in inventory order."""
        chosen = self._select(pattern)
        if limit:
            chosen &= self._select(limit)
        return [h for h in self.hosts if h in chosen]

    def _select(self, pattern: str) -> set[str]:
        chosen: set[str] = set()
        terms = [t.strip() for t in pattern.replace(",", ":").split(":") if t.strip()]
        for term in sorted(terms, key=lambda t: t[0] in "!&"):  # unions before narrowing
            if term.startswith("!"):
                chosen -= self._one(term[1:])
            elif term.startswith("&"):
                chosen &= self._one(term[1:])
            else:
                chosen |= self._one(term)
        return chosen

    def _one(self, term: str) -> set[str]:
        if term in ("all", "*"):
            return set(self.hosts)
        if term in self.groups:
            return set(self.groups[term])
        return {h for h in self.hosts if fnmatch.fnmatchcase(h, term)} | {
            h for g, members in self.groups.items() if fnmatch.fnmatchcase(g, term)
            for h in members}


def _groups(data: dict) -> dict[str, list[str]]:
    """Flatten `ansible-inventory --list` (children nested) into group -> hosts."""
    cache: dict[str, list[str]] = {}

    def members(group: str, seen: frozenset[str] = frozenset()) -> list[str]:
        if group in cache:
            return cache[group]
        node = data.get(group) or {}
        out = list(node.get("hosts", []))
        for child in node.get("children", []):
            if child not in seen:
                out += [h for h in members(child, seen | {group}) if h not in out]
        cache[group] = out
        return out

    names = [k for k in data if k != "_meta"]
    groups = {g: members(g) for g in names}
    groups.setdefault("all", [])
    return groups
