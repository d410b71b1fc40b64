"""Line widgets draw their rows without Textual's styles cache: the very strips it would draw."""

from __future__ import annotations

import pytest
from textual.geometry import Region
from textual.widget import Widget

from maintui.core.probes.base import Proc
from maintui.core.probes.fake import fake_snapshot
from maintui.tui.widgets import DiskTable, ProcessTable, ResourceGauges, gauges, processes
from maintui.tui.widgets.plain import plain_lines
from tests.ui.conftest import settle

PROCS = tuple(Proc(100 + i, f"proc{i}", "ops", 95.0 - 7 * i, 1.5 * i, 2048.0 * i)
              for i in range(30))  # critical, warning and plain rows, more than fit


def _textual(widget: Widget, crop: Region) -> list:
    """What Textual's own styles cache draws for `crop`, afresh."""
    widget._styles_cache.clear()
    return [list(strip) for strip in widget._styles_cache.render_widget(widget, crop)]


def _crops(widget: Widget) -> list[Region]:
    """Every row alone, all rows at once, and a few cuts across the width."""
    width, height = widget.region.size
    return [Region(0, y, width, 1) for y in range(height)] + [
        Region(0, 0, width, height), Region(3, 1, width - 6, max(1, height - 2)),
        Region(width - 4, min(2, height - 1), 4, 1)]


async def _drawn(app, pilot) -> list[Widget]:
    await settle(app, pilot=pilot)
    app.screen.query_one(ProcessTable).show(PROCS)
    app.screen.query_one(ResourceGauges).show(fake_snapshot(cpu=96.0, memory=71.0),
                                             lambda name: (10.0, 50.0, 96.0))
    await pilot.pause()
    return [app.screen.query_one(kind) for kind in (ResourceGauges, DiskTable, ProcessTable)]


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
@pytest.mark.parametrize("look", ["default", "NO_COLOR", "ansi"])
async def test_rows_drawn_without_the_styles_cache_are_the_strips_textual_draws(
        build, monkeypatch, size, look):
    if look == "NO_COLOR":  # the Monochrome filter, as NO_COLOR=1 maintui
        monkeypatch.setenv("NO_COLOR", "1")
    app = build()
    async with app.run_test(size=size) as pilot:
        if look == "ansi":  # the terminal's own colours: no ANSI-to-truecolor filter
            app.ansi_color = True
        widgets = await _drawn(app, pilot)
        table = widgets[-1]
        table.focus()  # a focused panel's top edge changes colour: its rows must not
        await pilot.pause()
        drawn = 0
        for widget in widgets:
            for crop in _crops(widget):
                drawn += _compare(widget, crop)
        if look == "default":  # a new theme: every row's colours change with it
            app.theme = next(t for t in sorted(app.available_themes) if t != app.theme)
            await pilot.pause()
            for widget in widgets:
                for crop in _crops(widget):
                    _compare(widget, crop)
        # every gauge and disk row, every process row between the border's edges
        assert drawn >= sum(w.region.height for w in widgets) - 2


def _compare(widget: Widget, crop: Region) -> int:
    """The rows `plain_lines` draws against Textual's; how many it drew (0: Textual's path)."""
    ours = plain_lines(widget, crop)
    if ours is None:  # a border's top or bottom row: Textual's path
        assert widget.styles.border_top[0] and crop.y == 0 \
            or widget.styles.border_bottom[0] and crop.bottom == widget.region.height
        return 0
    assert [list(strip) for strip in ours] == _textual(widget, crop), (widget, crop)
    assert [list(s) for s in widget.render_lines(crop)] == _textual(widget, crop)
    return crop.height


async def test_a_look_the_fast_path_does_not_draw_goes_through_textual(build):
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        gauges, _, table = await _drawn(app, pilot)
        for widget, rule, value in ((gauges, "padding", (0, 1)), (table, "tint", "red 20%"),
                                    (table, "opacity", 0.5), (gauges, "hatch", ("/", "red"))):
            setattr(widget.styles, rule, value)
            await pilot.pause()
            crop = Region(0, 1, widget.region.width, 1)
            assert plain_lines(widget, crop) is None, rule
            theirs = _textual(widget, crop)
            widget._styles_cache.clear()
            assert [list(s) for s in widget.render_lines(crop)] == theirs, rule
            widget.styles.clear_rule(rule)
            await pilot.pause()
            assert plain_lines(widget, crop) is not None, rule


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_dashboard_looks_the_same_drawn_either_way(build, monkeypatch, size):
    app = build()
    async with app.run_test(size=size) as pilot:
        await _drawn(app, pilot)
        ours = app.export_screenshot()
        for module in (gauges, processes):
            monkeypatch.setattr(module, "plain_lines", lambda widget, crop: None)
        for widget in app.screen.query("*"):
            widget.refresh()
        await pilot.pause()
        assert app.export_screenshot() == ours
