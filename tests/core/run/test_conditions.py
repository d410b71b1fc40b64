"""`only_if` (a step runs only when a command exits 0) and `after_any` (a step waits for
others whatever their outcome) — issue 13 item 6."""

from __future__ import annotations

from tests.core.helpers import output, rows, run_state, step_states

PROBE = """
title = "t"
[[steps]]
id = "probe"
title = "How full is the disk"
risk = "safe"
run = 'echo "USED=${vars.used}" >> "$MAINTUI_OUTPUT"'
[[steps]]
id = "clean"
title = "Clean when nearly full"
risk = "safe"
after = ["probe"]
only_if = 'test ${steps.probe.USED} -ge 90'
run = 'echo cleaned > ${paths.work}/cleaned'
[[steps]]
id = "fine"
title = "Say when there is room"
risk = "safe"
after = ["probe"]
only_if = ["test", "${steps.probe.USED}", "-lt", "90"]
run = 'echo fine > ${paths.work}/fine'
"""


def _reasons(db) -> dict[str, str]:
    return dict(rows(db, "SELECT step_id, reason FROM steps WHERE run_id = 1"))


def test_only_if_runs_the_step_when_its_command_exits_0_else_skips_it_saying_why(site):
    site.add_config("[vars]\nused = 95\n")
    site.screen("s", PROBE)
    assert site.cli("validate") == 0
    assert site.cli("run", "s", "--yes") == 0
    assert step_states(site.db) == {"probe": "succeeded", "clean": "succeeded",
                                    "fine": "skipped"}
    assert (site.root / "work" / "cleaned").exists()
    assert not (site.root / "work" / "fine").exists()
    assert _reasons(site.db)["fine"] == "only_if exited 1: test 95 -lt 90"
    # the condition and what it printed are in the step's output
    assert output(site.db, step="clean")[0] == "$ test 95 -ge 90"


def test_only_if_runs_in_the_steps_folder_with_its_env_and_shell(site):
    (site.root / "work" / "flag").write_text("")
    site.screen("s", """
title = "t"
[[steps]]
id = "a"
title = "a"
risk = "safe"
cwd = "work"
shell = "bash"
env = { WANT = "flag" }
only_if = '[[ -f "$WANT" && $MAINTUI_STEP == a ]]'
run = "echo ran"
[[steps]]
id = "b"
title = "b"
risk = "safe"
cwd = "work"
only_if = 'test -f missing'
run = "echo ran"
""")
    assert site.cli("run", "s", "--yes") == 0
    assert step_states(site.db) == {"a": "succeeded", "b": "skipped"}
    assert _reasons(site.db)["b"] == "only_if exited 1: test -f missing"


GUARDED = """
title = "t"
[[steps]]
id = "a"
title = "a"
risk = "safe"
{keys}
run = "echo ran"
"""


def _run_guarded(site, *keys: str) -> int:
    """Screen s, one safe step `a` that echoes `ran`, with these TOML `keys` (its only_if),
    run unattended: the exit code."""
    site.screen("s", GUARDED.format(keys="\n".join(keys)))
    return site.cli("run", "s", "--yes")


def test_a_secret_in_the_condition_is_masked_in_the_reason_and_the_output(site):
    assert _run_guarded(site, """only_if = 'test "${app.db_password}" = other'""") == 0
    reason = _reasons(site.db)["a"]
    assert reason.startswith("only_if exited 1: ") and "hunter2" not in reason
    assert not any("hunter2" in line for line in output(site.db))


def test_a_condition_that_hangs_fails_the_step_at_its_timeout(site):
    assert _run_guarded(site, "timeout = 1", 'only_if = "sleep 30"') == 1
    assert step_states(site.db) == {"a": "failed"}
    assert _reasons(site.db)["a"] == "only_if timed out after 1s: sleep 30"


def test_a_condition_reading_a_value_never_written_fails_the_step(site):
    site.screen("s", """
title = "t"
[[steps]]
id = "probe"
title = "probe"
risk = "safe"
run = "true"
[[steps]]
id = "a"
title = "a"
risk = "safe"
after = ["probe"]
only_if = 'test ${steps.probe.USED} -gt 1'
run = "echo ran"
""")
    assert site.cli("run", "s", "--yes") == 1
    assert step_states(site.db)["a"] == "failed"
    assert ("only_if could not be evaluated: reads ${steps.probe.USED} but step 'probe' wrote "
            "no USED to $MAINTUI_OUTPUT") in _reasons(site.db)["a"]


