"""The registry of built-in actions, loaded lazily by name (`sqlite.backup`, `logs.scan`, …)."""

from __future__ import annotations

import importlib
import pkgutil
import threading

from maintui.core.actions.base import Action

_REGISTRY: dict[str, type[Action]] = {}
_LOADED = False
_LOADING = threading.RLock()  # an action module may look up another while loading


def register(cls: type[Action]) -> type[Action]:
    """Class decorator: make an action available to screen files under `cls.name`."""
    if not cls.name:
        raise ValueError(f"{cls.__qualname__} has no name")
    _REGISTRY[cls.name] = cls
    return cls


def _load() -> None:
    global _LOADED
    if _LOADED:
        return
    # The console validates screen files in worker threads: a second thread must wait for the
    # whole registry, never see it half-filled ("unknown action 'resources.check'").
    with _LOADING:
        if _LOADED:
            return
        for mod in pkgutil.iter_modules(__path__):
            if mod.name != "base":
                importlib.import_module(f"{__name__}.{mod.name}")
        _LOADED = True


def all_actions() -> dict[str, type[Action]]:
    _load()
    return dict(sorted(_REGISTRY.items()))


def get_action(name: str) -> type[Action] | None:
    _load()
    return _REGISTRY.get(name)
