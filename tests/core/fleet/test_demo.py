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
    assert plan[0].plan == ["on 3 host(s) of 'web': web1, web2, web3"]
    assert plan[1].plan[1].startswith("in 2 batches: web1, web2 | web3")
