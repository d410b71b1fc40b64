"""Screen-file validation: every problem at once, each naming file, key, step and a fix."""

from __future__ import annotations

from maintui.core.site.order import topo_order

GOOD = """
title = "Good"
schedule = "daily"
[[steps]]
id = "a"
title = "A"
run = "echo ${app.greeting}"
"""


def test_valid_screen_prints_one_line_summary_and_exits_0(site, capsys):
    site.screen("good", GOOD)
    assert site.cli("validate") == 0
    out = capsys.readouterr().out
    assert "good: Good — 1 steps (session, daily)" in out


def test_malformed_toml_names_file_line_and_column(site, capsys):
    path = site.screen("bad", 'title = "x"\n[[steps]\nid = "a"\n')
    assert site.cli("validate") == 2
    err = capsys.readouterr().err
    assert f"{path}:2:" in err and "TOML syntax error" in err
    assert err.count(str(path)) == 1, err  # not `bad.toml: bad.toml:2:8: …`


def test_unknown_key_suggests_the_right_one(site, capsys):
    site.screen("s", GOOD + 'timout = "3s"\n')
    assert site.cli("validate") == 2
    err = capsys.readouterr().err
    assert "steps[0] (id 'a').timout: unknown key; did you mean 'timeout'?" in err


def test_a_step_with_an_unknown_key_still_gets_its_other_problems_reported(site, capsys):
    site.screen("s", GOOD + '[[steps]]\nid = "b"\ntitle = "B"\nacton = "files.cleanup"\n'
                'after = ["aa"]\n')
    assert site.cli("validate") == 2
    err = capsys.readouterr().err
    label = "steps[1] (id 'b')"
    assert f"{label}.acton: unknown key; did you mean 'action'?" in err
    assert f"{label}: needs exactly one of action, run, argv, manual = true or include" in err
    assert f"{label}.after: no step with id 'aa'; did you mean 'a'?" in err
    assert "3 problem(s) in 1 file(s)" in err


def test_a_wrong_top_level_key_does_not_hide_the_steps_problems(site, capsys):
    site.screen("s", GOOD.replace('schedule = "daily"', 'shedule = "daily"')
                + 'after = ["nope"]\n')
    assert site.cli("validate") == 2
    err = capsys.readouterr().err
    assert "shedule: unknown key; did you mean 'schedule'?" in err
    assert "step 'a'.after: no step with id 'nope'" in err


def test_wrong_type_and_bad_duration_are_both_reported(site, capsys):
    site.screen("s", GOOD + 'retries = "many"\ntimeout = "2x"\n')
    assert site.cli("validate") == 2
    err = capsys.readouterr().err
    assert ".retries:" in err and "integer" in err
    assert ".timeout: bad duration '2x'" in err


def test_unknown_action_suggests_a_known_one(site, capsys):
    site.screen("s", 'title = "t"\n[[steps]]\nid = "a"\ntitle = "A"\naction = "sqlite.bakup"\n')
    assert site.cli("validate") == 2
    err = capsys.readouterr().err
    assert "unknown action 'sqlite.bakup'" in err


def test_cycle_is_printed_as_the_cycle(site, capsys):
    site.screen("s", """
title = "t"
[[steps]]
id = "a"
title = "A"
run = "true"
after = ["c"]
[[steps]]
id = "b"
title = "B"
run = "true"
after = ["a"]
[[steps]]
id = "c"
title = "C"
run = "true"
after = ["b"]
""")
    assert site.cli("validate") == 2
    assert "cycle in `after`: a → c → b → a" in capsys.readouterr().err


def test_duplicate_id_and_missing_after_target(site, capsys):
    site.screen("s", GOOD + '[[steps]]\nid = "a"\ntitle = "again"\nrun = "true"\nafter = ["aa"]\n')
    assert site.cli("validate") == 2
    err = capsys.readouterr().err
    # placed at the repeat (steps[1]), not at the first 'a' that is fine
    assert "s.toml:8:1: steps[1] (id 'a'): duplicate step id" in err
    assert "steps[1] (id 'a').after: no step with id 'aa'" in err


BROKEN_AND_CROSS = """
title = "t"
[[steps]]
id = "a"
title = "A"
run = "true"
risk = "huge"
after = ["nosuch"]
[[steps]]
id = "b"
title = 5
run = "true"
aftr = ["c"]
after = ["c"]
[[steps]]
id = "c"
title = "C"
action = "nosuch.action"
after = ["b"]
[[steps]]
id = "d"
title = "D"
retries = "many"
include = "nosuchscreen"
"""


