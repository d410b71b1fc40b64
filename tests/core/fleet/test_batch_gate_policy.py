"""A rollout's later batches and the class policy (docs/fleet.md, "Rollouts"): every step
whose first gate asks, whatever made it ask, asks again per batch; the typed word is asked
again each time; the approver and ticket given once stand for the step's batches."""

from __future__ import annotations

from tests.core.fleet.test_batch_gate import ROLL, decide, gates
from tests.core.helpers import rows, step_states, wait_for

CONFIRM = '[classes.preventive]\nfriction = "confirm"\n'
GUARDED = ('[classes.corrective]\nfriction = "typed"\nword = "ROLL"\n'
           "approver = true\nticket = true\n")


def confirmed(db) -> list[str]:
    return [r[0] for r in rows(db, "SELECT reason FROM decisions WHERE kind = 'confirm' "
                                   "AND step_id = 'roll' ORDER BY id")]


def test_a_safe_step_asked_by_its_class_policy_is_asked_per_batch_too(fleet_site):
    fleet_site.add_config(CONFIRM)
    fleet_site.screen("roll", ROLL.replace('"normal"', '"safe"\n    class = "preventive"'))
    assert fleet_site.cli("run", "roll", "--yes") == 0
    assert confirmed(fleet_site.db) == ["--yes", "--yes (batch 2 of 3: web2)",
                                        "--yes (batch 3 of 3: web3)"]


def test_unattended_batches_carry_the_approver_and_ticket_given_once(fleet_site):
    fleet_site.add_config(GUARDED)
    fleet_site.screen("roll", ROLL.replace('"normal"', '"normal"\n    class = "corrective"'))
    assert fleet_site.cli("run", "roll", "--yes", "--approver", "alice",
                          "--ticket", "CHG-7") == 0
    assert confirmed(fleet_site.db) == [
        "approver: alice; ticket: CHG-7; --yes",
        "approver: alice; ticket: CHG-7; --yes (batch 2 of 3: web2)",
        "approver: alice; ticket: CHG-7; --yes (batch 3 of 3: web3)"]


def test_a_later_batch_asks_the_word_again_and_shows_the_names_given_once(fleet_site):
    """Detached, answered as the console answers: the first gate asks the word, approver and
    ticket; batch 2 asks the word again (typed) but not the names, which it shows."""
    fleet_site.add_config(GUARDED)
    fleet_site.screen("roll", ROLL.replace('"normal"', '"normal"\n    class = "corrective"'))
    proc = fleet_site.run("run", "roll", "--detach")
    assert proc.returncode == 0, proc.stderr
    wait_for(lambda: len(gates(fleet_site.db)) == 1)
    first = gates(fleet_site.db)[0]
    assert (first["typed"], first["approver"], first["ticket"]) == ("ROLL", True, True)
    decide(fleet_site.db, "confirm", "approver: alice; ticket: CHG-7")
    wait_for(lambda: len(gates(fleet_site.db)) == 2, timeout=60)
    second = gates(fleet_site.db)[1]
    assert second["title"] == "batch 2 of 3: web2 — Roll out"
    assert (second["typed"], second["approver"], second["ticket"]) == ("ROLL", False, False)
    assert second["gate"] == "type 'ROLL'"
    assert second["plan"] == ["next: batch 2 of 3: web2", "approved by alice · ticket CHG-7 "
                              "(given at the step's first gate, not asked again)"]
    decide(fleet_site.db, "confirm")  # no names: they stand from the first gate
    wait_for(lambda: len(gates(fleet_site.db)) == 3, timeout=60)
    decide(fleet_site.db, "skip", "web3 is the canary, leave it")
    wait_for(lambda: step_states(fleet_site.db)["roll"] == "failed", timeout=60)
    assert sorted(r[0] for r in rows(fleet_site.db, "SELECT host FROM host_results")) == [
        "web1", "web2"]
