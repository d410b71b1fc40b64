"""Control of a run from the console (issue 10, items 6-10): a fresh plan in every confirmation,
rollback of a finished run, one driver with read-only watchers, and interrupted runs."""

from __future__ import annotations

import json
import os
import re
import time

from textual.app import App

from maintui.core.run.attach import Attachment, Identity
from maintui.core.site.config import load_config
from maintui.core.store.db import RunLog
from maintui.tui.dialogs.confirm import ConfirmDialog, InterruptedDialog
from maintui.tui.dialogs.rollback import RollbackDialog
from maintui.tui.dialogs.takeover import TakeOverDialog
from maintui.tui.screens.run_detail import RunDetailScreen
from maintui.tui.screens.session import SessionScreen
from tests.core.helpers import rows, step_states
from tests.ui.screens.test_session import SESSION, Harness, until

BOB = Identity("bob", "elsewhere", 1, "")

TIDY = """
title = "Tidy"
[[steps]]
id = "tidy"
title = "Move old temp files aside"
action = "files.cleanup"
with = { dir = "${paths.work}", trash = "${paths.work}/../trash", older_than_days = 1 }
"""

TWO = """
title = "Two"
[[steps]]
id = "first"
title = "First change"
run = "echo one > ${paths.work}/one"
rollback = "rm ${paths.work}/one"
risk = "safe"
[[steps]]
id = "second"
title = "Second change"
run = "echo two > ${paths.work}/two"
rollback = "rm ${paths.work}/two"
risk = "safe"
after = ["first"]
"""


def stale(path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("stale")
    os.utime(path, (time.time() - 10 * 86400,) * 2)


def toasts(app) -> str:
    return " | ".join(str(n.message) for n in app._notifications)


# -- 6. the plan in a confirmation is fresh ------------------------------------------------------

async def test_the_plan_in_a_confirmation_is_computed_on_opening_and_refreshed_while_open(site):
    stale(site.root / "work" / "old.tmp")
    site.screen("tidy", TIDY)
    app = Harness(load_config(site.config), "tidy")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        assert any("old.tmp" in line for line in app.screen.view.plan)
        await pilot.press("escape")  # the gate stays open; the operator looks elsewhere
        stale(site.root / "work" / "later.tmp")  # the machine changes meanwhile
        await pilot.press("r")  # reopened: what it shows is computed now, not the gate's copy
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog)
                    and any("later.tmp" in line for line in app.screen.view.plan))
        stale(site.root / "work" / "while-open.tmp")  # and while it stays open
        await until(pilot, lambda: any("while-open.tmp" in line
                                       for line in app.screen.view.plan), timeout=10)
        assert "while-open.tmp" in str(app.screen.query_one("#plan").render())
        await pilot.press("escape")


# -- 7. rollback of a finished run from the console ----------------------------------------------

async def test_a_finished_run_is_rolled_back_from_its_session_as_a_run_followed_live(site):
    site.screen("two", TWO)
    app = Harness(load_config(site.config), "two")
    async with app.run_test(size=(80, 24)) as pilot:
        session = app.screen
        await pilot.press("r")
        await until(pilot, lambda: session.run_state == "succeeded")
        await pilot.press("b")
        await until(pilot, lambda: isinstance(app.screen, RollbackDialog))
        assert [sid for sid, _ in app.screen.undo] == ["second", "first"]  # newest first
        assert "rm " in app.screen.undo[0][1] and app.screen.undo[0][1].endswith("/two")
        await pilot.press(*"bad release", "enter")
        await until(pilot, lambda: session.run_state == "rolled_back", timeout=20)
        await until(pilot, lambda: "run 1 rolled back" in toasts(app))
        assert "run 1 rolled back" in str(session.query_one("#session-head").render())  # words
    assert not (site.root / "work" / "one").exists() and not (site.root / "work" / "two").exists()
    assert step_states(site.db) == {"first": "rolled_back", "second": "rolled_back"}
    notes = [r[0] for r in rows(site.db, "SELECT reason FROM decisions")]
    assert notes == ["rollback started from the console: bad release"]


async def test_the_run_view_opened_from_runs_rolls_back_a_finished_run(site):
    site.screen("two", TWO)
    assert site.run("run", "two", "--yes", "--quiet").returncode == 0

    class Detail(App):
        def on_mount(self) -> None:
            self.push_screen(RunDetailScreen(load_config(site.config), 1))

    app = Detail()
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: getattr(app.screen, "run", None) is not None)
        assert app.screen.check_action("rollback", ()) is True
        await pilot.press("b")
        await until(pilot, lambda: isinstance(app.screen, RollbackDialog))
        await pilot.press("escape")
        assert isinstance(app.screen, RunDetailScreen)
        assert rows(site.db, "SELECT state FROM runs") == [("succeeded",)]  # cancelled: nothing
        await pilot.press("b")
        await until(pilot, lambda: isinstance(app.screen, RollbackDialog))
        await pilot.press("enter")  # no reason given: it only asks why
        await pilot.pause(0.3)
        assert isinstance(app.screen, RollbackDialog)
        assert rows(site.db, "SELECT state FROM runs") == [("succeeded",)]
        await pilot.press("escape")
        await roll_back_with_b(pilot, app, site)
        await until(pilot, lambda: "rolled back" in str(app.screen.query_one("#run-header")
                                                         .render()), timeout=10)
    assert step_states(site.db) == {"first": "rolled_back", "second": "rolled_back"}


