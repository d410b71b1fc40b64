"""The runner as its own process: kill -9, hang-up, the lease, attach from another process."""

from __future__ import annotations

import asyncio
import os
import pty
import signal
import subprocess
import time

from maintui.core.states import DecisionKind
from maintui.core.store.db import RunLog
from tests.core.helpers import output, rows, run_state, step_states, wait_for

SLOW = """
title = "slow"
[[steps]]
id = "tick"
title = "prints and waits"
run = "for i in 1 2 3 4 5 6; do echo line-$i; sleep 0.3; done; touch ${paths.work}/finished"
"""


def test_kill_9_mid_step_leaves_an_interrupted_run_with_every_line_written(site):
    site.screen("slow", SLOW.replace("1 2 3 4 5 6", " ".join(str(i) for i in range(1, 21))))
    proc = site.spawn("run", "slow", "--yes", stdout=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    wait_for(lambda: len(output(site.db)) >= 3)
    time.sleep(0.3)  # let the recorder's next flush land
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    seen = output(site.db)
    assert run_state(site.db) == "running"  # nobody has looked yet
    result = site.run("history", "--json")
    assert result.returncode == 0
    assert run_state(site.db) == "interrupted"
    assert step_states(site.db) == {"tick": "running"}  # intent was recorded before the kill
    assert seen == [f"line-{i}" for i in range(1, len(seen) + 1)] and len(seen) >= 3


def test_resume_marks_the_unfinished_step_done_and_finishes_the_run(site):
    test_kill_9_mid_step_leaves_an_interrupted_run_with_every_line_written(site)
    result = site.run("resume", "1", "--choice", "done", "--yes")
    assert result.returncode == 0, result.stderr
    assert run_state(site.db) == "succeeded"
    assert step_states(site.db) == {"tick": "succeeded"}


def test_hang_up_under_a_foreground_run_neither_kills_the_step_nor_stops_the_run(site):
    site.screen("slow", SLOW)
    master, slave = pty.openpty()
    proc = site.spawn("run", "slow", "--yes", stdin=slave, stdout=slave, stderr=slave,
                      start_new_session=True)
    os.close(slave)
    wait_for(lambda: len(output(site.db)) >= 1)
    os.close(master)  # the terminal goes away…
    proc.send_signal(signal.SIGHUP)  # …and the kernel hangs up its session
    assert proc.wait(timeout=20) == 0
    assert (site.root / "work" / "finished").exists()
    assert run_state(site.db) == "succeeded"
    assert output(site.db) == [f"line-{i}" for i in range(1, 7)]


def test_a_second_run_of_the_same_screen_exits_4_naming_the_holder(site):
    site.screen("slow", SLOW)
    first = site.spawn("run", "slow", "--yes", stdout=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    wait_for(lambda: output(site.db))
    second = site.run("run", "slow", "--yes")
    assert second.returncode == 4
    assert "screen 'slow' is locked by run 1" in second.stderr and f"pid {first.pid}" in second.stderr
    assert first.wait(timeout=20) == 0


def test_a_detached_run_waits_at_a_gate_until_another_process_confirms_it(site):
    site.screen("gated", """
title = "gated"
[[steps]]
id = "change"
title = "a change"
run = "echo changed > ${paths.work}/changed"
risk = "destructive"
""")
    started = site.run("run", "gated", "--detach")
    assert started.returncode == 0 and "run 1 started" in started.stdout

    async def attach() -> list[str]:
        log = await RunLog.open(site.db)
        try:
            for _ in range(200):
                events = await log.events(1)
                if any(e.kind == "gate" for e in events):
                    break
                await asyncio.sleep(0.05)
            gate = next(e for e in events if e.kind == "gate")
            assert gate.data["risk"] == "destructive" and "echo changed" in gate.data["command"]
            await log.add_decision(1, DecisionKind.CONFIRM, "change", "", "tester")
            for _ in range(200):
                run = await log.run(1)
                if run and run.state == "succeeded":
                    break
                await asyncio.sleep(0.05)
            return [e.kind for e in await log.events(1)]
        finally:
            await log.close()

    kinds = asyncio.run(attach())
    assert "decision" in kinds and kinds[-1] == "run_state"
    assert (site.root / "work" / "changed").read_text() == "changed\n"
    assert rows(site.db, "SELECT kind, user FROM decisions") == [("confirm", "tester")]


def test_a_dead_runners_lease_is_taken_over_and_its_run_says_why(site):
    site.screen("slow", SLOW)
    proc = site.spawn("run", "slow", "--yes", stdout=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    wait_for(lambda: output(site.db))
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    second = site.run("run", "slow", "--yes", "--new")  # headless: says what to do with run 1
    assert second.returncode == 0, second.stderr
    assert run_state(site.db, 1) == "interrupted" and run_state(site.db, 2) == "succeeded"
    assert rows(site.db, "SELECT message FROM runs WHERE id = 1") == [
        ("runner gone: its process ended without finishing",)]
