"""LineTotals: how many lines each followed file holds, for the status line's "328 of 834".

A file's lines are counted once, in a worker, up to where following started (`base`); every
line followed since is added as it comes (`grown`), so the total stays current without
reading the file again. A file truncated or replaced starts again from nought (its new lines
are all followed); a skipped stretch (a flood too far behind) makes the total unknown.
"""

from __future__ import annotations

from collections.abc import Iterable

from maintui.core.logs.tail import EventKind, LogUpdate


class LineTotals:
    """Per source: lines counted up to the start of following, plus lines followed since."""

    def __init__(self, names: Iterable[str]) -> None:
        self.base: dict[str, int | None] = dict.fromkeys(names)
        self.grown: dict[str, int] = dict.fromkeys(self.base, 0)
        self.known: dict[str, bool] = dict.fromkeys(self.base, True)

    def counted(self, name: str, lines: int | None) -> None:
        """The count of the lines before following started (None: it could not be read)."""
        if lines is None:
            self.known[name] = False
        elif self.base[name] is None:
            self.base[name] = lines

    def add(self, updates: Iterable[LogUpdate]) -> None:
        for update in updates:
            name = update.source
            for event in update.events:
                if event.kind in (EventKind.ROTATED, EventKind.TRUNCATED):
                    self.base[name], self.grown[name] = 0, 0  # the new file's lines follow
                elif event.kind is EventKind.SKIPPED:
                    self.known[name] = False
            self.grown[name] += len(update.lines)

    def total(self, names: Iterable[str]) -> int | None:
        """The lines in all `names`' files; None while one is not counted (or cannot be)."""
        out = 0
        for name in names:
            base = self.base[name]
            if base is None or not self.known[name]:
                return None
            out += base + self.grown[name]
        return out
