"""OutputPane: a step's output, wrapped to the pane's width and wrapped again when it changes.

A Log does not wrap; the session wraps each line as it writes it (tui/widgets/wrap.py: a path
breaks after a `/`). The lines as they came are kept, so a wider or narrower pane (a resize,
`o` for the output alone) shows them wrapped to its new width, not at the width they met."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable

from textual import events
from textual.widgets import Log

from maintui.tui.widgets.wrap import wrap_lines


class OutputPane(Log):
    """`write_output` keeps the lines as given and writes them wrapped; `clear` forgets them."""

    def __init__(self, *, max_lines: int, id: str | None = None) -> None:
        super().__init__(id=id, max_lines=max_lines, highlight=False)
        self._given: deque[str] = deque(maxlen=max_lines)  # the output as it came, unwrapped
        self._wrapped_at = 0  # the width the kept lines were last wrapped to

    @property
    def room(self) -> int:
        """The width a line may take (0: not laid out yet)."""
        return self.scrollable_content_region.width if self.size.width else 0

    def write_output(self, lines: Iterable[str]) -> None:
        given = list(lines)
        self._given.extend(given)
        self._wrapped_at = self.room
        self.write_lines(wrap_lines(given, self._wrapped_at))

    def clear(self) -> OutputPane:
        self._given.clear()
        self._wrapped_at = 0
        return super().clear()

    def on_resize(self, event: events.Resize) -> None:
        if self._given and self.room != self._wrapped_at:
            # after the layout settles: a scrollbar coming or going changes the room once more
            self.call_after_refresh(self._rewrap)

    def _rewrap(self) -> None:
        if not self._given or self.room == self._wrapped_at:
            return
        at_end = self.is_vertical_scroll_end
        given = list(self._given)
        super().clear()
        self._wrapped_at = self.room
        self.write_lines(wrap_lines(given, self._wrapped_at), scroll_end=at_end)