def test_a_condition_reading_a_step_that_has_not_run_fails_rather_than_skips(site):
    """Without `after`, the value is not there yet: the shell must not be handed the text
    `${steps.later.N}` (a test of it exits non-zero, which would quietly skip the step)."""
    site.screen("s", """
title = "t"
[[steps]]
id = "a"
title = "a"
risk = "safe"
only_if = 'test ${steps.later.N} -gt 1'
run = "echo ran"
[[steps]]
id = "later"
title = "later"
risk = "safe"
after = ["a"]
run = 'echo N=5 >> "$MAINTUI_OUTPUT"'
""")
    assert site.cli("run", "s", "--yes") == 1
    assert step_states(site.db)["a"] == "failed"
    assert ("only_if could not be evaluated: reads ${steps.later.N} but step 'later' has not "
            "run a command yet; add it to after = [...]") in _reasons(site.db)["a"]
    assert "ran" not in output(site.db, 1, "a")


def test_validate_names_a_value_read_from_a_step_that_does_not_exist(site, capsys):
    site.screen("s", """
title = "t"
[[steps]]
id = "probe"
title = "probe"
risk = "safe"
run = 'echo N=5 >> "$MAINTUI_OUTPUT"'
[[steps]]
id = "a"
title = "a"
risk = "safe"
after = ["probe"]
only_if = 'test ${steps.prob.N} -gt 1'
run = "echo ${steps.probe}"
""")
    assert site.cli("validate") == 2
    err = capsys.readouterr().err
    assert ("s.toml:13:1: step 'a'.only_if: ${steps.prob.N}: no step with id 'prob' in this "
            "screen; did you mean 'probe'?") in err
    assert "step 'a'.run: ${steps.probe}: a step's value is ${steps.ID.KEY}" in err


AFTER_ANY = """
title = "t"
[[steps]]
id = "check"
title = "check"
risk = "safe"
run = "exit 3"
[[steps]]
id = "fix"
title = "fix"
risk = "safe"
after = ["check"]
run = "echo fixed"
[[steps]]
id = "alert"
title = "alert whatever happened"
risk = "safe"
after_any = ["check", "fix"]
run = 'echo "alert after check" > ${paths.work}/alert'
"""


def test_after_any_runs_after_a_failure_that_stops_the_run_and_the_run_stays_failed(site):
    site.screen("s", AFTER_ANY)
    assert site.cli("run", "s", "--yes") == 1
    assert step_states(site.db) == {"check": "failed", "fix": "cancelled",
                                    "alert": "succeeded"}
    assert (site.root / "work" / "alert").read_text() == "alert after check\n"
    assert run_state(site.db) == "failed"


def test_after_any_runs_after_a_rollback_too(site):
    site.screen("s", AFTER_ANY.replace('run = "exit 3"', 'run = "exit 3"\non_failure = '
                                                        '"rollback"'))
    assert site.cli("run", "s", "--yes") == 1
    assert step_states(site.db)["alert"] == "succeeded"
    assert run_state(site.db) == "rolled_back"


def test_after_any_waits_for_skipped_and_not_done_steps_where_after_would_not_start(site):
    site.screen("s", """
title = "t"
[[steps]]
id = "item"
title = "checklist item"
manual = true
[[steps]]
id = "needs"
title = "needs the item"
risk = "safe"
after = ["item"]
run = "echo needs"
[[steps]]
id = "report"
title = "report"
risk = "safe"
after_any = ["item", "needs"]
run = "echo report"
""")
    assert site.cli("run", "s", "--yes") == 0
    assert step_states(site.db) == {"item": "skipped", "needs": "skipped",
                                    "report": "succeeded"}


def test_after_any_orders_steps_side_by_side_too(site):
    site.screen("s", """
title = "t"
concurrency = 4
[[steps]]
id = "report"
title = "report"
risk = "safe"
after_any = ["slow"]
run = 'test -f ${paths.work}/slow-done && echo saw it'
[[steps]]
id = "slow"
title = "slow"
risk = "safe"
run = 'sleep 0.5; touch ${paths.work}/slow-done; exit 1'
on_failure = "continue"
""")
    assert site.cli("run", "s", "--yes") == 1
    assert step_states(site.db) == {"slow": "failed", "report": "succeeded"}


def test_validate_names_unknown_after_any_ids_cycles_and_doubled_ids(site, capsys):
    site.screen("s", """
title = "t"
[[steps]]
id = "check"
title = "check"
run = "true"
after_any = ["report"]
[[steps]]
id = "report"
title = "report"
run = "true"
after = ["check"]
after_any = ["chek", "check"]
""")
    assert site.cli("validate") == 2
    err = capsys.readouterr().err
    assert "after_any: no step with id 'chek'; did you mean 'check'?" in err
    assert "cycle in `after`/`after_any`: check → report → check" in err
    assert "check also in `after`: keep it in one of them" in err


def test_the_dry_run_shows_the_condition_and_what_a_step_waits_for(site, capsys):
    site.screen("s", AFTER_ANY.replace('run = "echo fixed"', 'run = "echo fixed"\n'
                                       'only_if = "test -d ${paths.work}"'))
    assert site.cli("run", "s", "--dry-run") == 0
    out = capsys.readouterr().out
    assert f"    only if: test -d {site.root}/work  (exits 0; else the step is skipped)" in out
    assert "after any outcome of check, fix" in out
