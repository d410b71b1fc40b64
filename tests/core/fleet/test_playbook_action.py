"""`ansible.playbook`: a playbook with extra vars from `with`, rolled out in batches."""

from __future__ import annotations

from tests.core.fleet.conftest import playbook_screen
from tests.core.helpers import rows, step_states


def test_a_playbook_runs_with_extra_vars_and_records_each_host(fleet_site):
    """The marker file of each host holds the message passed as an extra var."""
    marks = fleet_site.root / "work"
    playbook_screen(fleet_site, hosts='"web:db"',
                    vars=f'{{ marker_dir = "{marks}", message = "from with" }}')
    assert fleet_site.cli("run", "play", "--yes") == 0
    assert sorted(p.name for p in marks.glob("*.txt")) == ["db1.txt", "web1.txt", "web2.txt",
                                                            "web3.txt"]
    assert (marks / "web2.txt").read_text() == "from with\n"
    states = dict(rows(fleet_site.db, "SELECT host, state FROM host_results"))
    assert states == {"web1": "changed", "web2": "changed", "web3": "changed", "db1": "changed"}
    summaries = [r[0] for r in rows(fleet_site.db, "SELECT summary FROM findings")]
    assert "web1: changed" in summaries


def test_a_failing_batch_stops_the_rollout(fleet_site):
    """serial = 2, max_fail_percentage = 0: web1 fails in batch 1, later batches never start."""
    marks = fleet_site.root / "work"
    playbook_screen(fleet_site, hosts='"all"', serial="2", max_fail_percentage="0",
                    vars=f'{{ marker_dir = "{marks}", fail_on = ["web1"] }}')
    assert fleet_site.cli("run", "play", "--yes") != 0
    got = rows(fleet_site.db, "SELECT host, batch, state FROM host_results ORDER BY rowid")
    assert got == [("web1", 1, "failed"), ("web2", 1, "changed")]
    assert not (marks / "web3.txt").exists()
    assert step_states(fleet_site.db) == {"play": "failed"}
    reason = rows(fleet_site.db, "SELECT reason FROM steps")[0][0]
    assert "batch 1 of 3 failed beyond max_fail_percentage 0" in reason


def test_a_batch_within_the_failure_budget_lets_the_rollout_go_on(fleet_site):
    """max_fail_percentage = 50 tolerates one of two failing: every batch runs."""
    marks = fleet_site.root / "work"
    playbook_screen(fleet_site, hosts='"web:db"', serial='"50%"', max_fail_percentage="50",
                    vars=f'{{ marker_dir = "{marks}", fail_on = ["web1"] }}')
    assert fleet_site.cli("run", "play", "--yes") != 0  # web1 failed: the step fails
    got = rows(fleet_site.db, "SELECT host, batch, state FROM host_results ORDER BY rowid")
    assert got == [("web1", 1, "failed"), ("web2", 1, "changed"), ("web3", 2, "changed"),
                   ("db1", 2, "changed")]


def test_secret_extra_vars_are_masked_and_not_on_the_command_line(fleet_site):
    """An extra var named like a secret is masked in host output and kept off argv."""
    marks = fleet_site.root / "work"
    fleet_site.root.joinpath("echo.yml").write_text(
        "- hosts: all\n  gather_facts: false\n  tasks:\n"
        "    - ansible.builtin.command: echo token {{ api_token }}\n")
    playbook_screen(fleet_site, playbook='"echo.yml"', hosts='"db1"',
                    vars=f'{{ api_token = "s3cr3t-value-42", marker_dir = "{marks}" }}')
    assert fleet_site.cli("run", "play", "--yes") == 0
    text = rows(fleet_site.db, "SELECT text FROM host_events")[0][0]
    assert text == "token ********"
    commands = list((fleet_site.root / "state" / "fleet" / "artifacts").glob("*/command"))
    assert commands and all("s3cr3t" not in c.read_text() for c in commands)
