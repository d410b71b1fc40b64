"""The console's widgets: nouns that render one thing and say, by message, what was chosen."""

from maintui.tui.widgets.banner import MaintenanceBanner
from maintui.tui.widgets.disks import DiskTable
from maintui.tui.widgets.gauges import GaugeLines, ResourceGauges
from maintui.tui.widgets.keybar import KeyBar
from maintui.tui.widgets.notes import SessionNotes
from maintui.tui.widgets.processes import ProcessTable
from maintui.tui.widgets.runs import RecentRuns
from maintui.tui.widgets.screens import ScreenList, ScreenProblems

__all__ = ["DiskTable", "GaugeLines", "KeyBar", "MaintenanceBanner", "ProcessTable", "RecentRuns",
           "ResourceGauges", "ScreenList", "ScreenProblems", "SessionNotes"]
