"""Widgets of a session: the step queue, the selected step's detail, its live output."""

from __future__ import annotations

import time
from typing import Any

from rich.text import Text
from textual.content import Content
from textual.message import Message
from textual.widgets import DataTable, Static

from maintui.core.run.findingtext import detail_lines, worst_first
from maintui.core.run.policy import weighed
from maintui.core.run.stepview import StepView
from maintui.core.states import StepState, label
from maintui.core.units import format_duration
from maintui.tui.models.subrow import SubRow, split_key, sub_key
from maintui.tui.widgets.wrap import wrap_line

ICON = {"pending": "·", "waiting": "?", "running": "▶", "succeeded": "✓", "failed": "✗",
        "timed_out": "⏱", "skipped": "⤼", "rolled_back": "↺", "rollback_failed": "‼",
        "cancelled": "–"}
STYLE = {"waiting": "bold $warning", "running": "bold $accent", "succeeded": "$success",
         "failed": "bold $error", "timed_out": "bold $error", "rollback_failed": "bold reverse $error",
         "rolled_back": "$warning", "skipped": "$text-muted", "cancelled": "$text-muted"}

FLAG = {"warning": "bold $warning", "critical": "bold $error"}  # succeeded, but look at it

# a host's state under its step (docs/fleet.md): the step's icons where the words match
HOST_ICON = {"running": "▶", "ok": "✓", "changed": "✓", "failed": "✗", "unreachable": "⊘",
             "skipped": "⤼"}
HOST_STYLE = {"running": "bold $accent", "ok": "$success", "changed": "$success",
              "failed": "bold $error", "unreachable": "bold $error", "skipped": "$text-muted"}


def theme_style(widget, spec: str) -> str:
    """A Rich style from `bold $error`-like specs, using the current theme's colours
    (DataTable cells are Rich renderables, which do not resolve theme variables)."""
    variables = widget.app.get_css_variables()
    out = []
    for word in spec.split():
        if word.startswith("$"):
            value = variables.get(word[1:], "")
            out.append(value if value.startswith("#") else "dim")
        else:
            out.append(word)
    return " ".join(out)


def cell(widget, text: str, spec: str) -> Text:
    return Text(text, style=theme_style(widget, spec) if spec else "", no_wrap=True)


COLUMNS_BESIDE = 19  # the icon, took and risk columns with their padding, and the scrollbar


def clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


RISK = {"safe": "safe", "normal": "norm", "destructive": "DEST", "critical": "CRIT"}


