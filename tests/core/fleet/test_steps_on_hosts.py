"""A shell step with `hosts` runs on each host through ansible-runner; real plays, local hosts."""

from __future__ import annotations

from tests.core.helpers import output, rows, step_states


def host_rows(db, phase: str = "run") -> dict[str, tuple]:
    got = rows(db, "SELECT host, state, changed, tasks, batch FROM host_results "
               "WHERE phase = ? ORDER BY rowid", (phase,))
    return {r[0]: r[1:] for r in got}


def test_a_shell_step_runs_on_every_host_of_its_pattern(fleet_site):
    """Each web host runs the command; each gets its own row, state and output."""
    fleet_site.screen("roll", """
        title = "Roll"
        [[steps]]
        id = "hello"
        title = "Say hello"
        risk = "safe"
        hosts = "web"
        run = "echo greeting=$GREETING step=$MAINTUI_STEP"
    """)
    assert fleet_site.cli("run", "roll", "--yes") == 0
    hosts = host_rows(fleet_site.db)
    assert list(hosts) == ["web1", "web2", "web3"]
    assert {h[0] for h in hosts.values()} == {"changed"}  # the shell module always changes
    text = rows(fleet_site.db, "SELECT text FROM host_events WHERE host = 'web2'")[0][0]
    assert text == "greeting=hello from the site step=hello"
    assert "[web2] greeting=hello from the site step=hello" in output(fleet_site.db, 1, "hello")


def test_secrets_are_masked_in_per_host_output(fleet_site):
    """A config secret printed on a host is masked in host_events and in the step output."""
    fleet_site.screen("leak", """
        title = "Leak"
        [[steps]]
        id = "leak"
        title = "Print a secret"
        risk = "safe"
        hosts = "db"
        run = "echo pw=${app.db_password}"
    """)
    assert fleet_site.cli("run", "leak", "--yes") == 0
    events = " ".join(r[0] for r in rows(fleet_site.db, "SELECT text FROM host_events"))
    assert "pw=********" in events and "hunter2" not in events
    assert not any("hunter2" in line for line in output(fleet_site.db, 1))


def test_an_unreachable_host_fails_the_step_and_is_named(fleet_site, capsys):
    """The dead host is `unreachable`; the others still ran; the run fails naming it."""
    fleet_site.screen("mixed", MIXED)
    assert fleet_site.cli("run", "mixed", "--yes") != 0
    hosts = host_rows(fleet_site.db)
    assert hosts["db1"][0] == "changed" and hosts["dead1"][0] == "unreachable"
    assert step_states(fleet_site.db) == {"touch": "failed"}
    reason = rows(fleet_site.db, "SELECT reason FROM steps")[0][0]
    assert "1 unreachable" in reason and "failed: dead1" in reason
    # the headless run's last words name the hosts, by step
    assert "hosts failed or unreachable: touch: dead1" in capsys.readouterr().err


def test_limit_narrows_the_hosts_of_every_step(fleet_site):
    """`maintui run NAME --limit web2` runs the web step on web2 only."""
    fleet_site.screen("roll", """
        title = "Roll"
        [[steps]]
        id = "hello"
        title = "Hello"
        risk = "safe"
        hosts = "web"
        run = "true"
    """)
    assert fleet_site.cli("run", "roll", "--yes", "--limit", "web2") == 0
    assert list(host_rows(fleet_site.db)) == ["web2"]


def test_rollback_runs_on_changed_hosts_newest_first(fleet_site):
    """A later step fails with on_failure = rollback: the fleet step's rollback runs on each
    host it changed, one at a time, the host that changed last first."""
    marks = fleet_site.root / "work" / "rolled"
    fleet_site.screen("undo", f"""
        title = "Undo"
        [[steps]]
        id = "change"
        title = "Change"
        risk = "safe"
        hosts = "web"
        serial = 1
        run = "true"
        rollback = "echo undone >> {marks}"
        [[steps]]
        id = "boom"
        title = "Boom"
        risk = "safe"
        after = ["change"]
        on_failure = "rollback"
        run = "exit 3"
    """)
    assert fleet_site.cli("run", "undo", "--yes") != 0
    changed = rows(fleet_site.db, "SELECT host FROM host_results WHERE phase = 'run' "
                   "ORDER BY ended DESC")
    rolled = rows(fleet_site.db, "SELECT host FROM host_results WHERE phase = 'rollback' "
                  "ORDER BY started")
    assert [r[0] for r in rolled] == [r[0] for r in changed] == ["web3", "web2", "web1"]
    assert marks.read_text().split() == ["undone"] * 3


# one step on a reachable host and an unreachable one: what show, report and history list
MIXED = """
    title = "Mixed"
    [[steps]]
    id = "touch"
    title = "Touch"
    risk = "safe"
    hosts = "db:broken"
    run = "true"
"""


def test_show_lists_per_host_results(fleet_site, capsys):
    """`maintui show RUN` prints each host's state under its step."""
    fleet_site.screen("mixed", MIXED)
    fleet_site.cli("run", "mixed", "--yes")
    capsys.readouterr()
    assert fleet_site.cli("show", "1") == 0
    out = capsys.readouterr().out
    assert "hosts:" in out
    assert "touch" in out and "db1" in out and "unreachable" in out and "dead1" in out


def test_report_and_history_json_list_per_host_results(fleet_site, capsys):
    """The Markdown report has a Hosts table; `history --json` carries each run's hosts."""
    import json

    fleet_site.screen("mixed", MIXED)
    fleet_site.cli("run", "mixed", "--yes")
    capsys.readouterr()
    assert fleet_site.cli("report", "1") == 0
    report = capsys.readouterr().out
    assert "## Hosts" in report and "| `touch` | dead1 | 1 | ✗ unreachable |" in report
    assert fleet_site.cli("history", "--json") == 0
    hosts = json.loads(capsys.readouterr().out)[0]["hosts"]
    assert [(h["host"], h["state"]) for h in hosts] == [("db1", "changed"),
                                                        ("dead1", "unreachable")]


def test_one_hosts_output_can_be_read_alone(fleet_site):
    """host_output gives one host's lines of one step: the console's per-host filter."""
    import asyncio

    from maintui.core.store.db import RunLog
    from maintui.core.store.hosts import host_output

    fleet_site.screen("roll", """
        title = "Roll"
        [[steps]]
        id = "hello"
        title = "Hello"
        risk = "safe"
        hosts = "web"
        run = "echo one; echo two"
    """)
    assert fleet_site.cli("run", "roll", "--yes") == 0

    async def read() -> list[str]:
        async with await RunLog.open(fleet_site.db, create=False) as log:
            return await host_output(log, 1, "hello", "web3")

    assert asyncio.run(read()) == ["one", "two"]