def test_the_console_rollback_runs_detached_and_announces_the_run(site):
    from maintui.core.run.launch import spawn_runner
    from tests.core.helpers import wait_for

    site.screen("two", TWO)
    assert site.run("run", "two", "--yes", "--quiet").returncode == 0
    assert site.run("rollback", "1", "--detached").returncode == 3  # it never asks: --yes or no
    assert rows(site.db, "SELECT state FROM runs") == [("succeeded",)]
    assert spawn_runner(site.config, "1", ["--yes"], command="rollback") == 1
    wait_for(lambda: rows(site.db, "SELECT state FROM runs") == [("rolled_back",)])
    assert step_states(site.db) == {"first": "rolled_back", "second": "rolled_back"}


# -- 8 and 9. one driver; watchers only watch ------------------------------------------------------

async def test_a_watcher_cannot_answer_a_gate_until_it_takes_over_and_the_old_driver_then_watches(
        site):
    site.screen("monthly", SESSION)
    config = load_config(site.config)
    first = Harness(config, "monthly")
    async with first.run_test(size=(80, 24)) as pilot:
        await pilot.press("r")
        await until(pilot, lambda: isinstance(first.screen, ConfirmDialog))
        await pilot.press("escape")  # the gate stays open
        watcher = SessionScreen(config, "monthly", me=BOB)
        await first.push_screen(watcher)
        await until(pilot, lambda: watcher.run_state == "waiting")
        assert not watcher.driving
        for action in ("skip", "abort", "rollback"):
            assert watcher.check_action(action, ()) is None, action  # dimmed
        await pilot.press("r", "y", "s", "a", "b")
        await pilot.pause(0.5)
        assert first.screen is watcher  # no dialog opened: no key of a watcher changes the run
        await until(pilot, lambda: "this console watches: T takes the run over" in toasts(first))
        assert "read-only, T takes over" in str(watcher.query_one("#session-head").render())
        assert rows(site.db, "SELECT kind FROM decisions") == []
        assert watcher.check_action("take_over", ()) is True
        await pilot.press("T")
        await until(pilot, lambda: isinstance(first.screen, TakeOverDialog))
        me = Identity.here()
        assert f"driven by {me.user}@{me.host}" in first.screen.driver
        await pilot.press("t")
        await until(pilot, lambda: watcher.driving and isinstance(first.screen, ConfirmDialog))
        assert first.screen.view.step_id == "change"  # the gate is the new driver's now
        # (the old driver, covered here, turns watcher on its next poll: the next test)
        await pilot.press("escape")
        await first.pop_screen()


async def test_after_a_takeover_the_old_drivers_open_gate_closes_and_says_why(site):
    site.screen("monthly", SESSION)
    app = Harness(load_config(site.config), "monthly")
    async with app.run_test(size=(80, 24)) as pilot:
        session = app.screen
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        log = await RunLog.open(site.db, create=False)
        try:
            assert await Attachment(log, session.run_id, BOB).claim(force=True)
        finally:
            await log.close()
        await until(pilot, lambda: app.screen is session, timeout=3)  # at once, not at a renewal
        assert not session.driving
        await until(pilot, lambda: "bob@elsewhere (pid 1) took this run over" in toasts(app))
        assert "dialog was closed" in toasts(app)
        await pilot.press("y")  # the key that confirmed: nothing now
        await pilot.pause(0.3)
    assert rows(site.db, "SELECT kind FROM decisions") == []
    assert rows(site.db, "SELECT state FROM runs") == [("waiting",)]


# -- 10 (console). an interrupted run is faced, never passed over silently -------------------------

