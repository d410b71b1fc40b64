"""config.toml: [vars] holds the site's own settings; every other unknown table or key is an
error naming the file, the key and the fix (issue 13 item 4)."""

from __future__ import annotations

from pathlib import Path

import pytest

from maintui.core.errors import ConfigError
from maintui.core.site.config import load_config
from tests.core.helpers import output

REPO = Path(__file__).resolve().parents[3]


def test_vars_and_its_sub_tables_reach_run_env_and_conditions(site):
    site.add_config('[vars]\nregion = "eu"\n[vars.api]\nurl = "https://api.example.test"\n'
                    'check_dir = "work"\n')
    site.screen("s", """
title = "t"
[[steps]]
id = "say"
title = "say"
risk = "safe"
env = { API = "${vars.api.url}" }
only_if = 'test "${vars.region}" = eu'
run = 'echo "${vars.api.url} $API ${vars.region}"'
""")
    assert site.cli("validate") == 0
    assert site.cli("run", "s", "--yes") == 0
    assert "https://api.example.test https://api.example.test eu" in output(site.db, step="say")
    # a sub-table's key is not a path key: it stays as written
    assert load_config(site.config).lookup("vars.api.check_dir") == "work"


@pytest.mark.parametrize(("tail", "expected"), [
    # a site's own table outside [vars]: the same error whatever its name
    ('[k8s]\nnamespace = "prod"\n',
     "[k8s]: unknown section; put site settings under [vars]: [vars.k8s] "
     "(read as ${vars.k8s.KEY})"),
    ('[api]\nurl = "u"\n', "[api]: unknown section; did you mean [app]? put site settings "
                           "under [vars]: [vars.api]"),
    ('[thresold]\ncpu = { warning = 1, critical = 2 }\n',
     "[thresold]: unknown section; did you mean [thresholds]?"),
    ('[site.extra]\nx = 1\n', "site.extra: unknown key; known keys: name, production"),
    ('[thresholds]\ncpuu = { warning = 1, critical = 2 }\n',
     "thresholds.cpuu: unknown gauge; did you mean 'cpu'?"),
    ('[thresholds]\ndisk = { warning = 1, critical = 2, critcal = 3 }\n',
     "thresholds.disk.critcal: unknown key; did you mean 'critical'?"),
    ("[log_formats.mine]\nregex = '^(?P<message>.*)$'\ntitel = 'Mine'\n",
     "log_formats.mine.titel: unknown key; did you mean 'title'?"),
    ('[reports]\ndirectories = ["a"]\n', "reports.directories: unknown key; known keys: dir, dirs"),
])
def test_every_unknown_table_or_key_is_an_error_with_the_fix(site, capsys, tail, expected):
    site.add_config(tail)
    with pytest.raises(ConfigError) as raised:
        load_config(site.config)
    assert str(site.config) in str(raised.value)
    assert expected in str(raised.value)
    assert site.cli("validate") == 2
    err = capsys.readouterr().err
    assert expected in err and f"{site.config}:" in err and "Traceback" not in err


def test_a_top_level_key_outside_a_table_is_refused_unless_it_is_secrets(site, capsys):
    site.config.write_text('release = "1.2"\nsecrets = ["app.greeting_token"]\n'
                           + site.config.read_text())
    assert site.cli("validate") == 2
    err = capsys.readouterr().err
    assert (f"{site.config}:1:1: release: unknown top-level key; put site settings under "
            "[vars] (release = … there, read as ${vars.release})") in err
    assert "secrets" not in err


def test_every_problem_of_the_file_is_reported_in_one_pass(site):
    site.add_config('[k8s]\nns = "a"\n[api]\nurl = "u"\n[store.extra]\nx = 1\n')
    with pytest.raises(ConfigError) as raised:
        load_config(site.config)
    lines = str(raised.value).splitlines()
    assert [line.split(": ")[1] for line in lines] == ["[k8s]", "[api]", "store.extra"]


def test_the_bundled_config_and_the_demo_sandbox_config_load(tmp_path):
    from maintui.demo.sandbox import build_sandbox

    assert load_config(REPO / "config.toml").name == "starter"
    assert load_config(build_sandbox(tmp_path / "demo")).name == "demo"


@pytest.mark.parametrize("command", [[], ["history"], ["run", "s", "--yes"]])
def test_an_obvious_section_typo_says_the_fix_alone_at_its_line_wherever_the_config_is_read(
        site, capsys, command):
    """`[log]` for `[logs]`: the console, a run and the history point at the line as
    `validate` does, and say only the fix (the advice on [vars] is for a site's own tables)."""
    site.add_config('[log]\napp = "logs/app.log"\n')
    line = site.config.read_text().splitlines().index("[log]") + 1
    assert site.cli(*command) == 2
    err = capsys.readouterr().err
    assert f"{site.config}:{line}:2: [log]: unknown section; did you mean [logs]?\n" in err, err
    assert "[vars]" not in err and "Traceback" not in err