class StepQueue(DataTable):
    """The run's steps in order with state, duration and risk; selecting one shows it."""

    class StepSelected(Message):
        """A step's row, or one of its host sub-rows (`host` set), is under the cursor."""

        def __init__(self, step_id: str, host: str | None = None) -> None:
            super().__init__()
            self.step_id = step_id
            self.host = host

    # No focus tint (a DataTable's): it changed every cell of the list when a dialog opened
    # over it or focus moved; focus shows by the cursor's colour.
    DEFAULT_CSS = """
    StepQueue { height: 1fr; }
    StepQueue:focus, StepQueue:focus > .datatable--header { background-tint: $foreground 0%; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.levels: dict[str, str] = {}  # step id → worst finding, for flagged steps
        self._shown: dict[str, tuple] = {}  # step id → the row last shown
        self._subs: dict[str, list[SubRow]] = {}  # step id → its host sub-rows (fleet steps)
        self._cut_for = 0  # the width count lines were last cut to
        self.estimates: dict[str, float] = {}  # step id → its `estimate`, shown before it runs

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.zebra_stripes = False
        self._add_columns()

    def _add_columns(self) -> None:
        self.add_column(" ", key="icon", width=1)
        self.add_column("step", key="step")
        self.add_column("took", key="took", width=6)
        self.add_column("risk", key="risk", width=4)

    def mark(self, levels: dict[str, str]) -> None:
        """Flag steps that succeeded with warning or critical findings (step id → worst)."""
        self.levels = levels
        self.show([row for row in self._shown.values() if row[0] in levels])

    def show(self, rows: list[tuple[str, str, str, float | None, float | None]]) -> None:
        """rows: (step_id, state, risk, started, ended); keeps the cursor where it was."""
        now = time.time()
        for row in rows:
            step_id, state, risk, started, ended = row
            self._shown[step_id] = row
            took: str | Text = format_duration((ended or now) - started) if started else ""
            if not started and step_id in self.estimates:  # what to expect, before it runs
                took = cell(self, "~" + format_duration(self.estimates[step_id]), "$text-muted")
            level = self.levels.get(step_id) if state == "succeeded" else None
            icon = (cell(self, "!", FLAG[level]) if level in FLAG
                    else cell(self, ICON.get(state, " "), STYLE.get(state, "")))
            risk_cell = cell(self, RISK.get(risk, risk[:4]), "bold $error" if risk in (
                "destructive", "critical") else "$text-muted")
            label = cell(self, step_id, STYLE.get(state, ""))
            self._put(step_id, (icon, label, took, risk_cell))

    def _put(self, key: str, cells: tuple) -> None:
        if key in self.rows:
            for column, value in zip(("icon", "step", "took", "risk"), cells, strict=True):
                self.update_cell(key, column, value, update_width=True)  # counts grow
        else:
            self.add_row(*cells, key=key)

    def show_hosts(self, step_id: str, subs: list[SubRow]) -> None:
        """A fleet step's count line and hosts under its row, with live states. Rows keep
        their place: the table is rebuilt only when a host appears or goes."""
        keys = [s.key for s in subs]
        rebuild = keys != [s.key for s in self._subs.get(step_id, [])]
        self._subs[step_id] = subs
        if rebuild:
            self._rebuild()
            return
        for sub in subs:
            self._put(sub.key, self._sub_cells(sub))

    def _room(self) -> int:
        """Columns for a count line: the queue's share of the screen beside its other columns."""
        return max(12, self.app.size.width // 2 - COLUMNS_BESIDE)

    def on_resize(self) -> None:
        # count lines cut for another width: drawn again (a rebuild lets the column shrink)
        if self._subs and self._room() != self._cut_for:
            self._rebuild()

    def _sub_cells(self, sub: SubRow) -> tuple:
        if sub.host is None:  # the count line, cut to the queue's share of a narrow screen
            self._cut_for = self._room()
            return (Text(""), cell(self, clip("  " + sub.text, self._cut_for), "$text-muted"),
                    "", "")
        took = format_duration((sub.ended or time.time()) - sub.started) if sub.started else ""
        spec = HOST_STYLE.get(sub.state, "")
        return (cell(self, HOST_ICON.get(sub.state, " "), spec), cell(self, "  " + sub.text, spec),
                took, "")

    def _rebuild(self) -> None:
        """Every row again in order, steps each followed by their sub-rows; the cursor stays."""
        at = self.cursor_key
        self.clear(columns=True)  # the step column's width too: it shrinks to what it holds
        self._add_columns()
        rows = list(self._shown.values())
        self._shown.clear()
        for row in rows:
            self.show([row])
            for sub in self._subs.get(row[0], []):
                self._put(sub.key, self._sub_cells(sub))
        if at is not None and at in self.rows:
            self.move_cursor(row=self.get_row_index(at))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key.value is not None:
            self.post_message(self.StepSelected(*split_key(event.row_key.value)))

    def select(self, step_id: str, host: str | None = None) -> None:
        """The cursor on a step's row, or on one of its hosts' sub-rows."""
        key = sub_key(step_id, host) if host else step_id
        if key in self.rows:
            self.move_cursor(row=self.get_row_index(key))

    @property
    def cursor_key(self) -> str | None:
        """The key of the row under the cursor: a step id, or a host sub-row's key."""
        if not self.row_count:
            return None
        return self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value

    def clear_hosts(self) -> None:
        """A new run is followed: the last one's host sub-rows go."""
        if self._subs:
            self._subs.clear()
            self._rebuild()


FOUND_SHOWN = 2  # findings in the pane, worst first; the step's output lists every one
DETAIL_LINES = 9  # the pane's height at most: the output below keeps the rest of the screen


class StepDetail(Static):
    """Title, description, what it found, command, plan, rollback and outcome of the selected
    step."""

    DEFAULT_CSS = f"StepDetail {{ height: auto; max-height: {DETAIL_LINES}; padding: 0 1; }}"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.found: dict[str, list[dict[str, Any]]] = {}  # step id → its findings, worst first
        self._shown: tuple | None = None  # what show() was last given: drawn again on resize
        self._width = 0  # the width commands and paths were last wrapped to

    def set_findings(self, findings: list[dict[str, Any]]) -> None:
        """The run's findings (as the run log holds them), shown with the step they belong to."""
        self.found = {}
        for f in worst_first(findings):
            self.found.setdefault(f["step_id"], []).append(f)

    def on_resize(self) -> None:
        if self._shown is not None and self.scrollable_content_region.width != self._width:
            self.show(*self._shown)  # commands and paths wrapped again to the new width

    def _code(self, label: str, text: str) -> list[Content]:
        """A command or path under its label, wrapped as the output is (after a `/`, at a
        space, never mid-word where it can be helped), its rest set in under the label."""
        room = self._width - len(label)
        # a script's lines each start a line of their own
        pieces = [piece for line in text.split("\n") for piece in wrap_line(line, room)
                  ] if self._width else [text]
        return [Content.assemble((label if i == 0 else " " * len(label), "$text-muted"), piece)
                for i, piece in enumerate(pieces)]

    def show(self, view: StepView, usual: str = "", reason: str = "", hosts: str = "",
             state: str = "") -> None:
        self._shown = (view, usual, reason, hosts, state)
        self._width = self.scrollable_content_region.width if self.size.width else 0
        parts: list[Content | str] = [Content.styled(f"{view.step_id}: {view.title}", "bold")]
        ended = state in StepState.__members__.values() and StepState(state).finished
        if ended and state != StepState.SUCCEEDED:  # the queue's ✓ says that much; a skipped
            # or failed step says how it ended, and why, before what it is
            parts.append(Content.assemble(
                (f"{ICON.get(state, '·')} {label(state)}", STYLE.get(state, "bold")),
                f" — {reason}" if reason else ""))
        if view.description:
            parts.append(Content(view.description))
        parts += self._found(view.step_id)
        parts.append(Content.assemble(("risk ", "$text-muted"), view.risk,
                                      ("  gate ", "$text-muted"), view.gate))
        if weighed(view, policy=False):  # the gate says what the class policy asks
            parts.append(Content.assemble(("kind ", "$text-muted"), weighed(view, policy=False)))
        if hosts:  # a fleet step's counts in full (the queue cuts them on a narrow screen)
            parts.append(Content.assemble(("on   ", "$text-muted"), hosts))
        if view.impact:
            parts.append(Content.assemble(("impact ", "$text-muted"), view.impact))
        parts += self._code("do   ", view.command)
        if view.only_if:  # else skipped (docs/after.md)
            parts += self._code("if   ", view.only_if)
        if view.after_any:  # `after` is the queue's order; these run whatever the outcome
            names = ", ".join(view.after_any[:3]) + (
                f" +{len(view.after_any) - 3} more" if len(view.after_any) > 3 else "")
            parts.append(Content.assemble(("then ", "$text-muted"),
                                          f"after any outcome of {names}"))
        if usual:
            parts.append(Content.assemble(("time ", "$text-muted"), usual))
        if not ended:  # what a step will change; once it ran, its output says what it did
            for change in view.plan[:3]:
                parts += self._code("will ", change)
        if view.rollback:
            parts += self._code("undo ", view.rollback)
        if reason and not ended:
            parts.append(Content.assemble(("note ", "$text-muted"), reason))
        self.update(self._fitted(Content("\n").join(parts)))

    def _fitted(self, text: Content) -> Content:
        """`text` in the pane's lines at most: a cut one ends in `…` (the pane never scrolls,
        so text cut off unmarked read as whole)."""
        if not self._width:
            return text
        lines = text.wrap(self._width)
        if len(lines) <= DETAIL_LINES:
            return text
        kept = lines[:DETAIL_LINES]
        kept[-1] = Content.assemble(kept[-1].truncate(self._width - 1).rstrip(), "…")
        return Content("\n").join(kept)

    def _found(self, step_id: str) -> list[Content]:
        """The step's worst findings with their first detail (which file, which row)."""
        found = self.found.get(step_id, [])
        out = []
        for f in found[:FOUND_SHOWN]:
            first = detail_lines(f.get("details"))[:1]
            status = f["status"]
            text = f"{status} {f['summary']}" + (f" · {first[0]}" if first else "")
            # wrapped as commands are (a path after a `/`), the status keeping its colour
            lines = self._code("found ", text)
            lines[0] = Content.assemble(("found ", "$text-muted"),
                                        (status, FOUND_STYLE.get(status, "")),
                                        lines[0].plain[len("found ") + len(status):])
            out += lines
        if len(found) > FOUND_SHOWN:
            out.append(Content.styled(f"      +{len(found) - FOUND_SHOWN} more in the output",
                                      "$text-muted"))
        return out


FOUND_STYLE = {"critical": "bold $error", "warning": "bold $warning", "ok": "$success"}
