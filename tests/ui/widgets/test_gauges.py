"""Sparklines rolled by a bar a sample draw the same bars as drawn afresh."""

from __future__ import annotations

import random
from collections import deque

import pytest

from maintui.tui.widgets import gauges
from maintui.tui.widgets.gauges import Spark, spark


def test_a_rolled_sparkline_matches_one_drawn_afresh_as_history_grows_fills_and_rescales(
        monkeypatch: pytest.MonkeyPatch):
    drawn: list[int] = []

    def counted(values, width, top):
        drawn.append(width)
        return spark(values, width, top)

    monkeypatch.setattr(gauges, "spark", counted)
    rng = random.Random(14)
    # (history kept, bars shown): longer, shorter, and a history shorter than the line
    for maxlen, width in ((120, 33), (120, 15), (10, 33), (5, 5)):
        history: deque[float] = deque(maxlen=maxlen)
        line = Spark()
        drawn.clear()
        for i in range(300):
            history.append(rng.uniform(0, 120))
            # a steady scale mostly; a new recent maximum rescales, a resize redraws
            top = 100.0 if i % 50 < 40 else max(history)
            shown = width - (i // 100)
            assert line.bars(tuple(history), shown, top) == spark(tuple(history), shown, top), \
                (maxlen, width, i)
        if maxlen >= width:  # most samples roll by a bar: drawn afresh on a new scale or width
            assert len(drawn) < 80, (maxlen, width, len(drawn))


def test_the_same_history_gives_the_same_bars_and_none_gives_blanks():
    line = Spark()
    assert line.bars((), 4, 100.0) == "    "
    assert line.bars((50.0,), 4, 100.0) == "   ▅"
    assert line.bars((50.0,), 4, 100.0) == "   ▅"
    assert line.bars((50.0, 100.0), 4, 100.0) == "  ▅█"
    assert line.bars((0.0, 100.0), 4, 100.0) == "  ▁█"  # the same length, not a roll
