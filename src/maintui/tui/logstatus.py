"""LogStatus: the logs screen's two status lines, each fitted to the width by priority.

The first says what the view shows (following or paused, a problem, the last jump, the
searches running, the level, the line count); the second each source's status (the shown one
first, those in trouble next, the rest counted). A cut part ends in an ellipsis.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter

from rich.cells import cell_len, set_cell_size
from textual.content import Content

from maintui.core.logs.levels import Level
from maintui.core.logs.search import Hits
from maintui.tui.models.logs import LogModel
from maintui.tui.models.logtotals import LineTotals

_STATUS_STYLE = {"following": "$success", "waiting": "$warning", "unreadable": "$error",
                 "binary": "$warning"}
ELLIPSIS = "…"
Part = tuple[str, str]  # (text, the status word its colour follows: "following", …; "" plain)


class LogStatus:
    """What the status lines say, from the model, the files' totals and the screen's notes."""

    def __init__(self, model: LogModel, totals: LineTotals) -> None:
        self.model = model
        self.totals = totals
        self.searching = ""  # what a running whole-file search (n/N, </>) says
        self.filtering = ""  # what the filter's search of the whole files says
        self.note: str | tuple[str, Hits] = ""  # where the last jump went
        self._parts: tuple[Part, ...] = ()  # the lines last shown

    def _jump_note(self, marked: tuple[str, int]) -> str:
        if isinstance(self.note, str):
            return self.note
        what, hits = self.note
        source, offset = marked
        return (f"{what} {_position(hits, offset)} of {len(hits):,}"
                f"{'' if hits.done else '+'} in {source}")

    def count_text(self) -> str:
        """What the view holds and what the shown files hold: "200 lines loaded · 3,300 in
        file" (the tail), "2,200 matching lines loaded · 3,300 in file" (a filter's lines
        found in the whole file, more read on scrolling up). The second number is the
        files' lines whatever the filter, so a narrower filter never shows a larger one;
        it is left out while the files are being counted."""
        model = self.model
        total = self.totals.total(model.visible)
        n = model.matched
        shown = f"{n:,} {'matching ' if model.filter.active else ''}line{'s' * (n != 1)} loaded"
        where = "file" if len(model.visible) == 1 else "files"
        return shown if total is None else f"{shown} · {total:,} in {where}"

    def content(self, width: int, min_level: Level, marked: tuple[str, int] | None,
                problem: str = "") -> Content | None:
        """Both lines in `width` cells (`marked`: the line the last jump went to); None when
        they are as last shown (setting them re-lays out the screen)."""
        model = self.model
        if model.live:
            state = ("following", "$success")
        else:
            state = (f"paused, {model.pending:,} new (End follows)", "$warning")
        # (priority, text, style), in the order shown: the lowest priority goes first
        view = [(0, *state), (6, self.count_text(), "")]
        if min_level:
            view.append((5, f"level ≥ {min_level.name}", ""))
        if self.note and marked is not None:
            view.append((2, self._jump_note(marked), "$success"))
        if self.searching:
            view.append((3, self.searching, "$accent"))
        if self.filtering:
            view.append((4, self.filtering, "$accent"))
        if problem:
            view.append((1, problem, "$error"))
        statuses = {name: model.status[name] for name in model.names}
        sources = [(text, _STATUS_STYLE.get(word, "$text-muted") if word else "")
                   for text, word in sources_line(statuses, model.source, width)]
        parts = (*status_line(view, width), ("\n", ""), *sources)
        if parts == self._parts:
            return None
        self._parts = parts
        return Content.assemble(*(text if not style else (text, style) for text, style in parts))


def _position(hits: Hits, offset: int) -> str:
    return f"{bisect_left(hits.offsets, offset) + 1:,}"


def cut(text: str, width: int) -> str:
    """`text` in at most `width` cells, ending in an ellipsis when it had to be cut."""
    if cell_len(text) <= width:
        return text
    return set_cell_size(text, width - 1) + ELLIPSIS if width > 0 else ""


def fit_parts(parts: list[Part], width: int) -> list[Part]:
    """The parts, in priority order, that fit `width` cells: each kept whole while it fits,
    the first that does not is cut with an ellipsis and the rest left out."""
    out: list[Part] = []
    room = width
    for text, word in parts:
        size = cell_len(text)
        if size > room:
            if room > 1:
                out.append((cut(text, room), word))
            break
        out.append((text, word))
        room -= size
    return out


def sources_line(status: dict[str, str], selected: str | None, width: int) -> list[Part]:
    """Each source's status in `width` cells: the selected source first, then those in
    trouble (unreadable, waiting, binary) before those following; sources left out for room
    are counted by status (`+3 following`), and a cut name or status ends in an ellipsis."""
    order = sorted(status, key=lambda n: (n != selected, _word(status[n]) == "following"))
    out: list[Part] = []
    used = 0
    for i, name in enumerate(order):
        entry = [(f"{' · ' if i else ''}{name}: ", ""), (status[name], _word(status[name]))]
        size = sum(cell_len(text) for text, _ in entry)
        rest = _left_out(status, order[i + 1:])
        if used + size + cell_len(rest) <= width:
            out += entry
            used += size
            continue
        if i == 0:  # the first comes first: the count of the rest gets at most a third
            out += fit_parts(entry, width - min(cell_len(rest), width // 3))
            used = sum(cell_len(text) for text, _ in out)
        else:
            rest = _left_out(status, order[i:])
        out.append((cut(rest, max(width - used, 0)), ""))
        break
    return [part for part in out if part[0]]


def _word(state: str) -> str:
    """The word a status is coloured by: "following", "unreadable", "binary", …"""
    return state.split()[0].rstrip(":") if state else ""


def _left_out(status: dict[str, str], names: list[str]) -> str:
    """` · +3 following, 1 unreadable`: the sources a line had no room for, by status."""
    if not names:
        return ""
    counts = Counter(_word(status[n]) for n in names)
    return " · +" + ", ".join(f"{k} {w}" for w, k in counts.most_common())


def status_line(parts: list[tuple[int, str, str]], width: int) -> list[tuple[str, str]]:
    """(priority, text, style) parts joined by " · " in their order, in `width` cells: the
    lowest priorities (the highest numbers) are left out first, and the part that does not
    fit whole is cut with an ellipsis (the rest of lower priority are left out)."""
    kept: dict[int, str] = {}
    room = width
    for i in sorted(range(len(parts)), key=lambda i: parts[i][0]):
        text = parts[i][1]
        gap = 3 if kept else 0
        if gap + cell_len(text) <= room:
            kept[i] = text
            room -= gap + cell_len(text)
            continue
        if room - gap > 1:
            kept[i] = cut(text, room - gap)
        break
    out: list[tuple[str, str]] = []
    for i in sorted(kept):
        if out:
            out.append((" · ", ""))
        out.append((kept[i], parts[i][2]))
    return out
