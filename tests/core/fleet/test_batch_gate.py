"""A risky step rolled out in batches asks its gate again before each batch, naming its hosts."""

from __future__ import annotations

import asyncio
import json

from maintui.core.store.db import RunLog
from tests.core.fleet.conftest import playbook_screen
from tests.core.helpers import rows, step_states, wait_for

ROLL = """
    title = "Roll"
    [[steps]]
    id = "roll"
    title = "Roll out"
    risk = "normal"
    hosts = "web"
    serial = 1
    run = "true"
"""


def gates(db) -> list[dict]:
    return [json.loads(r[0]) for r in rows(db, "SELECT data FROM events WHERE kind = 'gate' "
                                               "ORDER BY id")]


def decide(db, kind: str, reason: str = "") -> None:
    async def go() -> None:
        async with await RunLog.open(db, create=False) as log:
            await log.add_decision(1, kind, "roll", reason, "console")
    asyncio.run(go())


def test_yes_answers_every_batch_and_records_its_hosts(fleet_site):
    """Headless --yes: one confirmation for the step, then one per later batch, each naming
    the batch's hosts in the run log."""
    fleet_site.screen("roll", ROLL)
    assert fleet_site.cli("run", "roll", "--yes") == 0
    said = [r[0] for r in rows(fleet_site.db, "SELECT reason FROM decisions WHERE kind = "
                                              "'confirm' AND step_id = 'roll' ORDER BY id")]
    assert said == ["--yes", "--yes (batch 2 of 3: web2)", "--yes (batch 3 of 3: web3)"]


def test_a_console_is_asked_per_batch_and_a_skip_stops_the_rollout(fleet_site):
    """A detached run waits at the step's gate, then again before batch 2 (web2 named in the
    question); skipping that batch stops the rollout: web3 never runs."""
    fleet_site.screen("roll", ROLL)
    proc = fleet_site.run("run", "roll", "--detach")
    assert proc.returncode == 0, proc.stderr
    wait_for(lambda: len(gates(fleet_site.db)) == 1)
    decide(fleet_site.db, "confirm")
    wait_for(lambda: len(gates(fleet_site.db)) == 2, timeout=60)
    second = gates(fleet_site.db)[1]
    assert second["title"] == "batch 2 of 3: web2 — Roll out"
    assert second["plan"] == ["next: batch 2 of 3: web2"]
    assert step_states(fleet_site.db) == {"roll": "waiting"}
    decide(fleet_site.db, "skip", "web1 looks wrong")
    wait_for(lambda: step_states(fleet_site.db)["roll"] == "failed", timeout=60)
    assert [r[0] for r in rows(fleet_site.db, "SELECT host FROM host_results")] == ["web1"]
    reason = rows(fleet_site.db, "SELECT reason FROM steps")[0][0]
    assert "batch 2 of 3 was not admitted" in reason


def test_a_safe_step_is_not_asked_per_batch(fleet_site):
    fleet_site.screen("roll", ROLL.replace('"normal"', '"safe"'))
    assert fleet_site.cli("run", "roll") == 0  # no terminal, no --yes: nothing asks
    assert len(rows(fleet_site.db, "SELECT host FROM host_results")) == 3
    assert not rows(fleet_site.db, "SELECT * FROM decisions")




def test_a_playbook_rolled_out_in_batches_is_asked_per_batch_too(fleet_site):
    marks = fleet_site.root / "work"
    playbook_screen(fleet_site, risk="normal", hosts='"web"', serial="2",
                    vars=f'{{ marker_dir = "{marks}", message = "hi" }}')
    assert fleet_site.cli("run", "play", "--yes") == 0
    said = [r[0] for r in rows(fleet_site.db, "SELECT reason FROM decisions WHERE kind = "
                                              "'confirm' ORDER BY id")]
    assert said == ["--yes", "--yes (batch 2 of 2: web3)"]
    assert sorted(p.name for p in marks.glob("web*.txt")) == ["web1.txt", "web2.txt", "web3.txt"]
