"""Widgets of a session: the step queue, the selected step's detail, its live output."""

from __future__ import annotations

import time

from rich.text import Text
from textual.content import Content
from textual.message import Message
from textual.widgets import DataTable, Static

from maintui.core.run.stepview import StepView
from maintui.core.units import format_duration

ICON = {"pending": "·", "waiting": "?", "running": "▶", "succeeded": "✓", "failed": "✗",
        "timed_out": "⏱", "skipped": "⤼", "rolled_back": "↺", "rollback_failed": "‼",
        "cancelled": "–"}
STYLE = {"waiting": "bold $warning", "running": "bold $accent", "succeeded": "$success",
         "failed": "bold $error", "timed_out": "bold $error", "rollback_failed": "bold reverse $error",
         "rolled_back": "$warning", "skipped": "$text-muted", "cancelled": "$text-muted"}

FLAG = {"warning": "bold $warning", "critical": "bold $error"}  # succeeded, but look at it


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


RISK = {"safe": "safe", "normal": "norm", "destructive": "DEST", "critical": "CRIT"}


class StepQueue(DataTable):
    """The run's steps in order with state, duration and risk; selecting one shows it."""

    class StepSelected(Message):
        def __init__(self, step_id: str) -> None:
            super().__init__()
            self.step_id = step_id

    DEFAULT_CSS = "StepQueue { height: 1fr; }"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.levels: dict[str, str] = {}  # step id → worst finding, for flagged steps
        self._shown: dict[str, tuple] = {}  # step id → the row last shown

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.zebra_stripes = False
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
            took = format_duration((ended or now) - started) if started else ""
            level = self.levels.get(step_id) if state == "succeeded" else None
            icon = (cell(self, "!", FLAG[level]) if level in FLAG
                    else cell(self, ICON.get(state, " "), STYLE.get(state, "")))
            risk_cell = cell(self, RISK.get(risk, risk[:4]), "bold $error" if risk in (
                "destructive", "critical") else "$text-muted")
            label = cell(self, step_id, STYLE.get(state, ""))
            if step_id in self.rows:
                self.update_cell(step_id, "icon", icon)
                self.update_cell(step_id, "step", label)
                self.update_cell(step_id, "took", took)
                self.update_cell(step_id, "risk", risk_cell)
            else:
                self.add_row(icon, label, took, risk_cell, key=step_id)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key.value is not None:
            self.post_message(self.StepSelected(event.row_key.value))

    def select(self, step_id: str) -> None:
        if step_id in self.rows:
            self.move_cursor(row=self.get_row_index(step_id))


class StepDetail(Static):
    """Title, description, command, plan, rollback and outcome of the selected step."""

    DEFAULT_CSS = "StepDetail { height: auto; max-height: 9; padding: 0 1; }"

    def show(self, view: StepView, usual: str = "", reason: str = "") -> None:
        parts: list[Content | str] = [Content.styled(f"{view.step_id}: {view.title}", "bold")]
        if view.description:
            parts.append(Content(view.description))
        parts.append(Content.assemble(("risk ", "$text-muted"), view.risk,
                                      ("  gate ", "$text-muted"), view.gate))
        parts.append(Content.assemble(("do   ", "$text-muted"), view.command))
        if usual:
            parts.append(Content.assemble(("time ", "$text-muted"), usual))
        for change in view.plan[:3]:
            parts.append(Content.assemble(("will ", "$text-muted"), change))
        if view.rollback:
            parts.append(Content.assemble(("undo ", "$text-muted"), view.rollback))
        if reason:
            parts.append(Content.assemble(("note ", "$text-muted"), reason))
        self.update(Content("\n").join(parts))
