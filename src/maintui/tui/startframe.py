"""The first frame drawn once, whole, after Textual's start-up batch.

Textual (8.x) mounts a mode's first screen inside the batch in which the app starts (App
`_process_messages`), and a screen's layout there renders every widget (~4 ms at 120x40)
for `App._display` to drop, as it drops anything inside a batch. The screen then believes
that frame was written, so the first update after the batch held only what changed since:
the resources panel came ~20 ms later, with the next layout. Here a screen's refresh inside
a batch renders nothing and marks the whole screen dirty instead: the first update after the
batch is the whole screen, rendered once.
If Textual's classes change shape, nothing is replaced and its own code runs.
"""

from __future__ import annotations

from textual._compositor import Compositor
from textual.screen import Screen

_textual_refresh = Screen._compositor_refresh


def compositor_refresh(self: Screen) -> None:
    """Textual's `_compositor_refresh`, except inside a batch: then the whole screen is left
    to the first refresh after it."""
    app = self.app
    if getattr(app, "_batch_count", 0) and not app.is_inline and self is app.screen:
        self._compositor._dirty_regions.add(self._compositor.size.region)
        return
    _textual_refresh(self)


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
    return True
