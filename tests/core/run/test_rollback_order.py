"""Rollback order: the failed (or interrupted) step's own undo first, then the others newest first."""

from __future__ import annotations

from tests.core.helpers import (
    interrupt,
    rows,
    run_state,
    step_states,
)

OWN_UNDO = """
title = "t"
[[steps]]
id = "a"
title = "A"
run = "echo a"
rollback = "echo undo-a >> ${paths.work}/undo"
[[steps]]
id = "b"
title = "B"
run = "echo b"
rollback = "echo undo-b >> ${paths.work}/undo"
after = ["a"]
[[steps]]
id = "c"
title = "C changes half, then fails"
run = "echo half > ${paths.work}/half; exit 7"
rollback = "rm ${paths.work}/half; echo undo-c >> ${paths.work}/undo"
after = ["b"]
on_failure = "rollback"
"""


def test_a_failed_step_gets_its_own_rollback_first_then_the_earlier_steps_newest_first(site):
    site.screen("s", OWN_UNDO)
    assert site.cli("run", "s", "--yes") == 1
    assert (site.root / "work" / "undo").read_text().split() == ["undo-c", "undo-b", "undo-a"]
    assert not (site.root / "work" / "half").exists()
    states = step_states(site.db)
    assert states == {"a": "rolled_back", "b": "rolled_back", "c": "rolled_back"}
    reason = rows(site.db, "SELECT reason FROM steps WHERE step_id = 'c'")[0][0]
    assert "exit code 7" in reason  # the failure is still said
    assert run_state(site.db) == "rolled_back"


def test_a_failed_steps_own_undo_that_fails_stops_the_rollback_before_older_steps(site):
    site.screen("s", OWN_UNDO.replace('rollback = "rm ${paths.work}/half; echo undo-c >> '
                                      '${paths.work}/undo"', 'rollback = "exit 3"'))
    assert site.cli("run", "s", "--yes") == 1
    assert step_states(site.db) == {"a": "succeeded", "b": "succeeded", "c": "rollback_failed"}
    assert not (site.root / "work" / "undo").exists()
    assert run_state(site.db) == "rollback_failed"
    site.screen("s", OWN_UNDO)  # the cause fixed: a second rollback starts where it stopped
    assert site.cli("rollback", "1", "--yes") == 0
    assert (site.root / "work" / "undo").read_text().split() == ["undo-c", "undo-b", "undo-a"]
    assert step_states(site.db) == {"a": "rolled_back", "b": "rolled_back", "c": "rolled_back"}


def test_a_failed_action_step_passes_its_undo_record_to_its_own_rollback(site):
    """A files.cleanup that fails half way (a path too long for the trash) keeps what it
    moved: its own undo, run first, puts those files back."""
    import os

    work = site.root / "work"
    old = work / "old"
    old.mkdir()
    (old / "a.log").write_text("a")
    deep = old
    limit = 4080  # PATH_MAX is 4096: the same file under the longer trash path is too long
    while len(str(deep)) < limit:
        deep = deep / ("d" * min(200, limit - len(str(deep)) - 1))
    os.makedirs(deep, exist_ok=True)
    (deep / "z.log").write_text("z")
    for f in (old / "a.log", deep / "z.log"):
        os.utime(f, (1_000_000, 1_000_000))
    site.screen("s", """
title = "t"
[[steps]]
id = "clean"
title = "clean"
action = "files.cleanup"
on_failure = "rollback"
risk = "safe"
[steps.with]
dir = "${paths.work}/old"
trash = "${paths.work}/trash"
patterns = ["*.log"]
older_than_days = 1
""")
    (work / "trash").mkdir()
    assert site.cli("run", "s", "--yes") == 1
    assert (old / "a.log").read_text() == "a"  # moved to the trash, then back by its own undo
    assert step_states(site.db) == {"clean": "rolled_back"}
    assert run_state(site.db) == "rolled_back"


def test_a_rollback_after_an_interruption_undoes_the_interrupted_step_first(site):
    interrupt(site)
    result = site.run("resume", "1", "--choice", "rollback", "--yes")
    assert result.returncode == 1, result.stderr  # rolled back: not a success
    assert (site.root / "work" / "undo").read_text().split() == ["undo-c", "undo-b", "undo-a"]
    assert step_states(site.db) == {"a": "rolled_back", "b": "rolled_back", "c": "rolled_back"}
    assert run_state(site.db) == "rolled_back"


def test_a_rolled_back_step_keeps_the_time_it_took_to_run_not_the_time_until_its_undo(site):
    """`show` and the console's `took` column read ended - started: a rollback that takes
    a while must not make a 10 ms step look like it took seconds."""
    site.screen("s", OWN_UNDO.replace('rollback = "echo undo-b >> ${paths.work}/undo"',
                                      'rollback = "sleep 1.5"'))
    assert site.cli("run", "s", "--yes") == 1
    took = dict(rows(site.db, "SELECT step_id, ended - started FROM steps"))
    assert step_states(site.db) == {"a": "rolled_back", "b": "rolled_back", "c": "rolled_back"}
    assert took["a"] < 1.0, took  # a's undo ran after b's 1.5 s undo
    assert took["b"] < 1.0, took


def test_what_a_rollback_records_for_a_step_with_nothing_to_run_is_what_its_plan_said(site):
    """`rollback --dry-run` says "a read-only check" or "its change stays"; afterwards `show`
    must say the same, not a bare "nothing to undo" that reads as if the change was undone."""
    site.screen("s", """
title = "t"
[[steps]]
id = "count"
title = "Count"
action = "metric.check"
with = { command = "echo 3", warning = 10, critical = 20 }
risk = "safe"
[[steps]]
id = "write"
title = "Write a file, no undo"
run = "echo kept > ${paths.work}/kept"
after = ["count"]
[[steps]]
id = "fail"
title = "Fail"
run = "exit 1"
after = ["write"]
""")
    assert site.cli("run", "s", "--yes") == 1
    planned = site.run("rollback", "1", "--dry-run").stdout
    assert "write: nothing to run: this step has no undo, its change stays" in planned
    assert "count: nothing to undo: a read-only check" in planned
    assert site.cli("rollback", "1", "--yes") == 0
    said = dict(rows(site.db, "SELECT step_id, reason FROM steps"))
    assert said["write"] == "nothing to run: this step has no undo, its change stays"
    assert said["count"] == "nothing to undo: a read-only check"
    assert (site.root / "work" / "kept").exists()
