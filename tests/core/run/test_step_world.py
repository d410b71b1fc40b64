"""The step's world: site-wide [env], built-in variables, working folder, shell, --var paths."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from maintui.core.incidents import model as inc
from tests.core.helpers import run_state, with_log


def _config(site, *, site_keys: str = "", tail: str = "") -> None:
    text = site.config.read_text().replace('name = "test"', 'name = "test"\n' + site_keys)
    site.config.write_text(text + "\n" + tail)


def _read(site, name: str) -> str:
    return (site.root / "work" / name).read_text().strip()


def test_site_env_reaches_every_step_and_a_steps_env_adds_to_it(site):
    _config(site, tail='[env]\nGREETING = "site"\nTARGET = "site-target"\n'
                       'ROOTED = "${site.root}/x"\n')
    site.screen("s", """
title = "t"
[[steps]]
id = "one"
title = "one"
risk = "safe"
run = 'echo "$GREETING $TARGET $ROOTED" > ${paths.work}/one'
[[steps]]
id = "two"
title = "two"
risk = "safe"
after = ["one"]
env = { TARGET = "step-target" }
run = 'echo "$GREETING $TARGET" > ${paths.work}/two; echo "$PATH" > ${paths.work}/path'
""")
    assert site.cli("run", "s", "--yes") == 0
    assert _read(site, "one") == f"site site-target {site.root}/x"
    assert _read(site, "two") == "site step-target"
    # a step's env adds to the environment; the inherited PATH is still there
    assert _read(site, "path") == os.environ["PATH"]


def test_env_name_reads_maintuis_own_environment(site, monkeypatch):
    monkeypatch.setenv("WORLD_TEST_FROM_OUTSIDE", "outside value")
    site.screen("s", """
