"""The run view's `b` obeys the one-driver claim (docs/console-control.md): a run another
console drives is not rolled back from here; the view says who and how to take it over."""

from __future__ import annotations

from textual.app import App

from maintui.core.run.attach import Attachment, Identity
from maintui.core.site.config import load_config
from maintui.core.store.db import RunLog
from maintui.tui.dialogs.rollback import RollbackDialog
from maintui.tui.screens.run_detail import RunDetailScreen
from tests.core.helpers import rows, step_states
from tests.ui.screens.test_session import until
from tests.ui.screens.test_session_control import TWO, roll_back_with_b, toasts

ME = Identity("alice", "here", 101, "")
BOB = Identity("bob", "elsewhere", 202, "")


class Detail(App):
    def __init__(self, config, me: Identity) -> None:
        super().__init__()
        self.config_, self.me = config, me

    def on_mount(self) -> None:
        self.push_screen(RunDetailScreen(self.config_, 1, me=self.me))


async def claim_as(db, who: Identity, force: bool = False) -> bool:
    async with await RunLog.open(db, create=False) as log:
        return await Attachment(log, 1, who).claim(force=force)


async def driver(db) -> dict | None:
    async with await RunLog.open(db, create=False) as log:
        return await Attachment(log, 1, ME).driver()


async def test_b_on_a_run_another_console_drives_says_who_and_how_to_take_over(site):
    site.screen("two", TWO)
    assert site.run("run", "two", "--yes", "--quiet").returncode == 0
    assert await claim_as(site.db, BOB)  # bob's session shows the ended run: he drives it
    app = Detail(load_config(site.config), ME)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: getattr(app.screen, "run", None) is not None)
        await pilot.press("b")
        await until(pilot, lambda: "driven by bob@elsewhere (pid 202)" in toasts(app))
        assert "s opens its session, where T takes it over" in toasts(app)
        await pilot.pause(0.3)
        assert isinstance(app.screen, RunDetailScreen)  # no rollback dialog opened
    assert rows(site.db, "SELECT state FROM runs") == [("succeeded",)]
    assert (await driver(site.db))["user"] == "bob"  # his claim stands


async def test_b_claims_a_run_nobody_drives_and_a_takeover_closes_its_dialog(site):
    site.screen("two", TWO)
    assert site.run("run", "two", "--yes", "--quiet").returncode == 0
    app = Detail(load_config(site.config), ME)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: getattr(app.screen, "run", None) is not None)
        view = app.screen
        await pilot.press("b")
        await until(pilot, lambda: isinstance(app.screen, RollbackDialog))
        assert (await driver(site.db))["user"] == "alice"  # claimed for the rollback
        assert not await claim_as(site.db, BOB)  # bob's console watches meanwhile
        assert await claim_as(site.db, BOB, force=True)  # until he takes it over (T)
        await until(pilot, lambda: app.screen is view, timeout=8)  # at the next renewal
        await until(pilot, lambda: "bob@elsewhere (pid 202) took run 1 over" in toasts(app))
        assert rows(site.db, "SELECT state FROM runs") == [("succeeded",)]  # nothing undone
        await pilot.press("b")  # and b now says who drives
        await until(pilot, lambda: "not rolled back. s opens its session" in toasts(app))
    assert step_states(site.db) == {"first": "succeeded", "second": "succeeded"}


async def test_the_claim_taken_for_a_rollback_goes_when_the_view_is_left(site):
    site.screen("two", TWO)
    assert site.run("run", "two", "--yes", "--quiet").returncode == 0
    app = Detail(load_config(site.config), ME)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: getattr(app.screen, "run", None) is not None)
        await roll_back_with_b(pilot, app, site)
        assert (await driver(site.db))["user"] == "alice"
        await app.screen.dismiss()
        await pilot.pause(0.3)
    assert await driver(site.db) is None  # released: a session showing it drives at once
