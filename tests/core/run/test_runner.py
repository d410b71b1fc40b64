"""Runner semantics: order, gates, failure policies, rollback, retries, timeouts, masking."""

from __future__ import annotations

from tests.core.helpers import output, process_gone, rows, run_state, step_states


def test_steps_run_in_topological_order_and_the_run_succeeds(site):
    site.screen("s", """
title = "t"
[[steps]]
id = "second"
title = "2"
run = "echo 2 >> ${paths.work}/order"
after = ["first"]
risk = "safe"
[[steps]]
id = "first"
title = "1"
run = "echo 1 >> ${paths.work}/order"
risk = "safe"
""")
    assert site.cli("run", "s", "--yes") == 0
    assert (site.root / "work" / "order").read_text().split() == ["1", "2"]
    assert run_state(site.db) == "succeeded"


ROLLBACK = """
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
title = "C"
run = "exit 7"
after = ["b"]
on_failure = "rollback"
[[steps]]
id = "d"
title = "D"
run = "echo never"
after = ["c"]
"""


def test_failing_step_with_rollback_undoes_earlier_steps_in_reverse_order(site):
    site.screen("s", ROLLBACK)
    assert site.cli("run", "s", "--yes") == 1
    assert (site.root / "work" / "undo").read_text().split() == ["undo-b", "undo-a"]
    assert step_states(site.db) == {"a": "rolled_back", "b": "rolled_back", "c": "failed",
                                    "d": "cancelled"}
    assert run_state(site.db) == "rolled_back"


def test_a_failing_undo_stops_the_rollback_and_marks_rollback_failed(site):
    site.screen("s", ROLLBACK.replace('rollback = "echo undo-b >> ${paths.work}/undo"',
                                      'rollback = "exit 1"'))
    assert site.cli("run", "s", "--yes") == 1
    assert step_states(site.db)["b"] == "rollback_failed"
    assert step_states(site.db)["a"] == "succeeded"  # never reached: the undo stopped at b
    assert not (site.root / "work" / "undo").exists()
    assert run_state(site.db) == "rollback_failed"


def test_on_failure_continue_runs_the_rest_and_fails_the_run(site):
    site.screen("s", """
title = "t"
[[steps]]
id = "a"
title = "A"
run = "exit 2"
on_failure = "continue"
[[steps]]
id = "b"
title = "B"
run = "echo b"
[[steps]]
id = "c"
title = "C after A"
run = "echo c"
after = ["a"]
""")
    assert site.cli("run", "s", "--yes") == 1
    states = step_states(site.db)
    assert states == {"a": "failed", "b": "succeeded", "c": "skipped"}


def test_retries_run_the_step_again_until_it_succeeds(site):
    site.screen("s", """
title = "t"
[[steps]]
id = "flaky"
title = "fails once"
run = "test -e ${paths.work}/once || { touch ${paths.work}/once; exit 1; }"
retries = 2
retry_delay = "0s"
""")
    assert site.cli("run", "s", "--yes") == 0
    assert rows(site.db, "SELECT attempt, state FROM steps") == [(2, "succeeded")]


def test_a_failing_verify_check_fails_the_step(site):
    site.screen("s", """
title = "t"
[[steps]]
id = "a"
title = "A"
run = "echo done"
verify = "echo checking; exit 4"
""")
    assert site.cli("run", "s", "--yes") == 1
    assert rows(site.db, "SELECT state, reason FROM steps") == [
        ("failed", "verify check failed (exit code 4)")]
    assert "checking" in output(site.db)


def test_timeout_kills_the_whole_process_group_including_grandchildren(site):
    pidfile = site.root / "work" / "grandchild.pid"
    site.screen("s", f"""
title = "t"
[[steps]]
id = "slow"
title = "hangs"
run = "sh -c 'echo $$ > {pidfile}; exec sleep 60' & wait"
timeout = "1s"
""")
    assert site.cli("run", "s", "--yes") == 1
    assert step_states(site.db) == {"slow": "timed_out"}
    pid = int(pidfile.read_text())
    import time

    time.sleep(0.2)
    assert process_gone(pid), "the grandchild survived the timeout"


def test_secrets_in_env_and_config_never_reach_the_run_log_or_stdout(site, capsys, monkeypatch):
    monkeypatch.setenv("DEPLOY_API_TOKEN", "tok-very-secret-123")
    site.screen("s", """
title = "t"
[[steps]]
id = "leak"
title = "prints secrets"
run = "echo env=$DEPLOY_API_TOKEN; echo cfg=${app.db_password} >&2"
""")
    assert site.cli("run", "s", "--yes") == 0
    out = capsys.readouterr().out
    assert "tok-very-secret-123" not in out and "hunter2-config-secret" not in out
    dump = "\n".join(str(r) for t in ("output", "steps", "events", "runs")
                     for r in rows(site.db, f"SELECT * FROM {t}"))
    assert "tok-very-secret-123" not in dump and "hunter2-config-secret" not in dump
    assert "env=********" in output(site.db)


