"""Checklist items answered "not done", and what a step `after` a manual item may do."""

from __future__ import annotations

from maintui.core.run.gates import Answer
from maintui.core.states import DecisionKind, RunState, StepState
from tests.core.helpers import output, rows, step_states
from tests.core.run.fakes import FakeGatekeeper, make_screen
from tests.core.run.test_walk import Harness


def _item_then_change():
    return make_screen({"id": "look", "manual": True},
                       {"id": "change", "run": "true", "after": ["look"]},
                       {"id": "other", "run": "true"})


async def test_not_done_is_stored_as_not_done_with_the_operators_reason():
    gates = FakeGatekeeper({"look": Answer(DecisionKind.NOT_DONE, "no access to the rack")})
    h = Harness(_item_then_change(), gatekeeper=gates)
    await h.walk.run(h.order)
    assert h.records.rows["look"] is StepState.NOT_DONE
    assert h.records.reasons["look"] == "no access to the rack"


async def test_a_step_after_an_item_not_done_does_not_start_and_says_why():
    gates = FakeGatekeeper({"look": Answer(DecisionKind.NOT_DONE, "no access to the rack")})
    h = Harness(_item_then_change(), gatekeeper=gates)
    state, _ = await h.walk.run(h.order)
    assert h.execute.started == ["other"]
    assert h.records.rows["change"] is StepState.SKIPPED
    assert "look was not done" in h.records.reasons["change"]
    assert state is RunState.SUCCEEDED  # nothing failed: the operator said what was not done


async def test_not_applicable_lets_the_step_after_it_start():
    gates = FakeGatekeeper({"look": Answer(DecisionKind.NA, "no rack here")})
    h = Harness(_item_then_change(), gatekeeper=gates)
    await h.walk.run(h.order)
    assert h.records.rows["look"] is StepState.SKIPPED
    assert h.execute.started == ["change", "other"]
    assert h.records.reasons["look"] == "not applicable: no rack here"
    assert not any("although" in s for s in h.said)


async def test_at_a_console_a_step_after_a_skipped_item_starts_but_says_so():
    gates = FakeGatekeeper({"look": Answer(DecisionKind.SKIP, "later")})
    h = Harness(_item_then_change(), gatekeeper=gates)
    await h.walk.run(h.order)
    assert h.execute.started == ["change", "other"]
    assert any("change starts although checklist item look was skipped" in s for s in h.said)


def test_unattended_a_step_after_a_manual_item_left_open_does_not_run(site):
    site.screen("s", """
title = "t"
[[steps]]
id = "look"
title = "Check the rack lights"
manual = true
[[steps]]
id = "change"
title = "needs the rack checked"
run = "echo changed"
after = ["look"]
risk = "safe"
[[steps]]
id = "other"
title = "independent"
run = "echo other"
risk = "safe"
""")
    assert site.cli("run", "s", "--yes") == 0
    assert step_states(site.db) == {"look": "skipped", "change": "skipped", "other": "succeeded"}
    reason = rows(site.db, "SELECT reason FROM steps WHERE step_id = 'change'")[0][0]
    assert "checklist item look was left open" in reason
    assert "changed" not in output(site.db)
