"""FilterBox: a one-line filter whose Escape and Enter are in the key line while it is typed in."""

from __future__ import annotations

from textual.widgets import Input

from maintui.tui import keys


class FilterBox(Input):
    """An Input whose way out shows in the key line: while it has focus, the letters there
    would be typed, so without these the line says nothing of how to leave it."""

    BINDINGS = keys.for_screen("filter_box")