def test_a_1mib_line_is_cut_with_a_note_and_200k_lines_are_all_recorded(site):
    site.screen("s", """
title = "t"
[[steps]]
id = "wide"
title = "one huge line"
argv = ["python3", "-c", "print('x' * (1 << 20)); print('after')"]
[[steps]]
id = "flood"
title = "many lines"
argv = ["python3", "-c", "import sys; sys.stdout.write(''.join(f'{i}\\\\n' for i in range(200000)))"]
""")
    assert site.cli("run", "s", "--yes", "--quiet") == 0
    wide = output(site.db, step="wide")
    assert len(wide) == 2 and "[line cut: 1,048,576 bytes" in wide[0] and wide[1] == "after"
    flood = output(site.db, step="flood")
    assert len(flood) == 200_000 and flood[0] == "0" and flood[-1] == "199999"


def test_without_terminal_or_yes_a_gate_stops_the_run_with_exit_3(site, capsys):
    site.screen("s", """
title = "t"
[[steps]]
id = "check"
title = "safe"
run = "echo ok"
risk = "safe"
[[steps]]
id = "change"
title = "needs a yes"
run = "echo changed > ${paths.work}/changed"
""")
    assert site.cli("run", "s") == 3
    assert "'change' (normal) needs confirmation" in capsys.readouterr().err
    assert step_states(site.db) == {"check": "succeeded", "change": "cancelled"}
    assert run_state(site.db) == "aborted"
    assert not (site.root / "work" / "changed").exists()


def test_manual_items_are_left_open_in_unattended_runs(site):
    site.screen("s", """
title = "t"
[[steps]]
id = "review"
title = "Review alerts"
manual = true
""")
    assert site.cli("run", "s", "--yes") == 0
    assert rows(site.db, "SELECT state, reason FROM steps")[0][0] == "skipped"


def test_dry_run_prints_substituted_commands_and_touches_nothing(site, capsys):
    site.screen("s", ROLLBACK)
    assert site.cli("run", "s", "--dry-run") == 0
    out = capsys.readouterr().out
    assert f"echo undo-a >> {site.root / 'work'}/undo" in out
    assert not site.db.exists()


def test_var_overrides_a_config_value(site):
    site.screen("s", """
title = "t"
[[steps]]
id = "a"
title = "A"
run = "echo ${app.greeting}"
""")
    assert site.cli("run", "s", "--yes", "--var", "app.greeting=bonjour") == 0
    assert output(site.db) == ["bonjour"]


BLOCKED = """
title = "t"
[[steps]]
id = "big"
title = "needs an absurd amount of disk"
run = "echo ran > ${paths.work}/ran"
risk = "safe"
requires = { disk_free = "900T", disk_path = "${paths.work}" }
[[steps]]
id = "after"
title = "independent"
run = "echo after"
risk = "safe"
"""


def test_an_unmet_precondition_fails_the_step_unattended_without_running_it(site, capsys):
    site.screen("s", BLOCKED)
    assert site.cli("run", "s", "--yes") == 1
    assert not (site.root / "work" / "ran").exists()
    state, reason = rows(site.db, "SELECT state, reason FROM steps WHERE step_id = 'big'")[0]
    assert state == "failed" and reason.startswith("precondition not met: free on ")
    assert "needs 900.0T" in reason


def test_a_met_precondition_lets_the_step_run(site):
    site.screen("s", BLOCKED.replace('"900T"', '"1K"'))
    assert site.cli("run", "s", "--yes") == 0
    assert (site.root / "work" / "ran").exists()


def test_only_runs_the_named_steps_and_tags(site):
    site.screen("s", """
title = "t"
[[steps]]
id = "a"
title = "A"
run = "echo a"
tags = ["check"]
[[steps]]
id = "b"
title = "B"
run = "echo b"
after = ["a"]
[[steps]]
id = "c"
title = "C"
run = "echo c"
tags = ["check"]
""")
    assert site.cli("run", "s", "--yes", "--only", "tag:check") == 0
    assert step_states(site.db) == {"a": "succeeded", "c": "succeeded"}
    assert site.cli("run", "s", "--yes", "--only", "b") == 0  # `after a` is outside: ignored
    assert step_states(site.db, 2) == {"b": "succeeded"}
    assert site.cli("run", "s", "--yes", "--only", "nope") == 2


PARALLEL = """
title = "t"
concurrency = 2
[[steps]]
id = "a"
title = "A waits for B to have started"
run = "touch ${paths.work}/a; for i in $(seq 50); do test -e ${paths.work}/b && exit 0; sleep 0.1; done; exit 1"
[[steps]]
id = "b"
title = "B waits for A to have started"
run = "touch ${paths.work}/b; for i in $(seq 50); do test -e ${paths.work}/a && exit 0; sleep 0.1; done; exit 1"
rollback = "echo undo-b >> ${paths.work}/undo"
[[steps]]
id = "c"
title = "after both"
run = "echo c; exit ${app.c_exit}"
after = ["a", "b"]
on_failure = "rollback"
"""


def test_unattended_runs_run_independent_steps_side_by_side(site):
    site.screen("p", PARALLEL)
    assert site.cli("run", "p", "--yes", "--var", "app.c_exit=0") == 0  # a and b met each other
    assert step_states(site.db) == {"a": "succeeded", "b": "succeeded", "c": "succeeded"}


def test_a_failure_after_parallel_steps_rolls_them_back(site):
    site.screen("p", PARALLEL)
    assert site.cli("run", "p", "--yes", "--var", "app.c_exit=4") == 1
    assert step_states(site.db)["b"] == "rolled_back"
    assert (site.root / "work" / "undo").read_text() == "undo-b\n"
    assert run_state(site.db) == "rolled_back"
