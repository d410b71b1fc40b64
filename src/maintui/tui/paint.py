"""A sample's changed lines written in the call that drew them, not five wake-ups later.

Textual repaints a widget through message pumps: `refresh` prompts the widget's task, whose
idle handler posts an Update to the screen, whose idle handler resumes the screen's update
timer, whose task renders and writes. On the idle dashboard that is ~7 task wake-ups a
sample for three widgets, ~0.5 ms of the main thread's ~2.5 ms (each runs cold, 1.5 s after
the last). Inside `together(screen)`, a line widget's `refresh_lines` notes its changed
regions as `Widget.refresh` does, without the prompt; leaving the block hands the noted
widgets to the screen's compositor and writes them at once, as the update timer would.
Whatever cannot be written then (another screen on top, a layout pending, Textual's start-up
batch) goes Textual's way. If Textual's classes change shape, `refresh_lines` is `refresh`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from textual.geometry import Region
from textual.screen import Screen
from textual.widget import Widget

_open: dict[int, set[Widget]] = {}  # id(screen) -> the widgets noted inside its block
_WIDGET = ("_layout_cache", "_set_dirty", "clear_cached_dimensions", "_rich_style_cache",
           "_repaint_required", "_is_mounted", "check_idle")
_SCREEN = ("_compositor", "_compositor_refresh", "_dirty_widgets", "_layout_required",
           "_scroll_required")
_usable: list[bool] = []  # judged once, on the first widget and screen seen


def usable(widget: Widget, screen: Screen) -> bool:
    """Whether Textual's widget and screen have what this works from."""
    if not _usable:
        _usable.append(all(hasattr(widget, n) for n in _WIDGET)
                       and all(hasattr(screen, n) for n in _SCREEN)
                       and all(hasattr(screen.app, n) for n in ("_batch_count", "is_inline")))
    return _usable[0]


def refresh_lines(widget: Widget, *regions: Region) -> None:
    """`widget.refresh(*regions)`, written when its screen's `together` block ends."""
    noted = None
    if _open and regions and getattr(widget, "_is_mounted", False):
        screen = widget.screen
        if usable(widget, screen):
            noted = _open.get(id(screen))
    if noted is None:
        widget.refresh(*regions)
        return
    # Widget.refresh's own steps for a repaint, all but the prompt (`check_idle`)
    widget._layout_cache.clear()
    widget._set_dirty(*regions)
    widget.clear_cached_dimensions()
    widget._rich_style_cache.clear()
    noted.add(widget)


@contextmanager
def together(screen: Screen) -> Iterator[None]:
    """Line widgets refreshed inside are written once, at the end, in this call."""
    if id(screen) in _open:  # nested: the outer block writes
        yield
        return
    noted: set[Widget] = set()
    _open[id(screen)] = noted
    try:
        yield
    finally:
        del _open[id(screen)]
        if noted:
            _write(screen, noted)


def _write(screen: Screen, widgets: set[Widget]) -> None:
    app: Any = screen.app
    if screen is app.screen and not app._batch_count and not app.is_inline \
            and not screen._layout_required and not screen._scroll_required:
        screen._dirty_widgets.update(widgets)
        screen._compositor.update_widgets(screen._dirty_widgets)
        screen._compositor_refresh()  # renders the dirty regions, writes, forgets them
        return
    for widget in widgets:  # Textual's way: the prompt `refresh` would have sent
        widget._repaint_required = True
        widget.check_idle()
