"""The console's widgets: nouns that render one thing and say, by message, what was chosen.

Each is loaded on first use, through a module `__getattr__` as Textual's own widgets package
does: the console's first frame needs the dashboard's upper half, not the lists, notes and
key line that come a frame later (~3 ms of imports).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from maintui.tui.widgets.banner import MaintenanceBanner
    from maintui.tui.widgets.disks import DiskTable
    from maintui.tui.widgets.gauges import GaugeLines, ResourceGauges
    from maintui.tui.widgets.keybar import KeyBar
    from maintui.tui.widgets.notes import SessionNotes
    from maintui.tui.widgets.processes import ProcessTable
    from maintui.tui.widgets.runs import RecentRuns
    from maintui.tui.widgets.screens import ScreenList, ScreenProblems

MODULES = {"DiskTable": "disks", "GaugeLines": "gauges", "KeyBar": "keybar",
           "MaintenanceBanner": "banner", "ProcessTable": "processes", "RecentRuns": "runs",
           "ResourceGauges": "gauges", "ScreenList": "screens", "ScreenProblems": "screens",
           "SessionNotes": "notes"}
__all__ = ["DiskTable", "GaugeLines", "KeyBar", "MaintenanceBanner", "ProcessTable", "RecentRuns",
           "ResourceGauges", "ScreenList", "ScreenProblems", "SessionNotes"]


def __getattr__(name: str) -> object:
    if name not in MODULES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    found = getattr(importlib.import_module(f"{__name__}.{MODULES[name]}"), name)
    globals()[name] = found  # asked once
    return found