def test_model_errors_and_cross_step_problems_of_a_file_show_in_one_pass(site, capsys):
    site.screen("s", BROKEN_AND_CROSS)
    assert site.cli("validate") == 2
    err = capsys.readouterr().err
    a, b, d = "steps[0] (id 'a')", "steps[1] (id 'b')", "steps[3] (id 'd')"
    assert f"{a}.risk: Input should be" in err  # the model errors …
    assert f"{b}.aftr: unknown key; did you mean 'after'?" in err
    assert f"{b}.title: title is text in quotes" in err
    assert "step 'c'.action: unknown action 'nosuch.action'" in err
    assert f"{d}.retries:" in err
    assert f"{a}.after: no step with id 'nosuch'" in err  # … and, in the same pass, the rest
    assert "cycle in `after`: b → c → b" in err
    assert "step 'd'.include: no screen named 'nosuchscreen'" in err
    assert "8 problem(s) in 1 file(s)" in err


def test_a_step_checked_without_its_broken_keys_gets_no_problem_they_would_cause(site, capsys):
    # `run = 5` and `action = 5` are wrong types: not also "needs exactly one of …", and the
    # action's `with` and the hosts' `serial` are not "without action/hosts"
    site.screen("s", 'title = "t"\n[[steps]]\nid = "a"\ntitle = "A"\nrun = 5\n'
                '[[steps]]\nid = "b"\ntitle = "B"\naction = 5\nwith = { days = 3 }\n'
                '[[steps]]\nid = "c"\ntitle = "C"\nrun = "true"\nhosts = 7\nserial = 2\n')
    assert site.cli("validate") == 2
    err = capsys.readouterr().err
    assert "needs exactly one" not in err and "only goes with" not in err and "need `hosts`" \
        not in err, err
    assert "3 problem(s) in 1 file(s)" in err


def test_a_missing_title_does_not_hide_the_steps_problems(site, capsys):
    site.screen("s", '[[steps]]\nid = "a"\ntitle = "A"\nrun = "true"\nafter = ["zz"]\n')
    assert site.cli("validate") == 2
    err = capsys.readouterr().err
    assert "s.toml" in err and "title: required key is missing" in err
    assert "step 'a'.after: no step with id 'zz'" in err


def test_undefined_variable_names_the_fix(site, capsys):
    site.screen("s", GOOD.replace("app.greeting", "app.greting"))
    assert site.cli("validate") == 2
    err = capsys.readouterr().err
    assert "undefined variable ${app.greting}" in err and "did you mean 'app.greeting'?" in err
    assert "--var app.greting=VALUE" in err


def test_every_problem_of_every_file_is_reported_at_once(site, capsys):
    site.screen("one", GOOD + 'timout = "3s"\n')
    site.screen("two", GOOD.replace("app.greeting", "nope.x"))
    assert site.cli("validate") == 2
    err = capsys.readouterr().err
    assert "one.toml" in err and "two.toml" in err and "2 problem(s) in 2 file(s)" in err


def test_order_is_topological_and_stable_in_file_order():
    order = topo_order(["a", "b", "c", "d"], {"a": ["c"], "b": [], "c": [], "d": ["a"]})
    assert order == ["b", "c", "a", "d"]


def test_validate_json_free_of_tracebacks_for_a_missing_config(tmp_path, capsys):
    from maintui.cli import main

    assert main(["--config", str(tmp_path / "nope.toml"), "validate"]) == 2
    err = capsys.readouterr().err
    assert "nope.toml: file not found" in err and "Traceback" not in err


def test_actions_lists_every_action_and_one_actions_parameters(capsys):
    from maintui.cli import main

    assert main(["actions"]) == 0
    out = capsys.readouterr().out
    assert "sqlite.retention (undo) — " in out and "security.cert — " in out
    assert main(["actions", "sqlite.retention"]) == 0
    detail = capsys.readouterr().out
    assert "days" in detail and "required" in detail and "auto|iso|epoch|epoch_ms" in detail
    assert main(["actions", "sqlite.retension"]) == 2
    assert "did you mean 'sqlite.retention'?" in capsys.readouterr().err


def test_a_wrong_type_names_the_fix_to_write_once_per_key(site, capsys):
    site.screen("s", GOOD + 'after_any = "b"\nonly_if = 5\n[[steps]]\nid = "b"\ntitle = "B"\n'
                'include = 3\n[[steps]]\nid = "c"\ntitle = "C"\nargv = "ls -l"\n')
    assert site.cli("validate") == 2
    err = capsys.readouterr().err
    a, b, c = "steps[0] (id 'a')", "steps[1] (id 'b')", "steps[2] (id 'c')"
    assert f"{a}.after_any: after_any is a list: after_any = [\"b\"] (got 'b')" in err
    assert (f"{a}.only_if: a command is a string (only_if = \"5\") or a list of words "
            f"(only_if = [\"program\", \"arg\"]) (got 5)") in err
    assert f"{b}.include: include is text in quotes: include = \"3\" (got 3)" in err
    assert f"{c}.argv: argv is a list: argv = [\"ls\", \"-l\"] (got 'ls -l')" in err
    assert "Input should be" not in err and "list[str]" not in err
    assert "4 problem(s) in 1 file(s)" in err
