"""The dry-run plan of a screen, in a scrollable dialog."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from maintui.core.run.policy import weighed
from maintui.core.run.stepview import StepView
from maintui.tui import keys
from maintui.tui.widgets.keybar import KeyBar


class PlanDialog(ModalScreen[None]):
    DEFAULT_CSS = """
    PlanDialog { align: center middle; }
    PlanDialog > VerticalScroll { width: 90%; height: 90%; border: thick $primary;
        background: $surface; padding: 0 1; }
    """
    BINDINGS = keys.for_screen("plan")

    def __init__(self, title: str, items: list[StepView]) -> None:
        super().__init__()
        self.plan_title = title
        self.items = items

    def compose(self) -> ComposeResult:
        parts: list[RenderableType] = [
            Text(f"Dry run: {self.plan_title} — nothing is changed", style="bold")]
        for n, item in enumerate(self.items, 1):
            parts.append(Text.assemble("\n", (f"{n}. {item.step_id}", "bold"), f" — {item.title}",
                                       (f"   {item.risk} · {item.gate}", "dim")))
            # a hanging indent: a long command or path wraps under itself, not under the label
            rows = Table.grid(padding=(0, 1))
            rows.add_column(width=9, no_wrap=True, style="dim")
            rows.add_column(ratio=1, overflow="fold")
            if weighed(item, policy=False):  # class, estimate, tags (the gate: its policy)
                rows.add_row("   weigh", Text(weighed(item, policy=False)))
            if item.impact:
                rows.add_row("   impact", Text(item.impact))
            if item.policy:  # its window too, open now or when it next opens
                rows.add_row("   policy", Text(item.policy.split(": ", 1)[-1]))
            rows.add_row("   do", Text(item.command))
            for change in item.plan:
                rows.add_row("   will", Text(change))
            if item.rollback:
                rows.add_row("   undo", Text(item.rollback))
            parts.append(rows)
        if not self.items:
            parts.append(Text("(the plan is still being worked out — try again in a moment)"))
        with VerticalScroll():
            yield Static(Group(*parts))
        yield KeyBar()

    def action_dismiss_plan(self) -> None:
        self.dismiss(None)
