"""The first frame drawn once, whole, after Textual's start-up batch.

Textual (8.x) mounts a mode's first screen inside the batch in which the app starts (App
`_process_messages`), and a screen's layout there renders every widget (~4 ms at 120x40)
for `App._display` to drop, as it drops anything inside a batch. The screen then believes
that frame was written, so the first update after the batch held only what changed since:
the resources panel came ~20 ms later, with the next layout. Here a screen's refresh inside
a batch renders nothing and marks the whole screen dirty instead: the first update after the
batch is the whole screen, rendered once.
A screen's first resume restyles every node it has just mounted (~3.5 ms of the first frame):
Textual cannot tell whether CSS added meanwhile applies to nodes styled before it. Here it is
skipped when all that was added since the screen began composing is widget classes' scoped
CSS (it matches only its widgets, which are styled after it is added) and the variables
(the theme) are the same: every node is then styled by the rules it would get again.
If Textual's classes change shape, nothing is replaced and its own code runs.
"""

from __future__ import annotations

from typing import Any
from weakref import WeakKeyDictionary

from textual import events
from textual._compositor import Compositor
from textual.css.stylesheet import CssSource, Stylesheet
from textual.screen import Screen

_textual_refresh = Screen._compositor_refresh
_textual_compose = Screen._compose
_textual_resume = Screen._on_screen_resume
# screen -> the CSS when it began composing (weak: a screen gone before its first resume)
_sources: WeakKeyDictionary[Screen, tuple[int, frozenset]] = WeakKeyDictionary()


def compositor_refresh(self: Screen) -> None:
    """Textual's `_compositor_refresh`, except inside a batch: then the whole screen is left
    to the first refresh after it."""
    app = self.app
    if getattr(app, "_batch_count", 0) and not app.is_inline and self is app.screen:
        self._compositor._dirty_regions.add(self._compositor.size.region)
        return
    _textual_refresh(self)


def _css_now(app: Any) -> tuple[int, frozenset]:
    stylesheet = app.stylesheet
    return id(stylesheet._variables), frozenset(stylesheet.source)


async def compose(self: Screen) -> None:
    """Textual's `_compose`, noting the CSS in force before the screen's widgets mount."""
    _sources[self] = _css_now(self.app)
    await _textual_compose(self)


def on_screen_resume(self: Screen, event: events.ScreenResume) -> None:
    """Textual's handler, without the restyle on a screen's first resume when nothing added
    since it began composing can change a node already styled (see the module's notes)."""
    before = _sources.pop(self, None)
    if before is not None and event.refresh_styles:
        variables, sources = _css_now(self.app)
        source = self.app.stylesheet.source
        if variables == before[0] and sources >= before[1] and all(
                source[name].is_defaults and source[name].scope for name in sources - before[1]):
            event.refresh_styles = False
    _textual_resume(self, event)


def install() -> bool:
    """Leave frames inside a batch to the first refresh after it; False (nothing changed) if
    Textual's screen or compositor no longer have what this works from."""
    if Screen._compositor_refresh is compositor_refresh:
        return True
    compositor = Compositor()
    if not all(hasattr(compositor, name) for name in ("_dirty_regions", "size")) \
            or not hasattr(Screen, "_compositor_refresh"):
        return False
    Screen._compositor_refresh = compositor_refresh  # type: ignore[method-assign]
    names = ("_variables", "source")
    if all(hasattr(Stylesheet(), name) for name in names) \
            and {"is_defaults", "scope"} <= set(CssSource._fields) \
            and hasattr(events.ScreenResume(), "refresh_styles"):
        Screen._compose = compose  # type: ignore[method-assign]
        Screen._on_screen_resume = on_screen_resume  # type: ignore[method-assign]
    return True
