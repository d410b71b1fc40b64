"""One StepView: rendered and masked once, the same in the dry run, the gate row and the console."""

from __future__ import annotations

from maintui.core.masking import Masker
from maintui.core.run.plan import plan_screen
from maintui.core.run.stepview import StepView, render_view
from tests.core.run.fakes import make_config, make_screen


def screen():
    return make_screen(
        {"id": "wipe", "run": "rm -rf ${paths.work}/cache --token hunter2", "risk": "destructive",
         "rollback": "echo undo", "description": "Frees the disk", "impact": "cache cold",
         "estimate": "2m", "class": "corrective", "tags": ["disk"]},
        {"id": "look", "manual": True, "after": ["wipe"]})


def test_a_rendered_view_carries_the_command_masked_and_the_screen_files_own_fields(tmp_path):
    step = screen().step("wipe")
    view = render_view(step, make_config(tmp_path).lookup, Masker(["hunter2"]),
                       plan=["delete hunter2"], requires=[{"name": "disk_free", "ok": True}])
    assert "hunter2" not in view.command and str(tmp_path / "work") in view.command
    assert view.plan == ["delete ***"] or "hunter2" not in view.plan[0]
    assert (view.rollback, view.description, view.gate) == ("echo undo", "Frees the disk",
                                                            "confirm (shows plan)")
    assert (view.impact, view.estimate, view.class_, view.tags) == ("cache cold", 120.0,
                                                                    "corrective", ["disk"])
    assert view.requires == [{"name": "disk_free", "ok": True}]


def test_the_event_row_round_trips_and_old_rows_missing_new_keys_still_load(tmp_path):
    step = screen().step("wipe")
    view = render_view(step, make_config(tmp_path).lookup, Masker(), plan=["x"])
    row = view.to_dict()
    assert row["class"] == "corrective" and "class_" not in row and row["step_id"] == "wipe"
    assert StepView.from_dict(row) == view
    old = {"step_id": "wipe", "title": "Wipe", "risk": "destructive", "manual": False,
           "command": "rm", "plan": ["x"], "rollback": "", "description": "",
           "requires": [], "blocked": True, "something_newer": 1}
    loaded = StepView.from_dict(old)
    assert loaded.blocked and loaded.impact == "" and loaded.estimate is None and loaded.tags == []


def test_before_rendering_a_view_says_only_what_the_screen_file_says():
    view = StepView.of(screen().step("look"))
    assert view.manual and view.command == "" and view.gate == "" and view.after == ["wipe"]


def test_the_dry_run_is_a_list_of_step_views_in_run_order(tmp_path):
    items = plan_screen(make_config(tmp_path), screen())
    assert [type(i) for i in items] == [StepView, StepView]
    assert [i.step_id for i in items] == ["wipe", "look"]
    assert items[1].gate == "checklist" and items[1].command == "manual checklist item"


def test_an_actions_text_parameter_reads_as_written_not_shell_escaped(tmp_path):
    """`with = { where = "severity <> 'critical'" }` is an SQL filter, not a shell word."""
    from maintui.core.run.stepview import describe_action

    step = make_screen({"id": "keep", "action": "sqlite.retention",
                        "with": {"db": "/srv/my app.db", "table": "alerts",
                                 "column": "created_at", "days": 90,
                                 "where": "severity <> 'critical'"}}).step("keep")
    said = describe_action(step, make_config(tmp_path).lookup)
    assert 'where="severity <> ' + "'critical'" + '"' in said
    assert "'" + '"' + "'" not in said  # no shell escape of the quotes
    assert "db='/srv/my app.db'" in said and "days=90" in said  # a space: quoted as before
