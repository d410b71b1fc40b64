"""A second console on a fleet run (issue 15, items 4, 6 and 8): it watches a run stopped at a
batch gate or a class-policy gate, with the hosts' rows live, and answers only once it took the
run over; a host is retried alone from a console that opened the run afterwards. Two consoles
(two apps, each with its own identity) on one site; real plays through ansible-runner on the
test inventory, a real detached runner."""

from __future__ import annotations

import shutil

import pytest
from textual.app import App

from maintui.core.run.attach import Identity
from maintui.core.site.config import load_config
from maintui.tui.dialogs.confirm import ConfirmDialog
from maintui.tui.dialogs.takeover import TakeOverDialog
from maintui.tui.dialogs.text import ReasonDialog
from maintui.tui.models.subrow import sub_key
from maintui.tui.screens.session import SessionScreen
from maintui.tui.widgets.steps import StepQueue
from tests.core.fleet.conftest import DATA, FLEET
from tests.core.helpers import rows
from tests.ui.screens.test_session import until

pytest.importorskip("ansible_runner")

BOB = Identity("bob", "elsewhere", 1, "")

ROLL = """
title = "Roll"
[[steps]]
id = "roll"
title = "Roll out"
risk = "normal"
hosts = "web"
serial = 1
run = "echo rolled on $(hostname)"
"""


class Console(App):
    """One console: a session on the screen (or on one run), as `who`."""

    def __init__(self, config, name: str, me: Identity | None = None,
                 run_id: int | None = None) -> None:
        super().__init__()
        self.config, self.name_, self.me, self.run_id = config, name, me, run_id
        self.said: list[str] = []  # every notice, kept past its toast's few seconds

    def on_mount(self) -> None:
        self.push_screen(SessionScreen(self.config, self.name_, run_id=self.run_id, me=self.me))

    def notify(self, message, *args, **kwargs) -> None:
        self.said.append(str(message))
        super().notify(message, *args, **kwargs)


@pytest.fixture
def fleet(site):
    shutil.copy(DATA / "inventory.ini", site.root / "inventory.ini")
    site.config.write_text(site.config.read_text() + FLEET)
    return site


def session_of(app) -> SessionScreen:
    return next(s for s in app.screen_stack if isinstance(s, SessionScreen))


def cell(app, key: str) -> str:
    return str(session_of(app).query_one(StepQueue).get_row(key)[1]).strip()


def has_row(app, key: str) -> bool:
    return key in session_of(app).query_one(StepQueue).rows


def head(app) -> str:
    lines = str(session_of(app).query_one("#session-head").render()).splitlines()
    return "\n".join(line.rstrip() for line in lines)


def toasts(app) -> str:
    """What the console has said so far (a slow machine may outlast a toast)."""
    return " | ".join(app.said)


def gate_title(app) -> str:
    return app.screen.view.title if isinstance(app.screen, ConfirmDialog) else ""



def typing_in(app, field: str) -> bool:
    """The dialog on top is composed and its field `field` has the focus: keys go to it."""
    return getattr(app.focused, "id", None) == field and isinstance(app.screen, ConfirmDialog)

async def test_a_watcher_sees_the_batch_gate_and_hosts_live_and_answers_once_it_took_over(fleet):
    fleet.screen("roll", ROLL)
    config = load_config(fleet.config)
    driver, watcher = Console(config, "roll"), Console(config, "roll", me=BOB)
    async with driver.run_test(size=(80, 24)) as dp:
        await dp.press("r")
        await until(dp, lambda: gate_title(driver) == "Roll out", timeout=30)
        await dp.press("y")
        await until(dp, lambda: gate_title(driver).startswith("batch 2 of 3: web2"), timeout=60)
        async with watcher.run_test(size=(80, 24)) as wp:
            watching = session_of(watcher)
            await until(wp, lambda: watching.run_state == "waiting" and has_row(
                watcher, sub_key("roll", "web1")), timeout=20)
            # the watcher sees where the run stands: waiting, batch 1's host done, who drives
            assert cell(watcher, sub_key("roll", None)) == "web: 1 changed"
            me = Identity.here()
            assert head(watcher).splitlines() == [
                "Roll  run 1 waiting  read-only, T takes over",
                f"driven by {me.user}@{me.host} (pid {me.pid}) · asked there: batch 2 of 3: "
                "web2 — Roll out"]
            assert watching.model.gate is not None
            assert watching.model.gate.data["title"].startswith("batch 2 of 3: web2")
            await wp.press("r", "y", "s")  # no key of a watcher answers the gate
            await until(wp, lambda: "this console watches: T takes the run over"
                        in toasts(watcher))
            assert watcher.screen is watching
            assert rows(fleet.db, "SELECT user FROM decisions WHERE kind = 'confirm'") == [
                (Identity.here().user,)]
            await wp.press("T")
            await until(wp, lambda: isinstance(watcher.screen, TakeOverDialog))
            await wp.press("t")
            # the batch gate is the watcher's to answer now; the old driver's closes
            await until(wp, lambda: gate_title(watcher).startswith("batch 2 of 3: web2"))
            await until(dp, lambda: not isinstance(driver.screen, ConfirmDialog))
            await until(dp, lambda: "bob@elsewhere (pid 1) took this run over" in toasts(driver))
            await wp.press("y")
            await until(wp, lambda: gate_title(watcher).startswith("batch 3 of 3: web3"),
                        timeout=60)
            # the old driver, now watching, follows the hosts live and is not asked
            await until(dp, lambda: cell(driver, sub_key("roll", None)) == "web: 2 changed")
            assert not isinstance(driver.screen, ConfirmDialog)
            await until(dp, lambda: head(driver).splitlines()[1:] == [
                "driven by bob@elsewhere (pid 1) · asked there: batch 3 of 3: web3 — Roll out"])
            await wp.press("y")
            await until(wp, lambda: watching.run_state == "succeeded", timeout=60)
            await until(dp, lambda: cell(driver, sub_key("roll", None)) == "web: 3 changed")
    said = rows(fleet.db, "SELECT user, reason FROM decisions WHERE kind = 'confirm' ORDER BY id")
    assert [u for u, _ in said] == [Identity.here().user, "bob", "bob"]
    assert rows(fleet.db, "SELECT host, batch, state FROM host_results ORDER BY host") == [
        ("web1", 1, "changed"), ("web2", 2, "changed"), ("web3", 3, "changed")]


