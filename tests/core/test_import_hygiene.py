"""Importing any engine or demo module leaves Textual and Rich unloaded.

The import-linter contract ("The engine never imports Textual or Rich", pyproject.toml) reads
import statements; it cannot see a module that a dependency loads on its own, or one that is
imported by a name built at run time. So each module is imported here in a fresh interpreter
of its own, and a failure names the module that pulled the UI in.
"""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import pytest

import maintui.core
import maintui.demo


def _modules(package) -> list[str]:
    return sorted(m.name for m in pkgutil.walk_packages(package.__path__, package.__name__ + "."))


HEADLESS = [maintui.core.__name__, maintui.demo.__name__, *_modules(maintui.core),
            *_modules(maintui.demo)]
CHECK = """
import importlib, sys
importlib.import_module({module!r})
print(sorted({{m.partition(".")[0] for m in sys.modules}} & {{"textual", "rich"}}))
"""


def test_the_engine_and_the_demo_modules_are_all_found():
    assert {"maintui.core.run.runner", "maintui.core.store.db", "maintui.demo.sandbox"} <= set(
        HEADLESS)


@pytest.mark.parametrize("module", HEADLESS)
def test_importing_leaves_textual_and_rich_unloaded(module: str):
    out = subprocess.run([sys.executable, "-c", CHECK.format(module=module)], capture_output=True,
                         text=True, check=True)
    assert out.stdout.strip() == "[]", f"importing {module} loads {out.stdout.strip()}"
