"""The CLI facing mistakes: what is not there, a broken config, a rollback or an incident
that needs confirming: exit codes, one-line messages naming the fix, nothing changed."""

from __future__ import annotations

UNDOABLE = """
title = "Undoable"
[[steps]]
id = "make"
title = "Make a file"
run = "echo made > ${paths.work}/made"
rollback = "rm ${paths.work}/made"
risk = "safe"
[[steps]]
id = "note"
title = "Say something"
run = "echo said"
risk = "safe"
after = ["make"]
"""


def test_an_unknown_run_and_an_unwritable_report_path_exit_2_with_the_fix(site, tmp_path):
    site.screen("undoable", UNDOABLE)
    assert site.run("run", "undoable", "--yes").returncode == 0
    for args, says in ((("show", "99"), "no run 99 in "),
                       (("report", "99"), "no run 99 in "),
                       (("report", "1", "--out", str(tmp_path / "missing" / "r.md")),
                        "cannot write the report to ")):
        result = site.run(*args)
        assert result.returncode == 2, (args, result.stderr)
        assert says in result.stderr and "Traceback" not in result.stderr, result.stderr
    assert site.run("report", "1", "--out", str(tmp_path / "r.md")).returncode == 0
    assert "Undoable" in (tmp_path / "r.md").read_text()


def test_rollback_lists_what_it_undoes_and_asks_before_it_changes_anything(site):
    site.screen("undoable", UNDOABLE)
    assert site.run("run", "undoable", "--yes").returncode == 0
    made = site.root / "work" / "made"
    dry = site.run("rollback", "1", "--dry-run")
    assert dry.returncode == 0 and made.exists()
    assert "note: nothing to run: this step has no undo" in dry.stdout
    assert "make: rm " in dry.stdout and dry.stdout.index("note:") < dry.stdout.index("make:")
    refused = site.run("rollback", "1")  # no terminal, no --yes
    assert refused.returncode == 3 and "pass --yes" in refused.stderr and made.exists()
    assert site.run("rollback", "1", "--yes").returncode == 0
    assert not made.exists()
    again = site.run("rollback", "1", "--yes")
    assert again.returncode == 0 and "no completed step to undo" in again.stdout


def test_a_run_for_an_unknown_or_closed_incident_is_refused_before_it_starts(site):
    site.screen("undoable", UNDOABLE)
    unknown = site.run("run", "undoable", "--yes", "--incident", "INC-19990101-000000")
    assert unknown.returncode == 2 and "no incident 'INC-19990101-000000'" in unknown.stderr
    opened = site.run("incident", "open", "Disk filling")
    inc_id = opened.stdout.split()[0]  # the id alone, for scripts
    assert site.run("incident", "close", inc_id, "--summary", "done").returncode == 0
    closed = site.run("run", "undoable", "--yes", "--incident", inc_id)
    assert closed.returncode == 2 and "was closed" in closed.stderr
    assert not (site.root / "work" / "made").exists()


def test_a_broken_config_names_every_key_and_the_fix_without_a_traceback(site):
    text = site.config.read_text().replace('[store]\npath = "state/runlog.db"',
                                           '[store]\npaht = "state/runlog.db"')
    site.config.write_text(text.replace('[site]\n', '[site]\nproduction = "yes"\nscreens = 5\n')
                           + "\n[masking]\npatterns = 'bearer'\n")
    result = site.run("history")
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    for line in ("store.paht: unknown key; did you mean 'path'?",
                 "site.production: expected true or false, got 'yes'",
                 "site.screens: expected a string, got 5",
                 "masking.patterns: expected a list of strings, got 'bearer'"):
        assert f"{site.config}: {line}" in result.stderr, result.stderr
