"""Screens with steps on hosts: what validate refuses, and what a dry run shows."""

from __future__ import annotations

from tests.core.fleet.conftest import playbook_screen
from tests.core.helpers import rows


def test_fleet_keys_are_validated(fleet_site, capsys):
    """`hosts` on an action, `serial` without hosts, and a bad serial are each reported."""
    fleet_site.screen("bad", """
        title = "Bad"
        [[steps]]
        id = "a"
        title = "A"
        action = "report.write"
        hosts = "web"
        [[steps]]
        id = "b"
        title = "B"
        run = "true"
        serial = 2
        [[steps]]
        id = "c"
        title = "C"
        run = "true"
        hosts = "web"
        serial = "half"
    """)
    assert fleet_site.cli("validate") != 0
    err = capsys.readouterr()
    text = err.out + err.err
    assert "`hosts` goes with run or argv" in text
    assert "`serial` and `max_fail_percentage` need `hosts`" in text
    assert "serial is a host count or a percentage" in text


def test_a_dry_run_lists_hosts_and_batches_under_limit(fleet_site, capsys):
    """The plan of a step on hosts names them and its batches; --limit narrows them."""
    fleet_site.screen("roll", """
        title = "Roll"
        [[steps]]
        id = "roll"
        title = "Roll"
        hosts = "web:db"
        serial = 2
        max_fail_percentage = 0
        run = "true"
    """)
    assert fleet_site.cli("run", "roll", "--dry-run", "--limit", "web1,web2,db1") == 0
    out = capsys.readouterr().out
    assert "on 3 host(s) of 'web:db': web1, web2, db1" in out
    assert "in 2 batches: web1, web2 | db1; stop when more than 0% of a batch fails" in out
    assert not fleet_site.db.exists() or not rows(fleet_site.db, "SELECT * FROM host_results")


def test_a_dry_run_of_a_playbook_uses_check_mode_and_shows_the_diff(fleet_site, capsys):
    """Check mode: the plan says web1 would change and shows the file's diff; no file."""
    marks = fleet_site.root / "work"
    playbook_screen(fleet_site, risk="normal", hosts='"web1"',
                    vars=f'{{ marker_dir = "{marks}", message = "new text" }}')
    (marks / "web1.txt").write_text("old text\n")
    assert fleet_site.cli("run", "play", "--dry-run") == 0
    out = capsys.readouterr().out
    assert "web1: would be changed" in out
    assert "-old text" in out and "+new text" in out
    assert (marks / "web1.txt").read_text() == "old text\n"
