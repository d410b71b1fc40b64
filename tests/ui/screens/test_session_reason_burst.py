"""`r` outside a screen's window asks why; the reason typed right behind `r` in one burst (a
laggy SSH link) must land in the question's field, not be lost on the session beneath."""

from __future__ import annotations

import time

from maintui.core.site.config import load_config
from maintui.tui.dialogs.text import ReasonDialog
from maintui.tui.screens.session import SessionScreen
from tests.ui.screens.test_session import WINDOWED, Harness, until
from tests.ui.test_dialog_bursts import burst


async def test_the_reason_typed_right_behind_r_is_the_questions(site):
    if time.localtime().tm_hour == 0 and time.localtime().tm_min == 0:
        return  # inside the one-minute window: nothing is asked
    site.screen("windowed", WINDOWED)
    app = Harness(load_config(site.config), "windowed")
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, SessionScreen)
                    and app.screen.is_mounted)
        await pilot.pause(0.2)
        burst(app, "r", *"quarterly")
        await until(pilot, lambda: isinstance(app.screen, ReasonDialog))
        await pilot.pause(0.3)
        assert app.screen.query_one("Input").value == "quarterly"