title = "t"
[[steps]]
id = "one"
title = "one"
risk = "safe"
env = { PATH = "/opt/world-test/bin:${env.PATH}" }
run = 'echo ${env.WORLD_TEST_FROM_OUTSIDE} > ${paths.work}/one; echo "$PATH" > ${paths.work}/path'
""")
    assert site.cli("validate") == 0
    assert site.cli("run", "s", "--yes") == 0
    assert _read(site, "one") == "outside value"
    assert _read(site, "path") == "/opt/world-test/bin:" + os.environ["PATH"]


def test_an_unset_env_name_is_refused_by_validate_and_run_with_the_fix(site, capsys,
                                                                      monkeypatch):
    monkeypatch.delenv("WORLD_TEST_NOT_SET", raising=False)
    site.screen("s", 'title = "t"\n[[steps]]\nid = "a"\ntitle = "a"\n'
                     'run = "echo ${env.WORLD_TEST_NOT_SET}"\n')
    fix = ("step 'a'.run: ${env.WORLD_TEST_NOT_SET} is not set in maintui's environment; "
           "set it (export WORLD_TEST_NOT_SET=…) before starting maintui, or give the site's "
           "value in config.toml [env]")
    assert site.cli("validate") == 2
    assert fix in capsys.readouterr().err
    assert site.cli("run", "s", "--yes") == 2  # refused before a run starts
    err = capsys.readouterr().err
    assert fix in err and "Traceback" not in err and not site.db.exists()


def test_an_unset_env_name_in_site_env_fails_the_step_naming_it(site, capsys, monkeypatch):
    monkeypatch.delenv("WORLD_TEST_NOT_SET", raising=False)
    _config(site, tail='[env]\nFOO = "${env.WORLD_TEST_NOT_SET}"\n')
    site.screen("s", 'title = "t"\n[[steps]]\nid = "a"\ntitle = "a"\nrun = "echo $FOO"\n')
    assert site.cli("run", "s", "--yes") == 1
    err = capsys.readouterr().err
    assert "step a failed: ${env.WORLD_TEST_NOT_SET} is not set in maintui's environment" in err
    assert "Traceback" not in err and run_state(site.db) == "failed"


def test_a_site_env_value_must_be_a_string(site, capsys):
    _config(site, tail="[env]\nWORKERS = 4\n")
    site.screen("s", 'title = "t"\n[[steps]]\nid = "a"\ntitle = "a"\nrun = "true"\n')
    assert site.cli("validate") != 0
    assert "env.WORKERS: expected a string" in capsys.readouterr().err


CONTEXT = """
title = "t"
[[steps]]
id = "ctx"
title = "context"
risk = "safe"
run = '''
env | grep '^MAINTUI_' | grep -v TOKEN | sort > ${paths.work}/env
echo "${run.id} ${screen.name} ${site.root} ${state.dir} ${run.dir}" > ${paths.work}/tpl
'''
"""


def _env_file(site) -> dict[str, str]:
    return dict(line.split("=", 1) for line in _read(site, "env").splitlines())


def test_a_step_sees_its_run_screen_site_and_state_folder(site, monkeypatch):
    monkeypatch.setenv("MAINTUI_INCIDENT", "stale-from-outside")
    site.screen("ctx", CONTEXT)
    assert site.cli("run", "ctx", "--yes") == 0
    env = _env_file(site)
    state = site.root / "state"
    assert env == {"MAINTUI_RUN_ID": "1", "MAINTUI_SCREEN": "ctx", "MAINTUI_STEP": "ctx",
                   "MAINTUI_SITE": str(site.root), "MAINTUI_STATE_DIR": str(state),
                   "MAINTUI_RUN_DIR": env["MAINTUI_RUN_DIR"],
                   "MAINTUI_OUTPUT": env["MAINTUI_OUTPUT"]}
    assert env["MAINTUI_OUTPUT"] == env["MAINTUI_RUN_DIR"] + "/ctx/output.env"
    assert Path(env["MAINTUI_RUN_DIR"]).is_relative_to(state)
    assert _read(site, "tpl") == f"1 ctx {site.root} {state} {env['MAINTUI_RUN_DIR']}"


def test_a_run_for_an_incident_names_it_to_its_steps(site):
    site.screen("ctx", CONTEXT.replace("${run.id}", "${run.id} ${incident.id}"))
    incident = with_log(site.db, lambda log: inc.open_incident(log, "502s")).id
    assert site.cli("validate") == 0
    assert site.cli("run", "ctx", "--yes", "--incident", incident) == 0
    assert _env_file(site)["MAINTUI_INCIDENT"] == incident
    assert _read(site, "tpl").startswith(f"1 {incident} ctx ")


CWD = """
title = "t"
[[steps]]
id = "here"
title = "here"
risk = "safe"
run = "pwd > where; touch made-by-step"
verify = "test -f made-by-step"
[[steps]]
id = "there"
title = "there"
risk = "safe"
after = ["here"]
cwd = "work"
run = "pwd > where"
"""


def test_a_step_runs_in_the_site_folder_unless_cwd_says_otherwise(site, tmp_path_factory,
                                                                   monkeypatch):
    elsewhere = tmp_path_factory.mktemp("caller")
    monkeypatch.chdir(elsewhere)
    site.screen("s", CWD)
    assert site.cli("run", "s", "--yes") == 0
    assert (site.root / "where").read_text().strip() == str(site.root)
    assert (site.root / "work" / "where").read_text().strip() == str(site.root / "work")
    assert not list(elsewhere.iterdir())


SHELLS = """
title = "t"
[[steps]]
id = "plain"
title = "plain"
risk = "safe"
run = 'echo "$0" > ${paths.work}/plain'
[[steps]]
id = "py"
title = "python"
risk = "safe"
shell = "PYTHON"
run = "open('work/py', 'w').write('from python')"
"""


def test_shell_strings_run_by_bin_sh_unless_a_shell_is_named(site):
    site.screen("s", SHELLS.replace("PYTHON", sys.executable))
    assert site.cli("run", "s", "--yes") == 0
    assert _read(site, "plain") == "/bin/sh"
    assert _read(site, "py") == "from python"


def test_a_site_wide_shell_runs_every_steps_strings_but_a_steps_own_wins(site):
    _config(site, site_keys='shell = "bash -eu"')
    site.screen("s", SHELLS.replace("PYTHON", sys.executable) + """
