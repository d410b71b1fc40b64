"""The dry-run plan of a screen, in a scrollable dialog."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from maintui.core.run.stepview import StepView
from maintui.tui import keys


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
        parts: list[Content] = [Content.styled(f"Dry run: {self.plan_title} — nothing is changed",
                                               "bold")]
        for n, item in enumerate(self.items, 1):
            parts.append(Content.assemble("\n", (f"{n}. {item.step_id}", "bold"),
                                          f" — {item.title}",
                                          (f"   {item.risk} · {item.gate}", "$text-muted")))
            parts.append(Content.assemble(("   do    ", "$text-muted"), item.command))
            for change in item.plan:
                parts.append(Content.assemble(("   will  ", "$text-muted"), change))
            if item.rollback:
                parts.append(Content.assemble(("   undo  ", "$text-muted"), item.rollback))
        if not self.items:
            parts.append(Content("(the plan is still being worked out — try again in a moment)"))
        with VerticalScroll():
            yield Static(Content("\n").join(parts))

    def action_dismiss_plan(self) -> None:
        self.dismiss(None)
