"""A step's processes are never left running unowned, and never run twice: found again by the
process group recorded in the run log and by the marker in their environment."""

from __future__ import annotations

import signal
import subprocess
import time

from tests.core.helpers import output, process_gone, rows, run_state, step_states, wait_for

# the step's shell, a child in its group, and one that escaped the group with setsid
ESCAPING = """
title = "t"
[[steps]]
id = "long"
title = "long, with an escapee"
run = "setsid sh -c 'echo $$ > ${paths.work}/escaped; exec sleep 60' & sleep 60 & echo $! > ${paths.work}/child; echo started; wait"
risk = "safe"
"""


def _pid(site, name: str) -> int:
    path = site.root / "work" / name
    wait_for(lambda: path.exists() and path.read_text().strip())
    return int(path.read_text())


def _kill_runner_mid_step(site) -> tuple[int, int]:
    site.screen("s", ESCAPING)
    proc = site.spawn("run", "s", "--yes", stdout=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    wait_for(lambda: "started" in output(site.db))
    child, escaped = _pid(site, "child"), _pid(site, "escaped")
    wait_for(lambda: rows(site.db, "SELECT pgid FROM steps WHERE step_id = 'long'")[0][0])
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    return child, escaped


def test_the_next_command_ends_the_dead_runners_step_group_and_its_escapees(site):
    child, escaped = _kill_runner_mid_step(site)
    time.sleep(0.3)
    assert not process_gone(child) and not process_gone(escaped)  # unowned, still running
    assert site.run("history").returncode == 0  # any command that opens the run log
    wait_for(lambda: process_gone(child) and process_gone(escaped), timeout=10)
    assert run_state(site.db) == "interrupted"
    reason = rows(site.db, "SELECT reason FROM steps WHERE step_id = 'long'")[0][0]
    assert "were ended by maintui" in reason


def test_the_group_and_marker_are_recorded_before_the_step_can_be_lost(site):
    _kill_runner_mid_step(site)
    pgid, start, token = rows(site.db, "SELECT pgid, pgid_start, token FROM steps")[0]
    assert pgid and start and token.startswith("1:long:")
    site.run("history")


def test_a_timeout_also_ends_descendants_that_left_the_group_with_setsid(site):
    site.screen("s", ESCAPING.replace('risk = "safe"', 'risk = "safe"\ntimeout = 1'))
    assert site.cli("run", "s", "--yes", "--quiet") == 1
    assert step_states(site.db) == {"long": "timed_out"}
    escaped = _pid(site, "escaped")
    wait_for(lambda: process_gone(escaped), timeout=10)


def test_resume_never_runs_the_step_again_while_the_first_still_runs(site):
    """The step appends a line when it starts and removes its lock when it ends: a second
    start while the first runs would find the lock."""
    site.screen("s", """
title = "t"
[[steps]]
id = "once"
title = "one at a time"
run = "if test -e ${paths.work}/lock; then echo TWICE >> ${paths.work}/starts; fi; touch ${paths.work}/lock; echo start >> ${paths.work}/starts; trap 'rm -f ${paths.work}/lock' TERM; echo started; if test -e ${paths.work}/slow; then sleep 30 & wait; fi; rm -f ${paths.work}/lock"
risk = "safe"
""")
    (site.root / "work" / "slow").touch()
    proc = site.spawn("run", "s", "--yes", stdout=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    wait_for(lambda: "started" in output(site.db))
    wait_for(lambda: rows(site.db, "SELECT pgid FROM steps")[0][0])
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    (site.root / "work" / "slow").unlink()
    result = site.run("resume", "1", "--choice", "resume", "--yes")
    assert result.returncode == 0, result.stderr
    assert (site.root / "work" / "starts").read_text().split() == ["start", "start"]