[[steps]]
id = "bashism"
title = "bash"
risk = "safe"
run = '[[ -n "$BASH_VERSION" ]] && echo "$-" > ${paths.work}/bash'
rollback = "true"
""")
    assert site.cli("run", "s", "--yes") == 0
    assert _read(site, "plain") == "bash"
    assert "e" in _read(site, "bash") and "u" in _read(site, "bash")
    assert _read(site, "py") == "from python"


def test_a_path_given_with_var_resolves_against_the_site_folder(site, tmp_path_factory,
                                                                 monkeypatch, capsys):
    elsewhere = tmp_path_factory.mktemp("caller")
    monkeypatch.chdir(elsewhere)
    site.screen("s", """
title = "t"
[[steps]]
id = "mk"
title = "make"
risk = "safe"
argv = ["mkdir", "-p", "${paths.out}", "${app.data_dir}"]
""")
    assert site.cli("run", "s", "--dry-run", "--var", "paths.out=made",
                    "--var", "app.data_dir=data") == 0
    assert str(site.root / "made") in capsys.readouterr().out
    assert site.cli("run", "s", "--yes", "--var", "paths.out=made",
                    "--var", "app.data_dir=data") == 0
    assert run_state(site.db) == "succeeded"
    assert (site.root / "made").is_dir() and (site.root / "data").is_dir()
    assert not list(elsewhere.iterdir())


def test_a_var_that_is_not_a_path_key_stays_as_given(site, capsys):
    site.screen("s", """
title = "t"
[[steps]]
id = "say"
title = "say"
risk = "safe"
run = "echo ${app.greeting} > ${paths.work}/said"
""")
    assert site.cli("run", "s", "--yes", "--var", "app.greeting=relative/words") == 0
    assert _read(site, "said") == "relative/words"


def test_an_actions_relative_path_parameters_are_in_the_site_folder(site, tmp_path_factory,
                                                                     monkeypatch):
    elsewhere = tmp_path_factory.mktemp("caller")
    (elsewhere / "junk").mkdir()
    old = elsewhere / "junk" / "old.tmp"
    old.write_text("x")
    (site.root / "junk").mkdir()
    mine = site.root / "junk" / "old.tmp"
    mine.write_text("x")
    for path in (old, mine):
        os.utime(path, (0, 0))
    monkeypatch.chdir(elsewhere)
    site.screen("s", """