POLICY = """
[classes.corrective]
friction = "typed"
word = "REPAIR"
approver = true
ticket = true
"""

REPAIR = """
title = "Repair"
[[steps]]
id = "fix"
title = "Repair the web hosts"
class = "corrective"
hosts = "web"
serial = 2
run = "echo repaired on $(hostname)"
"""


async def test_a_watcher_answers_a_class_policy_gate_on_hosts_only_after_taking_over(fleet):
    """The policy's word, approver and ticket are the new driver's to enter; the next batch's
    gate is asked of it too (the word again, not the names), and the old driver follows the
    hosts without being asked."""
    fleet.add_config(POLICY)
    fleet.screen("repair", REPAIR)
    config = load_config(fleet.config)
    driver, watcher = Console(config, "repair"), Console(config, "repair", me=BOB)
    async with driver.run_test(size=(80, 24)) as dp:
        await dp.press("r")
        await until(dp, lambda: isinstance(driver.screen, ConfirmDialog), timeout=30)
        assert driver.screen.inputs == ["typed", "approver", "ticket"]
        async with watcher.run_test(size=(80, 24)) as wp:
            watching = session_of(watcher)
            await until(wp, lambda: watching.run_state == "waiting")
            assert "read-only, T takes over" in head(watcher)
            await wp.press("r")
            await until(wp, lambda: "this console watches" in toasts(watcher))
            assert watcher.screen is watching
            await wp.press("T")
            await until(wp, lambda: isinstance(watcher.screen, TakeOverDialog))
            await wp.press("t")
            await until(wp, lambda: isinstance(watcher.screen, ConfirmDialog))
            confirm = watcher.screen
            assert confirm.inputs == ["typed", "approver", "ticket"]
            await until(dp, lambda: not isinstance(driver.screen, ConfirmDialog))
            await until(wp, lambda: typing_in(watcher, "typed"))  # pushed is not focused
            await wp.press(*"REPAIR", "enter", *"bob", "enter", *"CHG-7", "enter")
            await until(wp, lambda: gate_title(watcher).startswith("batch 2 of 2: web3"),
                        timeout=60)
            assert cell(watcher, sub_key("fix", None)) == "web: 2 changed"
            await until(dp, lambda: cell(driver, sub_key("fix", None)) == "web: 2 changed")
            assert not isinstance(driver.screen, ConfirmDialog)
            # a later batch asks the word again, not the names given once (docs/fleet.md)
            assert watcher.screen.inputs == ["typed"]
            assert "approved by bob · ticket CHG-7" in " ".join(watcher.screen.view.plan)
            await until(wp, lambda: typing_in(watcher, "typed"))
            await wp.press(*"REPAIR", "enter")
            await until(wp, lambda: watching.run_state == "succeeded", timeout=60)
            await until(dp, lambda: cell(driver, sub_key("fix", None)) == "web: 3 changed")
    assert rows(fleet.db, "SELECT user, reason FROM decisions WHERE kind = 'confirm' ORDER BY id"
                ) == [("bob", "approver: bob; ticket: CHG-7"), ("bob", "")]


MIXED = """
title = "Mixed"
[[steps]]
id = "touch"
title = "Touch"
risk = "safe"
hosts = "web:broken"
run = "echo on $(hostname)"
"""


def point_at(app, key: str) -> None:
    queue = session_of(app).query_one(StepQueue)
    queue.focus()
    queue.move_cursor(row=queue.get_row_index(key))


