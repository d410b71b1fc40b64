"""The secrets a screen file holds: step `env` and action `with` values under secret names."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

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
