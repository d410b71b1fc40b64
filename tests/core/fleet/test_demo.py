"""The bundled fleet example against the demo sandbox: its plan touches nothing."""

from __future__ import annotations

import pytest

from maintui.core.run.plan import plan_screen
from maintui.core.site.screenfile import load_screen
from tests.core.conftest import tree_digest

pytest.importorskip("ansible_runner")


def test_the_playbook_plan_touches_nothing_in_the_sandbox(sandbox):
    """ansible.playbook's plan runs check mode: the sandbox is byte-identical after it.
    (These are the params tests/core/actions/test_plan.py needs for ansible.playbook.)"""
    before = tree_digest(sandbox.root)
    lines = sandbox.plan("ansible.playbook", playbook="screens/fleet-playbook.yml", hosts="db",
                         vars={"marker_dir": str(sandbox.root / "tmp")})
    assert "db1: would be changed" in lines
    assert tree_digest(sandbox.root) == before


def test_the_fleet_screen_plans_on_the_demo_hosts(sandbox):
    plan = plan_screen(sandbox.config, load_screen(sandbox.config, "fleet"))
    assert plan[0].plan == ["on 5 host(s) of 'all': web1, web2, web3, db1, spare1"]
    assert plan[1].plan[1].startswith("in 2 batches: web1, web2 | web3")


def test_the_fleet_screen_runs_in_the_demo_with_one_unreachable_host(sandbox):
    """`maintui run fleet --yes` in the sandbox: every step runs on its hosts; spare1 (a closed
    port) is unreachable, fails the first step (on_failure = continue) and is named."""
    import subprocess
    import sys

    from tests.core.helpers import rows, step_states

    proc = subprocess.run([sys.executable, "-m", "maintui", "--config", str(sandbox.config.path),
                           "run", "fleet", "--yes", "--quiet"], capture_output=True, text=True,
                          timeout=300, stdin=subprocess.DEVNULL)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "hosts failed or unreachable: reachable: spare1" in proc.stderr
    db = sandbox.config.store_path
    assert step_states(db) == {"reachable": "failed", "release-marker": "succeeded",
                               "playbook": "succeeded"}
    got = rows(db, "SELECT step_id, host, state, batch FROM host_results ORDER BY rowid")
    assert got == [("reachable", "web1", "changed", 1), ("reachable", "web2", "changed", 1),
                   ("reachable", "web3", "changed", 1), ("reachable", "db1", "changed", 1),
                   ("reachable", "spare1", "unreachable", 1),
                   ("release-marker", "web1", "changed", 1),
                   ("release-marker", "web2", "changed", 1),
                   ("release-marker", "web3", "changed", 2), ("playbook", "db1", "changed", 1)]
    said = [r[0] for r in rows(db, "SELECT reason FROM decisions WHERE step_id = "
                                   "'release-marker' ORDER BY id")]
    assert said == ["--yes", "--yes (batch 2 of 2: web3)"]
