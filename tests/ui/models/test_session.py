"""SessionModel without a terminal: following the run, gates, driving, timings, preconditions."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace

import pytest

from maintui.core.probes.fake import FakeProbe, fake_snapshot
from maintui.core.run.stepview import StepView
from maintui.core.site.config import load_config
from maintui.core.site.screenfile import load_screen
from maintui.core.store.rows import Event, StepRow
from maintui.tui.models.session import SessionModel, Usual, usual

SCREEN = """
title = "Monthly"
description = "First paragraph of what this does.\\n\\nSecond paragraph."
schedule = "monthly"
window = "Sat 02:00-04:00"
[[steps]]
id = "wipe"
title = "Wipe the cache"
description = "Frees the disk"
run = "true"
risk = "destructive"
after = ["look"]
[[steps]]
id = "look"
title = "Look around"
run = "true"
risk = "safe"
[[steps]]
id = "check"
title = "Check by hand"
manual = true
after = ["wipe"]
requires = { maintenance = true }
"""


@pytest.fixture
def model(site) -> SessionModel:
    site.screen("monthly", SCREEN)
    config = load_config(site.config)
    made = SessionModel(config)
    made.load(load_screen(config, "monthly"))
    return made


def row(step_id: str, state: str, started: float | None = None, reason: str = "") -> StepRow:
    return StepRow(1, step_id, 0, step_id, "action", "normal", state, started=started,
                   reason=reason)


def gate(event_id: int, step_id: str = "wipe") -> Event:
    return Event(event_id, 1, 0.0, "gate", step_id, {"step_id": step_id})


# -- timings -------------------------------------------------------------------------------------

def test_usual_durations_need_two_past_runs_and_give_the_median_and_p95():
    assert usual([]) is None and usual([4.0]) is None
    found = usual([10.0, 20.0])
    assert found == Usual(15.0, 19.5, 2)
    assert found.describe() == "usually 15.0s, 95% within 19.5s (2 runs)"
    assert usual([float(n) for n in range(1, 21)]) == Usual(10.5, 19.05, 20)


def test_a_step_past_its_p95_asks_once_then_again_at_twice_as_long(model):
    model.learn("wipe", [10.0, 10.0, 10.0])
    model.apply_steps([row("wipe", "running", started=1000.0)])
    assert model.overrun(1009.0) is None  # within its usual time
    found = model.overrun(1012.0)
    assert found is not None and (found.step_id, found.elapsed) == ("wipe", 12.0)
    assert model.overrun(1020.0) is None  # asked at 12s: next at 24s
    assert model.overrun(1025.0).elapsed == 25.0


def test_an_extended_step_never_asks_again(model):
    model.learn("wipe", [10.0, 10.0, 10.0])
    model.apply_steps([row("wipe", "running", started=1000.0)])
    model.extend("wipe")
    assert model.overrun(1_000_000.0) is None


def test_no_overrun_with_fewer_than_three_past_runs_or_for_a_step_not_running(model):
    model.learn("wipe", [1.0, 1.0])
    model.learn("look", [1.0, 1.0, 1.0])
    model.apply_steps([row("wipe", "running", started=100.0),
                       row("look", "succeeded", started=100.0)])
    assert "wipe" in model.durations
    assert model.overrun(600.0) is None


def test_a_step_with_one_past_run_has_no_usual_time(model):
    model.learn("look", [3.0])
    assert model.durations == {}
    assert not model.detail().usual


# -- selection and the detail pane ---------------------------------------------------------------

def test_steps_are_listed_in_run_order_and_the_first_is_shown_before_any_selection(model):
    assert [r[0] for r in model.pending_rows()] == ["look", "wipe", "check"]
    assert model.pending_rows()[0] == ("look", "pending", "safe", None, None)
    assert model.detail().view.step_id == "look"


def test_the_selection_follows_the_running_step_until_the_operator_moves_it(model):
    assert model.apply_steps([row("look", "running")]) == "look"
    assert model.apply_steps([row("look", "succeeded"), row("wipe", "running")]) == "wipe"
    assert model.select("look")  # moved away from the running step: stop following
    assert not model.follow
    assert model.apply_steps([row("wipe", "succeeded"), row("check", "waiting")]) is None
    assert model.selected == "look"
    assert not model.select("look")  # the same step again is no change
    assert model.select("check") and model.follow  # back on the active step: follow again


def test_the_detail_merges_the_plan_the_outcome_and_the_usual_time(model):
    item = StepView("wipe", "Wipe the cache", "destructive", gate="confirm (shows plan)",
                    command="true", plan=["x"], description="Frees the disk")
    model.set_plan([item])
    model.learn("wipe", [2.0, 4.0])
    model.apply_steps([row("wipe", "failed", reason="exit 5")])
    model.select("wipe")
    info = model.detail()
    assert info.view.description == "Frees the disk" and info.view.gate == "confirm (shows plan)"
    assert info.reason == "exit 5"
    assert info.usual == "usually 3.0s, 95% within 3.9s (2 runs)"


def test_the_introduction_says_what_the_screen_does_and_how_to_begin(model):
    lines = model.intro_lines(30)
    assert lines[0] == "First paragraph of what this"
    assert " " in lines and "Second paragraph." in lines
    assert "3 steps; 2 ask before running" in lines
    assert "schedule: monthly · window Sat" in lines
    assert lines[-2:] == ["r  start the run", "d  dry run: commands and changes"]


def test_a_new_run_forgets_the_last_runs_steps_and_follows_again(model):
    model.apply_steps([row("look", "succeeded")])
    model.select("wipe")
    model.new_run()
    assert model.steps == {} and model.follow


# -- the run, gates and driving ------------------------------------------------------------------

def test_a_gate_is_shown_once_to_the_driving_console_and_again_on_request(model):
    model.run_id, model.run_state, model.driving = 1, "waiting", True
    first = gate(7)
    assert model.take_gate(first) is first
    assert model.take_gate(None) is None  # still waiting at it: kept, not shown again
    assert model.gate is first
    assert model.reopen_gate() is first and model.take_gate(first) is None
    model.run_state = "running"
    assert model.take_gate(None) is None and model.gate is None  # the run went on


def test_a_watching_console_is_never_shown_the_gate_until_it_takes_over(model):
    model.run_id, model.run_state = 1, "waiting"
    assert model.take_gate(gate(7)) is None
    assert model.watch_only and not model.drives_live_run
    model.took_over()
    assert model.take_gate(None) is not None and model.drives_live_run


def test_r_starts_a_run_only_when_none_is_followed_or_the_followed_one_ended(model):
    assert model.can_start and not model.watch_only
    model.run_id = 1
    assert not model.can_start  # attached, state not read yet: treated as running
    model.run_state = "waiting"
    assert not model.can_start and model.live
    model.run_state = "failed"
    assert model.can_start and not model.live


def test_the_driver_is_described_or_said_to_be_missing(model):
    model.describe_driver({"user": "ann", "host": "db1", "pid": 42})
    assert model.driver_text == "driven by ann@db1 (pid 42)"
    model.describe_driver(None)
    assert model.driver_text == "no console drives it"


# -- preconditions ---------------------------------------------------------------------------------

def test_preconditions_are_read_again_each_time_the_gate_asks(model):
    assert model.recheck("look") is None  # no `requires`
    checks = model.recheck("check")
    assert [(c["name"], c["ok"]) for c in checks()] == [("maintenance", False)]
    state = model.config.state_dir
    state.mkdir(parents=True, exist_ok=True)
    (state / "maintenance.json").write_text(json.dumps({"on": True}))
    assert [(c["name"], c["ok"]) for c in checks()] == [("maintenance", True)]


def test_preconditions_are_read_through_the_probe_given_with_the_path_filled_in(site):
    site.screen("room", """
        title = "Room"
        [[steps]]
        id = "fill"
        title = "Fill the disk"
        run = "true"
        requires = { disk_free = "20G", disk_path = "/var/runs/${run.id}" }
        """)
    config = load_config(site.config)
    model = SessionModel(config, 3, probe=FakeProbe([fake_snapshot()]))
    model.load(load_screen(config, "room"))
    assert model.recheck("fill") is not None
    (found,) = model.recheck("fill")()
    assert found["name"] == "disk_free" and not found["ok"]  # /var has 17G free in the fake
    assert found["text"].startswith("free on /var/runs/3: ") and "needs 20.0G" in found["text"]


def test_the_model_needs_its_screen_file_before_it_can_answer(site):
    with pytest.raises(RuntimeError, match="not loaded"):
        SessionModel(load_config(site.config)).ordered()


def test_step_rows_are_kept_as_given(model):
    first = row("look", "running", started=5.0)
    model.apply_steps([first])
    model.apply_steps([replace(first, state="succeeded")])
    assert model.steps["look"].state == "succeeded"


def test_the_view_models_import_neither_textual_nor_rich():
    code = ("import sys, maintui.tui.models.session, maintui.tui.models.errors; "
            "print(sorted(m for m in ('textual', 'rich') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# -- who drives (issue 10, items 8-9) -------------------------------------------------------------

def test_a_driver_whose_run_another_console_claimed_becomes_a_watcher_saying_who_drives(model):
    model.run_id, model.run_state, model.driving = 1, "waiting", True
    model.gate_shown = 7
    mine = {"user": "ann", "host": "db1", "pid": 42}
    assert not model.lost_drive(mine, 42, "db1") and model.driving  # our own claim
    assert not model.lost_drive(None, 42, "db1") and model.driving  # no claim: nobody took it
    assert model.lost_drive({"user": "bob", "host": "db2", "pid": 9}, 42, "db1")
    assert not model.driving and model.watch_only and model.gate_shown is None
    assert model.driver_text == "driven by bob@db2 (pid 9)"
    assert not model.lost_drive({"user": "cy", "host": "db3", "pid": 5}, 42, "db1")  # once


def test_only_a_step_with_an_action_has_a_plan_to_compute_again(model):
    # commands and checklist items have no plan: the confirmation keeps none to refresh
    assert [model.replan(s.id) for s in model.file.steps] == [None, None, None]


def test_a_watchers_second_head_line_names_the_driver_and_the_question_asked_there(model):
    model.run_id, model.run_state = 1, "waiting"
    model.describe_driver({"user": "ops", "host": "web-01", "pid": 42})
    assert model.watcher_line() == "driven by ops@web-01 (pid 42)"
    batch = Event(7, 1, 0.0, "gate", "wipe", {"step_id": "wipe",
                                                "title": "batch 2 of 3: web3 — Wipe the cache"})
    assert model.take_gate(batch) is None  # a watcher is not asked
    assert model.watcher_line() == ("driven by ops@web-01 (pid 42) · asked there: "
                                    "batch 2 of 3: web3 — Wipe the cache")
    model.run_state = "failed"  # an ended run is still driven (R, b): the line stays, no gate
    assert model.watcher_line() == "driven by ops@web-01 (pid 42)"
    model.driving = True
    assert model.watcher_line() == ""


def test_a_new_run_forgets_the_last_runs_state_until_it_is_read(model):
    """Between starting a run and reading it, the header and every wait on the state must
    not see the last run's "failed" as the new run's."""
    model.run_id, model.run_state = 1, "failed"
    model.new_run()
    assert model.run_state == "" and not model.steps
