"""The core never imports Textual or Rich, checked in a fresh interpreter per module."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import maintui.core

MODULES = sorted(m.name for m in pkgutil.walk_packages(maintui.core.__path__, "maintui.core."))


def test_core_modules_are_found():
    assert "maintui.core.run.runner" in MODULES and "maintui.core.store.db" in MODULES


def test_no_core_module_pulls_in_textual_or_rich():
    code = (
        "import importlib, sys\n"
        f"mods = {MODULES!r}\n"
        "bad = []\n"
        "for m in mods:\n"
        "    importlib.import_module(m)\n"
        "    if 'textual' in sys.modules or 'rich' in sys.modules:\n"
        "        bad.append(m); break\n"
        "print(bad)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", f"core imports textual/rich via {out.stdout.strip()}"
