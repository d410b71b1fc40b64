"""The step detail says how a step waits and whether it runs at all: its `only_if` command and
the steps it follows whatever their outcome (`after_any`)."""

from __future__ import annotations

from textual.app import App, ComposeResult

from maintui.core.run.stepview import StepView
from maintui.tui.widgets.steps import StepDetail


class _One(App):
    def compose(self) -> ComposeResult:
        yield StepDetail(id="detail")


async def test_the_detail_names_the_condition_and_the_steps_it_follows_whatever_their_outcome():
    app = _One()
    async with app.run_test(size=(80, 24)):
        detail = app.query_one(StepDetail)
        detail.show(StepView("alert", "Tell the team", command="notify", after=["backup"],
                             after_any=["backup", "vacuum"], only_if="test -f /srv/flag"))
        text = str(detail.render())
        assert "if   test -f /srv/flag" in text
        assert "then after any outcome of backup, vacuum" in text
        detail.show(StepView("report", "Report", command="report.write",
                             after_any=["a", "b", "c", "d", "e"]))
        assert "after any outcome of a, b, c +2 more" in str(detail.render())
        detail.show(StepView("plain", "No conditions", command="true"))
        text = str(detail.render())
        assert "if " not in text and "any outcome" not in text
