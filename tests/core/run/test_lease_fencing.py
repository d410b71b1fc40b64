"""The lease under pressure: a run-log lock held by another process, a runner that cannot renew,
a runner stopped with SIGSTOP for longer than the lease."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import time

from maintui.core.run import lease
from tests.core.helpers import output, process_gone, rows, run_state, step_states, wait_for

TWO_STEPS = """
title = "t"
[[steps]]
id = "first"
title = "first"
run = "echo started; echo $$ > ${paths.work}/pid; sleep ${app.sleep}; echo first-done"
risk = "safe"
[[steps]]
id = "second"
title = "second"
run = "touch ${paths.work}/second"
after = ["first"]
risk = "safe"
"""


def _start(site, sleep: str) -> subprocess.Popen:
    site.screen("s", TWO_STEPS)
    proc = site.spawn("run", "s", "--yes", "--var", f"app.sleep={sleep}", stdout=subprocess.PIPE,
                      stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True)
    wait_for(lambda: "started" in output(site.db))
    return proc


def _hold_write_lock(site) -> sqlite3.Connection:
    con = sqlite3.connect(site.db, isolation_level=None, timeout=10)
    con.execute("BEGIN IMMEDIATE")  # what a long VACUUM or a writing backup holds
    return con


def test_a_lock_held_for_seconds_is_waited_out_with_the_time_shown(site):
    proc = _start(site, "1")
    con = _hold_write_lock(site)
    time.sleep(lease.FENCE_AFTER - lease.HEARTBEAT - 1)  # seconds, as a VACUUM takes
    con.execute("ROLLBACK")
    con.close()
    out, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0, out
    assert "the run log is locked by another process (for 1s); waiting" in out
    assert "lease" not in out
    assert run_state(site.db) == "succeeded"
    assert step_states(site.db) == {"first": "succeeded", "second": "succeeded"}


def test_a_runner_that_cannot_renew_ends_its_step_before_the_lease_goes_stale(site):
    proc = _start(site, "60")
    step_pid = int((site.root / "work" / "pid").read_text())
    con = _hold_write_lock(site)
    held = time.monotonic()
    try:
        wait_for(lambda: process_gone(step_pid), timeout=lease.STALE + 5)
        assert time.monotonic() - held < lease.STALE  # fenced before the lease went stale
        time.sleep(lease.STALE + 1 - (time.monotonic() - held))
    finally:
        con.execute("ROLLBACK")
        con.close()
    out, _ = proc.communicate(timeout=30)
    assert "fenced" in out and "starting nothing more" in out
    assert not (site.root / "work" / "second").exists()


def test_a_runner_stopped_past_its_lease_stops_without_touching_anything(site):
    proc = _start(site, "60")
    step_pid = int((site.root / "work" / "pid").read_text())
    proc.send_signal(signal.SIGSTOP)
    try:
        time.sleep(lease.STALE + 1.5)
        assert site.run("history").returncode == 0  # finds the run's runner silent: interrupted
        assert run_state(site.db) == "interrupted"
        wait_for(lambda: process_gone(step_pid), timeout=10)  # its step ended, not left unowned
        before = rows(site.db, "SELECT COUNT(*) FROM events")[0][0]
        states = step_states(site.db)
    finally:
        proc.send_signal(signal.SIGCONT)
    out, _ = proc.communicate(timeout=30)
    assert "without recording anything more" in out, out
    assert run_state(site.db) == "interrupted"
    assert step_states(site.db) == states == {"first": "running", "second": "pending"}
    assert rows(site.db, "SELECT COUNT(*) FROM events")[0][0] == before
    assert not (site.root / "work" / "second").exists()
