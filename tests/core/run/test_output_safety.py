"""A runaway step cannot fill the disk (output cap), and a step that leaves a background
process behind ends with its own process, the leftover recorded as a warning."""

from __future__ import annotations

import os
import signal
import time

from tests.core.helpers import output, rows, run_state, step_states

FLOOD = """
title = "t"
[[steps]]
id = "flood"
title = "prints 2 MB"
argv = ["python3", "-c", "import sys\\nfor i in range(20000): print(f'line {{i:06d}} ' + 'x' * 90)"]
output_cap = "{cap}"
{extra}
[[steps]]
id = "next"
title = "after"
run = "echo next"
after = ["flood"]
"""


def _stored_bytes(db) -> int:
    return rows(db, "SELECT COALESCE(SUM(LENGTH(text)), 0) FROM output WHERE step_id = 'flood'")[0][0]


def test_output_past_the_cap_keeps_first_and_last_parts_and_says_what_was_dropped(site):
    site.screen("s", FLOOD.format(cap="200K", extra=""))
    assert site.cli("run", "s", "--yes", "--quiet") == 0
    lines = output(site.db, step="flood")
    assert lines[0] == "line 000000 " + "x" * 90
    assert lines[-1] == "line 019999 " + "x" * 90
    note = [ln for ln in lines if "output cap" in ln]
    assert len(note) == 1 and "dropped" in note[0], note
    assert _stored_bytes(site.db) < 220_000
    assert step_states(site.db) == {"flood": "succeeded", "next": "succeeded"}


def test_a_step_can_be_stopped_at_the_cap(site):
    site.screen("s", FLOOD.format(cap="100K", extra='on_output_cap = "stop"'))
    assert site.cli("run", "s", "--yes", "--quiet") == 1
    assert step_states(site.db)["flood"] == "failed"
    reason = rows(site.db, "SELECT reason FROM steps WHERE step_id = 'flood'")[0][0]
    assert "output cap" in reason, reason
    assert _stored_bytes(site.db) < 120_000


def test_the_site_sets_the_default_cap(site):
    site.add_config('[output]\ncap = "150K"\n')
    site.screen("s", FLOOD.format(cap="150K", extra="").replace('output_cap = "150K"\n', ""))
    assert site.cli("run", "s", "--yes", "--quiet") == 0
    assert _stored_bytes(site.db) < 170_000


def test_a_background_process_holding_the_pipe_does_not_keep_the_step_running(site):
    site.screen("s", """
title = "t"
[[steps]]
id = "bg"
title = "starts a daemon the wrong way"
run = "sleep 37 & echo started"
""")
    started = time.monotonic()
    assert site.cli("run", "s", "--yes", "--quiet") == 0
    assert time.monotonic() - started < 10
    assert run_state(site.db) == "succeeded"
    found = rows(site.db, "SELECT status, summary, details FROM findings WHERE step_id = 'bg'")
    assert len(found) == 1 and found[0][0] == "warning", found
    assert "sleep 37" in found[0][1]
    import json

    pid = json.loads(found[0][2])["processes"][0]["pid"]
    from pathlib import Path

    assert "sleep 37" in Path(f"/proc/{pid}/cmdline").read_text().replace("\0", " ")
    os.kill(pid, signal.SIGKILL)
