"""The secrets a screen file holds: step `env` and action `with` values under secret names."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from maintui.core.masking import MASK, Masker, is_secret_name
from maintui.core.site.model import Screen, Step
from maintui.core.site.template import substitute

if TYPE_CHECKING:
    from maintui.core.site.config import SiteConfig


def secret_entries(step: Step, names: Iterable[str] = ()) -> Iterator[tuple[str, Any]]:
    """(`env.NAME` or `with.key`, value as written) for every secret-named entry of a step."""
    names = list(names)
    for key, value in step.env.items():
        if is_secret_name(key, names):
            yield f"env.{key}", value

    def walk(node: dict[str, Any], prefix: str) -> Iterator[tuple[str, Any]]:
        for key, value in node.items():
            where = f"{prefix}.{key}"
            if isinstance(value, dict):
                yield from walk(value, where)
            elif isinstance(value, str) and is_secret_name(str(key), names):
                yield where, value

    yield from walk(step.with_, "with")


# the password of a url written scheme://user:password@host (http.check's url, a DSN)
URL_PASSWORD = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^/\s:@]*:([^/\s@]+)@")


def url_passwords(node: Any) -> Iterator[str]:
    """Passwords written in urls anywhere in a step's `with` or `env` value (as given and
    percent-decoded): whatever their key is called, they are secrets."""
    if isinstance(node, dict):
        for value in node.values():
            yield from url_passwords(value)
    elif isinstance(node, list):
        for value in node:
            yield from url_passwords(value)
    elif isinstance(node, str):
        for found in URL_PASSWORD.findall(node):
            yield from {found, unquote(found)}


def screen_secrets(screen: Screen, lookup: Callable[[str], Any],
                   names: Iterable[str] = ()) -> list[str]:
    """The values (variables substituted) a run of `screen` must mask."""
    out = []
    for step in screen.steps:
        for _, value in secret_entries(step, names):
            try:
                out.append(str(substitute(value, lookup)))
            except KeyError:  # an undefined variable: validation reports it
                continue
        for part in (step.with_, step.env):
            try:
                out.extend(url_passwords(substitute(part, lookup)))
            except KeyError:
                continue
    return out


def run_masker(config: SiteConfig, screen: Screen, variables: Mapping[str, str]) -> Masker:
    """A run's masker: the site's, plus `--var` secrets and the screen's secret values."""
    def lookup(name: str) -> Any:
        return variables[name] if name in variables else config.lookup(name)

    given = [v for k, v in variables.items() if is_secret_name(k, config.secrets)]
    return config.masker([*given, *screen_secrets(screen, lookup, config.secrets)])


def stored_vars(variables: Mapping[str, str], masker: Callable[[str], str],
                names: Iterable[str] = ()) -> dict[str, str]:
    """`--var` values as the run row keeps them: secret names masked whatever their value."""
    names = list(names)
    return {k: MASK if is_secret_name(k, names) else masker(v) for k, v in variables.items()}
