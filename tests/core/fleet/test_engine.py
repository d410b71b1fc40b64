"""The fleet engine without the runner: patterns, batches, live events, cancel."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from maintui.core.errors import ConfigError
from maintui.core.fleet.inventory import Inventory
from maintui.core.fleet.job import FleetJob
from maintui.core.fleet.play import Play
from maintui.core.fleet.rollout import batches
from maintui.core.fleet.settings import FleetSettings

DATA = Path(__file__).parents[2] / "data" / "fleet"
pytest.importorskip("ansible_runner")


@pytest.fixture(scope="module")
def inventory() -> Inventory:
    return Inventory.load(DATA / "inventory.ini")


def settings(tmp_path: Path, **kw) -> FleetSettings:
    return FleetSettings(DATA / "inventory.ini", tmp_path / "fleet", forks=10, timeout=5, **kw)


def test_patterns_resolve_as_ansible_does(inventory):
    assert inventory.match("web") == ["web1", "web2", "web3"]
    assert inventory.match("web:!web2") == ["web1", "web3"]
    assert inventory.match("all:&web") == ["web1", "web2", "web3"]
    assert inventory.match("db,dead*") == ["db1", "dead1"]
    assert inventory.match("all", limit="web3,db1") == ["web3", "db1"]


def test_a_broken_inventory_is_a_config_error(tmp_path):
    bad = tmp_path / "inv.yml"
    bad.write_text("all: [not, a, mapping\n")
    with pytest.raises(ConfigError, match="not a usable Ansible inventory"):
        Inventory.load(bad)


def test_batches_follow_serial():
    hosts = ["a", "b", "c", "d", "e"]
    assert batches(hosts, None) == [hosts]
    assert batches(hosts, 2) == [["a", "b"], ["c", "d"], ["e"]]
    assert batches(hosts, "40%") == [["a", "b"], ["c", "d"], ["e"]]
    assert batches(hosts, "10%") == [[h] for h in hosts]  # never a batch of none


def test_events_arrive_while_the_play_runs(tmp_path, inventory):
    """web1's result reaches the sink while web2 is still busy, not after the play."""
    seen: dict[str, float] = {}
    job = FleetJob(settings(tmp_path), inventory, None, 1, "s",
                   say=lambda line: seen.setdefault(line.split("]")[0][1:], time.monotonic()))

    def shape(hosts: list[str], ident: str) -> Play:
        return Play(hosts, ident, playbook=DATA / "slow.yml")

    outcome = job.run(["web1", "web2"], shape)
    ended = time.monotonic()
    assert {r.state for r in outcome.results.values()} == {"changed"}
    assert ended - seen["web1"] > 2.0 and ended - seen["web2"] < 2.0


def test_cancel_stops_the_play_through_the_cancel_callback(tmp_path, inventory):
    """Cancelling a 30 s command ends the play in seconds; the hosts count as not done."""
    stop = threading.Event()
    job = FleetJob(settings(tmp_path), inventory, None, 1, "s", cancelled=stop.is_set)
    threading.Timer(1.5, stop.set).start()

    def shape(hosts: list[str], ident: str) -> Play:
        return Play(hosts, ident, command="sleep 30", title="t")

    started = time.monotonic()
    outcome = job.run(["web1", "web2"], shape)
    assert time.monotonic() - started < 15
    assert outcome.stopped == "cancelled"
    assert {r.state for r in outcome.results.values()} == {"failed"}


def test_jinja_in_a_command_is_not_expanded(tmp_path, inventory):
    """`{{ … }}` in a step's command reaches the shell as written."""
    lines: list[str] = []
    job = FleetJob(settings(tmp_path), inventory, None, 1, "s", say=lines.append)

    def shape(hosts: list[str], ident: str) -> Play:
        return Play(hosts, ident, command="echo '{{ inventory_hostname }}'", title="t")

    job.run(["db1"], shape)
    assert "[db1] {{ inventory_hostname }}" in lines


