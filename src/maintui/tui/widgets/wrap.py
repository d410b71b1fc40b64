"""Output lines wrapped to a pane's width: a long line breaks after a `/` or at a space near
the edge (a path stays readable in pieces), its rest indented under it, nothing cut off."""

from __future__ import annotations

from collections.abc import Iterable

INDENT = "  "   # a wrapped line's rest, set in under it
NARROWEST = 20  # below this a pane is too narrow to wrap into anything readable


def wrap_line(line: str, width: int) -> list[str]:
    """`line` in pieces of at most `width` characters: cut after the last `/` or at the last
    space in the second half of the room, else at the edge."""
    if width < NARROWEST or len(line) <= width:
        return [line]
    pieces: list[str] = []
    rest, room = line, width
    while len(rest) > room:
        head = rest[:room]
        cut = max(head.rfind("/") + 1, head.rfind(" "))
        if cut <= room // 2:
            cut = room  # no break near the edge: cut at it
        pieces.append(rest[:cut].rstrip(" "))
        rest = INDENT + rest[cut:].lstrip(" ")
    pieces.append(rest)
    return pieces


def wrap_lines(lines: Iterable[str], width: int) -> list[str]:
    """Every line wrapped to `width` (0: the pane is not laid out yet, lines kept whole)."""
    return [piece for line in lines for piece in wrap_line(line, width)]
