"""The session's hosts without a terminal: sub-rows, counts, the host filter, retry rules."""

from __future__ import annotations

from pathlib import Path

from maintui.core.site.screenfile import parse_screen
from maintui.core.store.hosts import HostRow
from maintui.tui.models.hosts import HostBoard
from maintui.tui.models.subrow import split_key, sub_key


def board() -> HostBoard:
    data = {"title": "t", "steps": [
        {"id": "roll", "title": "Roll", "hosts": "web", "run": "true"},
        {"id": "play", "title": "Play", "action": "ansible.playbook",
         "with": {"playbook": "p.yml", "hosts": "db"}}]}
    screen, problems = parse_screen(Path("t.toml"), data, None)
    assert screen is not None and not problems, problems
    return HostBoard(screen)


def row(host: str, state: str, phase: str = "run", step: str = "roll", batch: int = 1) -> HostRow:
    return HostRow(step, phase, host, batch, state, state == "changed", 1, 10.0, 11.0, "")


def test_counts_and_sub_rows_follow_the_run_log():
    hosts = board()
    assert hosts.apply([row("web1", "running"), row("web2", "running")]) == {"roll"}
    assert hosts.counts("roll") == "web: 2 running"
    assert hosts.apply([row("web1", "running"), row("web2", "running")]) == set()  # unchanged
    hosts.apply([row("web1", "changed"), row("web2", "failed"), row("web3", "unreachable"),
                 row("web1", "ok", phase="rollback")])
    assert hosts.counts("roll") == "web: 1 changed · 1 failed · 1 unreachable · rollback: 1 ok"
    subs = hosts.sub_rows("roll")
    assert [(s.host, s.state) for s in subs] == [(None, ""), ("web1", "changed"),
                                                ("web2", "failed"), ("web3", "unreachable")]
    assert split_key(subs[2].key) == ("roll", "web2") and split_key("roll") == ("roll", None)
    assert hosts.sub_rows("play") == []


def test_a_playbook_in_check_mode_shows_its_check_rows_under_its_hosts_pattern():
    hosts = board()
    hosts.apply([row("db1", "changed", phase="check", step="play")])
    assert hosts.counts("play") == "db: 1 changed"


def test_the_filter_cycles_through_the_hosts_then_all():
    hosts = board()
    hosts.apply([row("web1", "ok"), row("web2", "ok")])
    assert hosts.shown("roll") is None and hosts.keeps("roll", "[web2] x")
    assert hosts.cycle("roll") == "web1"
    assert hosts.keeps("roll", "[web1] hello") and not hosts.keeps("roll", "[web2] hello")
    assert hosts.cycle("roll") == "web2"
    assert hosts.cycle("roll") is None and hosts.keeps("roll", "[web1] hello")
    assert hosts.choose("roll", "web2") and not hosts.choose("roll", "web2")
    assert hosts.shown("play") is None  # the filter belongs to the step it was chosen on


def test_only_a_failed_or_unreachable_host_of_an_ended_run_is_retried():
    hosts = board()
    hosts.apply([row("web1", "changed"), row("web2", "unreachable")])
    assert hosts.why_not_retry("roll", "web2", run_live=False) == ""
    assert "still going" in hosts.why_not_retry("roll", "web2", run_live=True)
    assert "only a failed or unreachable host" in hosts.why_not_retry("roll", "web1", False)
    assert "cursor on a failed" in hosts.why_not_retry("roll", None, False)
    assert sub_key("roll", "web2") != sub_key("roll", None)