def test_check_mode_changes_nothing_and_reports_would_change(tmp_path, inventory):
    marks = tmp_path / "marks"
    marks.mkdir()
    job = FleetJob(settings(tmp_path), inventory, None, 1, "s")

    def shape(hosts: list[str], ident: str) -> Play:
        return Play(hosts, ident, playbook=DATA / "touch.yml", check=True,
                    extravars={"marker_dir": str(marks)})

    outcome = job.run(["web1"], shape)
    assert outcome.results["web1"].state == "changed"
    assert not list(marks.iterdir())


def test_fleet_config_is_validated(site, capsys):
    """A wrong type in [fleet] is reported with the key and an example."""
    site.add_config('[fleet]\nforks = "ten"\n')
    assert site.cli("validate") != 0
    assert "fleet.forks: expected a whole number, got 'ten'" in capsys.readouterr().err


def test_a_refused_batch_gate_stops_the_rollout(tmp_path, inventory):
    """The gate is asked before batch 2 (batch 1 came with the step); a no stops there."""
    asked: list[tuple[int, list[str]]] = []
    job = FleetJob(settings(tmp_path), inventory, None, 1, "s")

    def shape(hosts: list[str], ident: str) -> Play:
        return Play(hosts, ident, command="true", title="t")

    def admit(number: int, hosts: list[str]) -> bool:
        asked.append((number, hosts))
        return False

    outcome = job.run(["web1", "web2", "web3"], shape, serial=2, admit=admit)
    assert asked == [(2, ["web3"])]
    assert list(outcome.results) == ["web1", "web2"]
    assert outcome.stopped == "batch 2 of 2 was not admitted"


def test_a_play_leaves_the_signal_handlers_alone(tmp_path, inventory):
    """Run from the main thread, where ansible-runner would install SIGINT/SIGTERM handlers
    if it were not given a cancel_callback: the runner's handlers stay as they were."""
    import signal

    before = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    job = FleetJob(settings(tmp_path), inventory, None, 1, "s")
    job.run(["db1"], lambda hosts, ident: Play(hosts, ident, command="true", title="t"))
    assert {s: signal.getsignal(s) for s in before} == before


def test_host_key_checking_stays_on_and_the_private_folder_is_private(tmp_path, inventory,
                                                                      monkeypatch):
    """ansible-runner would turn host key checking off; maintui keeps Ansible's default.
    Its artifacts record the environment, so the private data folder is 0700."""
    import json

    monkeypatch.delenv("ANSIBLE_HOST_KEY_CHECKING", raising=False)
    (tmp_path / "fleet").mkdir(mode=0o755)
    job = FleetJob(settings(tmp_path), inventory, None, 1, "s")
    job.run(["db1"], lambda hosts, ident: Play(hosts, ident, command="true", title="t"))
    command = next((tmp_path / "fleet" / "artifacts").glob("*/command"))
    assert json.loads(command.read_text())["env"]["ANSIBLE_HOST_KEY_CHECKING"] == "True"
    assert (tmp_path / "fleet").stat().st_mode & 0o777 == 0o700


def test_the_summary_counts_states_in_a_fixed_order():
    from maintui.core.fleet.results import summary

    states = ["failed", "ok", "unreachable"] + ["ok"] * 6
    assert summary("web", states) == "web: 7 ok · 1 failed · 1 unreachable"
    assert summary("web", []) == "web: no hosts"


def test_a_hosts_row_shows_its_state_while_the_play_runs(tmp_path, inventory):
    """web1's row in the run log says `changed` as soon as its event came, while web2 (3 s
    slower) is still `running`: the console reads these rows, not the play's end."""
    import asyncio
    import sqlite3

    from maintui.core.store.db import RunLog

    async def make() -> None:
        await (await RunLog.open(tmp_path / "runlog.db")).close()

    asyncio.run(make())
    db = tmp_path / "runlog.db"
    seen: dict[str, str] = {}

    def say(line: str) -> None:
        if line.startswith("[web1] changed") and not seen:
            con = sqlite3.connect(db)
            seen.update(con.execute("SELECT host, state FROM host_results").fetchall())
            con.close()

    job = FleetJob(settings(tmp_path), inventory, db, 1, "s", say=say)
    job.run(["web1", "web2"], lambda hosts, ident: Play(hosts, ident,
                                                         playbook=DATA / "slow.yml"))
    assert seen == {"web1": "changed", "web2": "running"}
