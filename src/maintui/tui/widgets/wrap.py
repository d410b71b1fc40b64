"""Output lines wrapped to a pane's width: a long line breaks after a `/` or at a space near
the edge (a path stays readable in pieces), its rest indented under it, nothing cut off."""

from __future__ import annotations

from collections.abc import Iterable

INDENT = "  "   # a wrapped line's rest, set in under it
NARROWEST = 20  # below this a pane is too narrow to wrap into anything readable


def wrap_line(line: str, width: int) -> list[str]:
    """`line` in pieces of at most `width` characters: cut after the last `/` or at the last
    space past the first quarter of the room, else at the edge (a file name cut in two,
    `update-5-….m` / `d`, is misread; a shorter line is not)."""
    if width < NARROWEST or len(line) <= width:
        return [line]
    pieces: list[str] = []
    rest, room = line, width
    while len(rest) > room:
        head = rest[:room]
        cut = max(_after_slash(head), head.rfind(" "))
        if cut <= room // 4:
            cut = room  # no break near the edge: cut at it
        pieces.append(rest[:cut].rstrip(" "))
        rest = INDENT + rest[cut:].lstrip(" ")
    pieces.append(rest)
    return pieces


def _after_slash(head: str) -> int:
    """Where to cut after the last `/` inside a path (-1: none); not after a path's leading
    `/`, which would leave `file: /` alone at the end of a line."""
    at = head.rfind("/")
    while at > 0 and head[at - 1] == " ":
        at = head.rfind("/", 0, at)
    return at + 1 if at > 0 else -1


def wrap_lines(lines: Iterable[str], width: int) -> list[str]:
    """Every line wrapped to `width` (0: the pane is not laid out yet, lines kept whole)."""
    return [piece for line in lines for piece in wrap_line(line, width)]
