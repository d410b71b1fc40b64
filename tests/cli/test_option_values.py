"""Every option with a fixed set of values: a bad value exits 2 and names the valid ones, before
anything runs or is written."""

from __future__ import annotations

import pytest

from maintui.cli import main

SCREEN = """
title = "Checks"
[[steps]]
id = "disk"
title = "Disk"
run = "true"
tags = ["check"]
[[steps]]
id = "touch"
title = "Leave a mark"
run = "touch marked"
cwd = "{root}"
"""


def exit_code(args: list[str]) -> int:
    """main()'s code, also when argparse stops it (SystemExit)."""
    try:
        return main(args)
    except SystemExit as stop:
        return int(stop.code or 0)


# (argv after --config, what the error must name: the bad value's valid values)
BAD = {
    "history --state": (["history", "--state", "bogus"], ["succeeded", "rolled_back"]),
    "history --limit": (["history", "--limit", "-3"], ["whole numbers from 1"]),
    "history --screen": (["history", "--screen", "bogus"], ["screens: checks"]),
    "history --screen typo": (["history", "--screen", "chekcs"], ["did you mean 'checks'?"]),
    "history --screen --json": (["history", "--json", "--screen", "bogus"], ["screens: checks"]),
    "history --limit text": (["history", "--limit", "ten"], ["whole numbers from 1"]),
    "incidents --state": (["incidents", "--state", "bogus"], ["open", "closed"]),
    "incidents --limit": (["incidents", "--limit", "0"], ["whole numbers from 1"]),
    "incident open --severity": (["incident", "open", "x", "--severity", "sev9"],
                                 ["sev1", "sev4"]),
    "--theme": (["--theme", "bogus", "history"], ["textual-dark", "nord"]),
    "resume --choice": (["resume", "1", "--choice", "bogus"], ["resume", "rollback"]),
    "completion shell": (["completion", "tcsh"], ["bash", "zsh", "fish"]),
    "completion --words": (["completion", "--words", "bogus"], ["screens", "runs", "actions"]),
    "schema": (["schema", "bogus"], ["screen", "config"]),
    "serve --port": (["serve", "--port", "99999"], ["1-65535"]),
    "run --only id": (["run", "checks", "--only", "dsk", "--yes"], ["steps: disk, touch"]),
    "run --only tag": (["run", "checks", "--only", "tag:chek", "--yes"], ["tags: tag:check"]),
    "run --only, dry run": (["run", "checks", "--only", "dsk", "--dry-run"], ["steps: disk"]),
    "run --only, detached": (["run", "checks", "--only", "dsk", "--detach"], ["steps: disk"]),
    # an empty shell variable (`--only "$STEPS"`) must not widen the run to every step
    "run --only empty": (["run", "checks", "--only", "", "--yes"], ["no step id or tag given"]),
    "run --only comma": (["run", "checks", "--only", ",", "--yes"], ["no step id or tag given"]),
}


@pytest.mark.parametrize("name", list(BAD))
def test_a_bad_value_exits_2_naming_the_valid_values(site, capsys, name):
    site.screen("checks", SCREEN.format(root=site.root))
    argv, named = BAD[name]
    assert exit_code(["--config", str(site.config), *argv]) == 2
    err = capsys.readouterr().err
    for text in named:
        assert text in err, err
    assert not (site.root / "marked").exists()  # refused before any step ran
    assert not site.db.exists() or name.startswith(("incident", "history", "resume"))


def test_a_good_value_of_each_still_works(site, capsys):
    site.screen("checks", SCREEN.format(root=site.root))
    config = ["--config", str(site.config)]
    assert exit_code([*config, "--theme", "nord", "run", "checks", "--only", "tag:check",
                      "--yes", "--quiet"]) == 0
    assert not (site.root / "marked").exists()  # --only tag:check ran disk alone
    assert exit_code([*config, "history", "--limit", "1", "--state", "succeeded"]) == 0
    assert "checks" in capsys.readouterr().out
    assert exit_code([*config, "incidents", "--state", "open", "--limit", "5"]) == 0


