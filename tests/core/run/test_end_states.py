"""Once a run has ended, no step is left running, waiting or pending: each says what happened."""

from __future__ import annotations

import resource
import subprocess
import sys

from tests.core.helpers import rows, run_state, step_states

UNFINISHED = ("pending", "waiting", "running")


def _unfinished(db, run_id: int = 1) -> list[tuple]:
    return rows(db, "SELECT step_id, state FROM steps WHERE run_id = ? AND state IN "
                "('pending','waiting','running')", (run_id,))


def test_a_refused_gate_closes_the_steps_after_it_saying_why(site):
    site.screen("s", """
title = "t"
[[steps]]
id = "check"
title = "a safe check"
run = "echo ok"
risk = "safe"
[[steps]]
id = "change"
title = "a change that needs a yes"
run = "echo changed"
after = ["check"]
[[steps]]
id = "later"
title = "after the change"
run = "echo later"
after = ["change"]
risk = "safe"
""")
    assert site.cli("run", "s") == 3  # no terminal, no --yes
    assert run_state(site.db) == "aborted"
    assert step_states(site.db) == {"check": "succeeded", "change": "cancelled",
                                    "later": "cancelled"}
    reason = rows(site.db, "SELECT reason FROM steps WHERE step_id = 'later'")[0][0]
    assert reason.startswith("not run: ") and "needs confirmation" in reason


def test_a_full_disk_ends_the_step_it_stopped_as_failed_saying_why(site):
    site.screen("s", """
title = "t"
[[steps]]
id = "flood"
title = "more than the disk holds"
argv = ["python3", "-c", "print(('y' * 200 + chr(10)) * 100000)"]
risk = "safe"
[[steps]]
id = "after"
title = "never reached"
run = "echo after"
risk = "safe"
""")
    site.screen("first", 'title = "t"\n[[steps]]\nid = "a"\ntitle = "A"\nrun = "true"\n')
    assert site.cli("run", "first", "--yes", "--quiet") == 0
    size = site.db.stat().st_size

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (size + 256 * 1024, size + 256 * 1024))

    proc = subprocess.run([sys.executable, "-m", "maintui", "--config", str(site.config), "run",
                           "s", "--yes", "--quiet"], capture_output=True, text=True, timeout=60,
                          preexec_fn=limit)
    assert proc.returncode == 2, proc.stderr
    assert run_state(site.db, 2) == "failed"
    assert _unfinished(site.db, 2) == []
    flood = rows(site.db, "SELECT state, reason FROM steps WHERE run_id = 2 AND step_id = 'flood'")
    assert flood[0][0] == "failed" and "did not finish: run log failure" in flood[0][1]