async def test_r_on_a_screen_whose_last_run_was_interrupted_offers_resume_rollback_or_start_anew(
        site):
    from maintui.core.run.launch import spawn_runner
    from tests.core.helpers import kill_runner_mid_step

    site.screen("slow", """
title = "Slow"
[[steps]]
id = "long"
title = "Long step"
run = "for i in 1 2 3 4 5 6 7 8 9 10; do echo tick-$i; sleep 0.3; done"
risk = "safe"
""")
    run_id = spawn_runner(site.config, "slow")
    kill_runner_mid_step(site.db, run_id)  # the runner dies mid-step
    app = Harness(load_config(site.config), "slow")
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, InterruptedDialog))
        await pilot.press("escape")  # later
        await until(pilot, lambda: isinstance(app.screen, SessionScreen))
        await pilot.press("r")  # a new run would pass over the interrupted one: asked again
        await until(pilot, lambda: isinstance(app.screen, InterruptedDialog))
        await pilot.press("n")  # start anew
        await until(pilot, lambda: getattr(app.screen, "run_state", "") == "succeeded",
                    timeout=20)
    states = rows(site.db, "SELECT id, state FROM runs ORDER BY id")
    assert states == [(run_id, "interrupted"), (run_id + 1, "succeeded")]
    notes = [json.loads(d)["text"] for (d,) in rows(
        site.db, "SELECT data FROM events WHERE kind = 'note' AND run_id = ?", (run_id,))]
    assert any("started the screen anew" in n for n in notes)


async def roll_back_with_b(pilot, app, site) -> None:
    """`b`, a reason, Roll back; until the run log says the run is rolled back."""
    await pilot.press("b")
    await until(pilot, lambda: isinstance(app.screen, RollbackDialog))
    app.screen.query_one("#reason").value = "wrong host"
    app.screen.action_roll_back()
    await until(pilot, lambda: rows(site.db, "SELECT state FROM runs") == [("rolled_back",)],
                timeout=20)


async def test_a_gate_left_open_closes_as_soon_as_its_runner_is_seen_dead(site):
    """The runner killed (-9) while its gate dialog is open: the dialog goes within a few
    seconds (a dead runner's zombie is not a live holder) and the interrupted-run dialog
    takes its place; nothing typed into the gone dialog is sent."""
    import signal

    from tests.core.helpers import process_gone

    site.screen("monthly", SESSION)
    app = Harness(load_config(site.config), "monthly")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        gate = app.screen
        pid = rows(site.db, "SELECT pid FROM runs")[0][0]
        os.kill(pid, signal.SIGKILL)  # a child of this console: it stays a zombie, unreaped
        await until(pilot, lambda: process_gone(pid))
        began = time.monotonic()
        await until(pilot, lambda: isinstance(app.screen, InterruptedDialog), timeout=8)
        assert time.monotonic() - began < 8  # the lease would go stale only after 15 s
        assert gate not in app.screen_stack  # closed, not left under the new dialog
        await until(pilot, lambda: "the runner of run 1 is gone (its open dialog was closed)"
                    in toasts(app), timeout=2)
    assert rows(site.db, "SELECT kind FROM decisions") == []
    assert rows(site.db, "SELECT state FROM runs") == [("interrupted",)]


KEEPS = TWO + """
[[steps]]
id = "stamp"
title = "Stamp without an undo"
run = "sleep 0.6; echo stamped > ${paths.work}/stamp"
risk = "safe"
after = ["second"]
"""


async def test_a_rollback_says_which_changes_it_kept_and_keeps_the_runs_own_time_apart(site):
    """After a rollback, the run's page says a step without an undo was kept, not rolled back
    (in its row and `· 1 kept` in the header), keeps `took` as the run's own time with the
    rollback's apart, and no longer offers b (nothing is left to undo)."""
    from maintui.core.run.stepview import KEPT_LABEL

    site.screen("keeps", KEEPS)
    assert site.run("run", "keeps", "--yes", "--quiet").returncode == 0
    (own,) = rows(site.db, "SELECT ended - started FROM runs")[0:1]
    time.sleep(1.2)  # the rollback comes later: the run's end must not move its `took`

    class Detail(App):
        def on_mount(self) -> None:
            self.push_screen(RunDetailScreen(load_config(site.config), 1))

    app = Detail()
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: getattr(app.screen, "run", None) is not None)
        await pilot.press("b")
        await until(pilot, lambda: isinstance(app.screen, RollbackDialog))
        said = str(app.screen.query_one("#explain").render())
        assert "rolled back, or rollback failed" in said and "rolled_back" not in said
        await pilot.press("escape")
        await roll_back_with_b(pilot, app, site)
        detail = app.screen
        await until(pilot, lambda: detail.run.state == "rolled_back", timeout=10)
        await until(pilot, lambda: detail.check_action("rollback", ()) is False)
        header = str(detail.query_one("#run-header").render())
        assert "rolled back · 1 kept" in header
        took = re.search(r"· took ([\d.]+)(ms|s) · rollback took \d", header)
        assert took, header
        # the run's own time, as when it ended (its end event is a moment after its row's end)
        seconds = float(took[1]) / (1000 if took[2] == "ms" else 1)
        assert abs(seconds - own[0]) <= 0.06, header
        table = detail.query_one("#run-steps")
        states = {table.get_row(k)[1]: str(table.get_row(k)[2]) for k in table.rows}
        assert states == {"first": "rolled back", "second": "rolled back", "stamp": KEPT_LABEL}
    assert (site.root / "work" / "stamp").exists()  # kept indeed