# values that parse but name nothing the run could use: refused the same way (exit 2)
MISFIT = {
    "run --limit, no step on hosts": (["run", "checks", "--limit", "web1", "--yes"],
                                      ["--limit applies to steps with hosts",
                                       "screen checks has none"]),
    "run --limit, dry run": (["run", "checks", "--limit", "web1", "--dry-run"],
                             ["screen checks has none"]),
    "run --only, id matched, tag unknown": (["run", "checks", "--only", "touch,tag:nope",
                                             "--yes"], ["tag:nope", "tags: tag:check",
                                                        "steps: disk, touch"]),
    "run --only, tag matched, tag unknown": (["run", "checks", "--only", "tag:check,tag:nope",
                                              "--dry-run"], ["tag:nope", "tags: tag:check"]),
    "run --var over a table": (["run", "checks", "--var", "vars.health=3", "--yes"],
                               ["vars.health is a table", "vars.health.disk",
                                "vars.health.load", "config.toml"]),
    # a typo of a key config.toml has; and a key nothing has or reads, refused as unknown
    # before its value is judged as a secret (the name ends in KEY)
    "run --var typo": (["run", "checks", "--var", "app.greting=hi", "--yes"],
                       ["--var app.greting: no key app.greting in", "config.toml",
                        "screen checks", "did you mean --var app.greeting=…?"]),
    "run --var unknown, secret-named": (["run", "checks", "--var", "nosuch.key=1", "--yes"],
                                        ["--var nosuch.key: no key nosuch.key",
                                         "it would set nothing"]),
}


@pytest.mark.parametrize("name", list(MISFIT))
def test_a_value_that_fits_nothing_exits_2_naming_what_does(site, capsys, name):
    site.screen("checks", SCREEN.format(root=site.root))
    site.add_config("[vars.health]\ndisk = 90\nload = 4\n")
    argv, named = MISFIT[name]
    assert exit_code(["--config", str(site.config), *argv]) == 2
    err = capsys.readouterr().err
    for text in named:
        assert text in err, err
    assert "Traceback" not in err
    assert not (site.root / "marked").exists()  # refused before any step ran
    assert not site.db.exists()


def test_a_var_of_a_new_key_the_screen_or_a_screen_it_includes_reads_is_kept(site, capsys):
    site.screen("inner", 'title = "i"\n[[steps]]\nid = "b"\ntitle = "B"\n'
                f'run = "touch inner-${{vars.other}}"\ncwd = "{site.root}"\n')
    site.screen("checks", SCREEN.format(root=site.root).replace(
        'run = "touch marked"', 'run = "touch marked-${vars.greeting}"')
        + '[[steps]]\nid = "in"\ntitle = "In"\ninclude = "inner"\n')
    argv = ["--config", str(site.config), "run", "checks", "--yes", "--quiet",
            "--var", "vars.greeting=hi", "--var", "vars.other=yo"]
    assert exit_code(argv) == 0, capsys.readouterr().err
    assert (site.root / "marked-hi").exists() and (site.root / "inner-yo").exists()


def test_a_var_on_a_key_of_the_table_still_works(site):
    site.screen("checks", SCREEN.format(root=site.root).replace(
        'run = "touch marked"', 'run = "touch marked-${vars.health.disk}"'))
    site.add_config("[vars.health]\ndisk = 90\n")
    assert exit_code(["--config", str(site.config), "run", "checks", "--var",
                      "vars.health.disk=3", "--yes", "--quiet"]) == 0
    assert (site.root / "marked-3").exists()


def test_a_missing_folder_given_by_var_is_not_blamed_on_config_toml(site):
    """A path that comes from `--var` (or the step's `with`) is not "the path in
    config.toml": the message names every place the path may have come from."""
    site.screen("tidy", 'title = "t"\n[[steps]]\nid = "rotate"\ntitle = "Rotate"\n'
                'action = "logs.rotate"\nwith = { dir = "${vars.logdir}" }\n')
    result = site.run("run", "tidy", "--dry-run", "--var", f"vars.logdir={site.root}/nowhere")
    shown = result.stdout + result.stderr
    assert "nowhere: log folder not found" in shown
    assert "--var value it reads" in shown and "path in config.toml" not in shown
