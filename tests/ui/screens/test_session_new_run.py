"""`r` on a session whose run has ended asks before starting another (issue 14, item 7)."""

from __future__ import annotations

from maintui.core.site.config import load_config
from maintui.tui.dialogs.newrun import NewRunDialog
from maintui.tui.dialogs.text import ReasonDialog
from maintui.tui.screens.session import SessionScreen
from maintui.tui.widgets.keybar import KeyBar
from tests.core.helpers import rows
from tests.ui.screens.test_session import Harness, until

FAILS = """
title = "Fails"
{window}
[[steps]]
id = "broken"
title = "A check that fails"
run = "echo no; exit 3"
risk = "safe"
"""
OUTSIDE = 'window = "Mon-Sun 00:00-00:01"'  # a minute a day: outside it nearly always


def keys_shown(screen) -> str:
    bar = screen.query_one(KeyBar)
    return " ".join(f"{k.key_display} {k.description}" for k in bar.query("FooterKey"))


def runs(db) -> list[tuple]:
    return rows(db, "SELECT id, state FROM runs ORDER BY id")


async def fail_once(pilot, app) -> SessionScreen:
    session = app.screen
    assert "r Run/confirm" in keys_shown(session)  # no run yet: r starts one
    await pilot.press("r")
    await until(pilot, lambda: session.run_state == "failed")
    await pilot.pause(0.3)
    return session


async def test_r_on_an_ended_run_asks_before_a_new_one_then_starts_it(site):
    site.screen("fails", FAILS.format(window=""))
    app = Harness(load_config(site.config), "fails")
    async with app.run_test(size=(80, 24)) as pilot:
        session = await fail_once(pilot, app)
        assert "r New run" in keys_shown(session)
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, NewRunDialog))
        title = str(app.screen.query_one(".dialog--title").render())
        assert "Start a new run of fails? (run 1 ended: failed)" in title
        await pilot.press("escape")  # no: nothing starts
        await until(pilot, lambda: app.screen is session)
        await pilot.pause(0.5)
        assert runs(site.db) == [(1, "failed")]
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, NewRunDialog))
        await pilot.press("enter")  # Cancel has the focus: Enter alone starts nothing
        await until(pilot, lambda: app.screen is session)
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, NewRunDialog))
        await pilot.press("y")  # inside the window (there is none): it starts at once
        await until(pilot, lambda: session.run_id == 2 and session.run_state == "failed")
    assert runs(site.db) == [(1, "failed"), (2, "failed")]


async def test_outside_the_window_the_new_run_question_comes_before_the_reason(site):
    site.screen("fails", FAILS.format(window=OUTSIDE))
    import time

    if time.localtime().tm_hour == 0 and time.localtime().tm_min == 0:
        return  # inside the one-minute window: no reason asked (nothing to pin)
    app = Harness(load_config(site.config), "fails")
    async with app.run_test(size=(80, 24)) as pilot:
        session = app.screen
        await pilot.press("r")  # no run yet: only the window question
        await until(pilot, lambda: isinstance(app.screen, ReasonDialog))
        await pilot.press(*"first", "enter")
        await until(pilot, lambda: session.run_state == "failed")
        await pilot.pause(0.3)
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, NewRunDialog))
        assert "outside the screen's window" in str(app.screen.query_one("#new-run-what").render())
        await pilot.press("y")
        await until(pilot, lambda: isinstance(app.screen, ReasonDialog))
        assert "Outside the window" in app.screen.title_text
        await pilot.press(*"second try", "enter")
        await until(pilot, lambda: session.run_id == 2 and session.run_state == "failed")
    assert runs(site.db) == [(1, "failed"), (2, "failed")]
