"""Without colour (NO_COLOR, 16 colours): critical and warning are marked by weight too."""

from __future__ import annotations

import pytest

from maintui.tui.widgets import ProcessTable, ResourceGauges, ScreenList
from maintui.tui.widgets.tables import StatusTable

MARKS = [  # (widget, its component class prefix)
    (ResourceGauges, "gauge--"), (ProcessTable, "processes--"), (ScreenList, "status--"),
    (StatusTable, "status--"),
]


@pytest.mark.parametrize(("widget", "prefix"), MARKS)
async def test_critical_is_bold_and_reversed_and_warning_bold(build, widget, prefix):
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        if not app.screen.query(widget):
            await app.screen.mount(widget())
        await pilot.pause()
        node = app.screen.query_one(widget)
        critical = node.get_component_rich_style(f"{prefix}critical")
        warning = node.get_component_rich_style(f"{prefix}warning")
        assert critical.bold and critical.reverse, critical
        assert warning.bold and not warning.reverse, warning
