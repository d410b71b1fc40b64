"""`${section.key}` substitution: shell-quoted in shell commands, raw everywhere else."""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from typing import Any

# Only dotted names: `${HOME}` and `$PATH` stay shell variables.
VAR = re.compile(r"\$\{([A-Za-z_][\w-]*(?:\.[\w-]+)+)\}")


def names_in(value: Any) -> list[str]:
    """Every `${a.b}` name used in a string, list or table (nested)."""
    if isinstance(value, str):
        return VAR.findall(value)
    if isinstance(value, list):
        return [n for v in value for n in names_in(v)]
    if isinstance(value, dict):
        return [n for v in value.values() for n in names_in(v)]
    return []


def substitute(value: Any, lookup: Callable[[str], Any], *, shell: bool = False) -> Any:
    """Replace `${a.b}` by lookup(a.b); a whole-string reference keeps the value's type."""
    if isinstance(value, list):
        return [substitute(v, lookup, shell=shell) for v in value]
    if isinstance(value, dict):
        return {k: substitute(v, lookup, shell=shell) for k, v in value.items()}
    if not isinstance(value, str):
        return value
    whole = VAR.fullmatch(value)
    if whole and not shell:
        return lookup(whole.group(1))

    def one(match: re.Match[str]) -> str:
        text = str(lookup(match.group(1)))
        return shlex.quote(text) if shell else text

    return VAR.sub(one, value)