async def test_a_console_that_attaches_afterwards_retries_a_host_once_it_took_the_run_over(fleet):
    """The console that ran it still shows the ended run and drives it: the one attached
    afterwards (`maintui attach 1`) is told to take it over first; then its R retries the
    unreachable host alone, and the first console, no longer driving, is told so and cannot
    retry; once the retry moved the second console on, the first drives run 1 again."""
    fleet.screen("mixed", MIXED)
    config = load_config(fleet.config)
    first, second = Console(config, "mixed"), Console(config, "mixed", me=BOB, run_id=1)
    dead1 = sub_key("touch", "dead1")
    async with first.run_test(size=(80, 24)) as fp:
        await fp.press("r")
        await until(fp, lambda: session_of(first).run_state == "failed", timeout=60)
        await until(fp, lambda: has_row(first, dead1))
        async with second.run_test(size=(80, 24)) as sp:
            attached = session_of(second)
            await until(sp, lambda: has_row(second, dead1)
                        and cell(second, dead1) == "dead1", timeout=20)
            assert attached.hosts.counts("touch") == "web:broken: 3 changed · 1 unreachable"
            me = Identity.here()
            assert head(second).splitlines() == [
                "Mixed  run 1 failed  read-only, T takes over",
                f"driven by {me.user}@{me.host} (pid {me.pid})"]
            assert attached.check_action("take_over", ()) is True
            point_at(second, dead1)
            await sp.pause(0.2)
            await sp.press("R")
            await until(sp, lambda: "T takes it over, then R retries dead1" in toasts(second))
            assert second.screen is attached
            await sp.press("T")
            await until(sp, lambda: isinstance(second.screen, TakeOverDialog))
            await sp.press("t")
            await until(sp, lambda: attached.driving)
            # the first console learns it at its next claim renewal (the run has ended)
            await until(fp, lambda: "bob@elsewhere (pid 1) took this run over" in toasts(first))
            assert head(first).splitlines()[1] == "driven by bob@elsewhere (pid 1)"
            point_at(first, dead1)
            await fp.pause(0.2)
            await fp.press("R")
            await until(fp, lambda: "T takes it over, then R retries dead1" in toasts(first))
            assert not isinstance(first.screen, ReasonDialog)
            await sp.press("R")
            await until(sp, lambda: isinstance(second.screen, ReasonDialog))
            await sp.press(*"port closed", "enter")
            # the retry lets run 1 go: the console still showing it drives it again, and says so
            await until(fp, lambda: session_of(first).driving and "no other console drives "
                        "this run: this one does now" in toasts(first))
            assert head(first) == "Mixed  run 1 failed"
            await until(sp, lambda: attached.run_id == 2 and attached.run_state == "failed",
                        timeout=60)
            await until(sp, lambda: has_row(second, dead1))
            assert not has_row(second, sub_key("touch", "web1"))
            assert session_of(first).run_id == 1  # it stays on run 1
    assert rows(fleet.db, "SELECT run_id, host, state FROM host_results WHERE run_id = 2") == [
        (2, "dead1", "unreachable")]
    assert rows(fleet.db, "SELECT run_id, user, reason FROM decisions WHERE kind = 'note' "
                          "ORDER BY id") == [
        (1, "bob", "dead1 retried alone in run 2: port closed"),
        (2, "bob", "retry of dead1 alone, from run 1: port closed")]


async def test_a_run_opened_from_runs_goes_to_its_session_and_retries_a_host_alone(fleet):
    """A run made headless, looked at later in the run view (Runs → Enter): `s` opens it in
    its session with its hosts, and R retries the unreachable one there."""
    from maintui.tui.screens.run_detail import RunDetailScreen

    fleet.screen("mixed", MIXED)
    assert fleet.run("run", "mixed").returncode == 1
    config = load_config(fleet.config)

    class Runs(App):
        def on_mount(self) -> None:
            self.push_screen(RunDetailScreen(config, 1))

    app = Runs()
    dead1 = sub_key("touch", "dead1")
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: getattr(app.screen, "run", None) is not None)
        assert app.screen.check_action("open_session", ()) is True
        await pilot.press("s")
        await until(pilot, lambda: isinstance(app.screen, SessionScreen))
        session = app.screen
        assert session.run_id == 1
        await until(pilot, lambda: has_row(app, dead1) and session.driving, timeout=20)
        assert session.hosts.counts("touch") == "web:broken: 3 changed · 1 unreachable"
        point_at(app, dead1)
        await pilot.pause(0.2)
        await pilot.press("R")
        await until(pilot, lambda: isinstance(app.screen, ReasonDialog))
        await pilot.press("enter")  # the reason is optional
        await until(pilot, lambda: session.run_id == 2 and session.run_state == "failed",
                    timeout=60)
        await pilot.press("escape")  # back to the run view it came from
        await until(pilot, lambda: isinstance(app.screen, RunDetailScreen))
    assert rows(fleet.db, "SELECT run_id, host FROM host_results WHERE run_id = 2") == [
        (2, "dead1")]
    assert rows(fleet.db, "SELECT run_id, reason FROM decisions WHERE kind = 'note' "
                          "ORDER BY id") == [(1, "dead1 retried alone in run 2"),
                                             (2, "retry of dead1 alone, from run 1")]