title = "t"
[[steps]]
id = "clean"
title = "clean"
risk = "safe"
action = "files.cleanup"
with = { dir = "junk", trash = "trash", older_than_days = 1 }
""")
    assert site.cli("run", "s", "--yes") == 0
    assert not mine.exists() and list((site.root / "trash").rglob("old.tmp"))
    assert old.exists() and not (elsewhere / "trash").exists()


VALUES = """
title = "t"
[[steps]]
id = "probe"
title = "probe"
risk = "safe"
run = '''
echo "VERSION=1.2.3" >> "$MAINTUI_OUTPUT"
echo "api_token=$(echo SECRET-TOKEN | tr A-Z a-z)-value-1234" >> "$MAINTUI_OUTPUT"
printf 'NOTES<<END\\nline one\\nline two\\nEND\\n' >> "$MAINTUI_OUTPUT"
'''
[[steps]]
id = "use"
title = "use"
risk = "safe"
after = ["probe"]
env = { FROM_PROBE = "v${steps.probe.VERSION}" }
argv = ["sh", "-c", "echo \\"$FROM_PROBE ${steps.probe.VERSION}\\" > work/used", "${steps.probe.NOTES}"]
[[steps]]
id = "act"
title = "act"
risk = "safe"
after = ["use"]
action = "files.cleanup"
with = { dir = "work/v${steps.probe.VERSION}", trash = "trash" }
"""


def test_a_steps_values_reach_later_steps_and_the_run_log_masked(site, capsys):
    (site.root / "work" / "v1.2.3").mkdir()
    site.screen("s", VALUES)
    assert site.cli("validate") == 0
    assert site.cli("run", "s", "--dry-run") == 0
    assert "${steps.probe.VERSION}" in capsys.readouterr().out
    assert site.cli("run", "s", "--yes") == 0
    assert _read(site, "used") == "v1.2.3 1.2.3"
    import sqlite3

    con = sqlite3.connect(site.db)
    recorded = [line for (text,) in con.execute(
        "SELECT text FROM output WHERE step_id = 'probe' AND stream = 'outputs' ORDER BY id")
        for line in text.split("\n")]
    con.close()
    assert recorded == ["VERSION=1.2.3", "api_token=********", "NOTES=line one", "line two"]
    # made by the step, so in no command text either: only the masked line holds it
    assert b"secret-token-value" not in site.db.read_bytes()


def test_a_value_no_step_wrote_fails_the_step_that_reads_it(site, capsys):
    site.screen("s", """
title = "t"
[[steps]]
id = "probe"
title = "probe"
risk = "safe"
run = 'echo "oops" >> "$MAINTUI_OUTPUT"'
[[steps]]
id = "use"
title = "use"
risk = "safe"
after = ["probe"]
run = "echo ${steps.probe.VERSION}"
""")
    assert site.cli("run", "s", "--yes") == 1
    assert run_state(site.db) == "failed"
    said = capsys.readouterr()
    assert "step 'probe' wrote no VERSION to $MAINTUI_OUTPUT" in said.out + said.err
    assert "not KEY=VALUE: 'oops'" in said.out + said.err


def test_a_resumed_run_still_has_the_values_of_the_steps_that_ran(site):
    import signal
    import subprocess

    from tests.core.helpers import output, process_gone, wait_for

    site.screen("s", """
title = "t"
[[steps]]
id = "a"
title = "A"
risk = "safe"
run = 'echo "VAL=from-a" >> "$MAINTUI_OUTPUT"'
[[steps]]
id = "b"
title = "B"
risk = "safe"
after = ["a"]
run = "echo started-b; if test -e work/slow; then sleep 30; fi"
[[steps]]
id = "c"
title = "C"
risk = "safe"
after = ["b"]
run = "echo ${steps.a.VAL} > work/c"
""")
    (site.root / "work" / "slow").touch()
    proc = site.spawn("run", "s", "--yes", stdout=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    wait_for(lambda: "started-b" in output(site.db))
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    wait_for(lambda: process_gone(proc.pid))
    (site.root / "work" / "slow").unlink()
    result = site.run("run", "s", "--yes", "--resume")
    assert result.returncode == 0, result.stdout + result.stderr
    assert _read(site, "c") == "from-a"


def test_a_secret_a_step_hands_on_is_masked_when_a_later_step_prints_it(site):
    site.screen("s", """
title = "t"
[[steps]]
id = "login"
title = "login"
risk = "safe"
run = 'echo "session_token=tok-$(printf %s abcdef0123456789 | rev)" >> "$MAINTUI_OUTPUT"'
[[steps]]
id = "use"
title = "use"
risk = "safe"
after = ["login"]
run = 'echo "using ${steps.login.session_token}"; echo "${steps.login.session_token}" | base64'
""")
    assert site.cli("run", "s", "--yes") == 0
    import base64

    stored = site.db.read_bytes()  # the value is made at run time: no screen text holds it
    assert b"tok-9876543210fedcba" not in stored
    assert base64.b64encode(b"tok-9876543210fedcba\n") not in stored  # its base64, too
    assert b"using ********" in stored
