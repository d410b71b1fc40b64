"""The CLI facing mistakes: what is not there, a broken config, a rollback or an incident
that needs confirming: exit codes, one-line messages naming the fix, nothing changed."""

from __future__ import annotations

import re

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
        # at its line and column, as `validate` says it, whichever command read the config
        assert re.search(rf"{re.escape(str(site.config))}:\d+:\d+: {re.escape(line)}",
                         result.stderr), result.stderr


def test_history_with_filters_that_match_nothing_says_so_not_that_there_are_no_runs(site, capsys):
    site.screen("undoable", UNDOABLE)
    assert site.cli("run", "undoable", "--yes") == 0
    capsys.readouterr()
    assert site.cli("history", "--state", "failed") == 0
    said = capsys.readouterr().out
    assert "no runs match --state failed in " in said and "no runs yet" not in said
    site.screen("other", UNDOABLE)  # a screen with no runs yet: nothing matches, no error
    assert site.cli("history", "--screen", "other") == 0
    assert "no runs match --screen other" in capsys.readouterr().out


def test_a_report_that_does_not_fit_says_to_free_space_not_to_fix_the_folder(site, tmp_path,
                                                                            monkeypatch, capsys):
    """A full disk is not a missing folder: the fix named is to free space."""
    import errno
    from pathlib import Path

    site.screen("undoable", UNDOABLE)
    assert site.cli("run", "undoable", "--yes") == 0

    def full(self, *args, **kw):
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(Path, "write_text", full)  # the disk fills as the report is written
    assert site.cli("report", "1", "--out", str(tmp_path / "r.md")) == 2
    said = capsys.readouterr().err
    assert "No space left on device; free space there, or give --out a path on another disk" \
        in said
    assert not (tmp_path / "r.md").exists()  # nothing half-written


def test_a_run_log_that_can_be_neither_written_nor_copied_says_so_without_a_traceback(site):
    """Full disk, temp folder on the same disk (here: a file-size limit on every write): the
    read-only fallback's private copy fails too; the operator reads why, not a traceback."""
    import resource

    site.screen("undoable", UNDOABLE)
    assert site.run("run", "undoable", "--yes").returncode == 0
    limit = lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (200, 200))  # noqa: E731
    result = site.run("history", preexec_fn=limit)
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert "reading it needs a private copy in " in result.stderr
    assert "free space and try again" in result.stderr


def test_a_rollback_writes_the_runs_report_again_with_its_new_outcome(site):
    """The report written when the run ended says `succeeded`; after `maintui rollback` the
    reports folder must not be left saying so."""
    import re

    site.screen("undoable", UNDOABLE)
    first = site.run("run", "undoable", "--yes")
    assert first.returncode == 0
    reports = site.root / "state" / "reports"
    [ended] = reports.glob("undoable-1-*.md")
    # as when the rollback comes minutes later: the run's report was named by another minute
    ended.rename(reports / "undoable-1-20000101-0000.md")
    rolled = site.run("rollback", "1", "--yes")
    assert rolled.returncode == 0, rolled.stderr
    said = re.search(r"^report: (.+\.md)$", rolled.stdout, re.M)
    assert said, rolled.stdout
    from pathlib import Path

    text = Path(said.group(1)).read_text()
    assert "rolled_back" in text and "run 1" in text
    # one file per run, named by the run's start: not the old report beside the new one
    assert list(reports.glob("undoable-1-*.md")) == [Path(said.group(1))]
    assert Path(said.group(1)).name == ended.name


def test_init_over_a_folder_with_a_screen_of_the_same_name_refuses_to_overwrite_it(tmp_path,
                                                                                   capsys):
    """No config.toml there yet, but the operator's own screens/daily.toml: init must not
    replace it silently."""
    from maintui.cli import main

    mine = tmp_path / "site" / "screens" / "daily.toml"
    mine.parent.mkdir(parents=True)
    mine.write_text('title = "mine"\n')
    assert main(["init", str(tmp_path / "site")]) == 2
    said = capsys.readouterr().err
    assert f"init would overwrite {mine}" in said and "--force" in said
    assert mine.read_text() == 'title = "mine"\n' and not (tmp_path / "site/config.toml").exists()
    assert main(["init", str(tmp_path / "site"), "--force"]) == 0
    assert mine.read_text() != 'title = "mine"\n'


def test_a_hint_naming_another_command_keeps_the_config_it_was_given(site, tmp_path):
    """Run with --config (cron, another folder), the command a message suggests must work
    pasted as it is: a bare `maintui history` there finds another site, or none."""
    import shlex

    me = f" --config {shlex.quote(str(site.config))}"
    site.screen("undoable", UNDOABLE)
    started = site.run("run", "undoable", "--yes", "--detach", cwd=tmp_path)
    assert started.returncode == 0, started.stderr
    assert f"`maintui attach 1{me}`" in started.stdout and f"`maintui show 1{me}`" in started.stdout
    missing = site.run("show", "99", cwd=tmp_path)
    assert missing.returncode == 2 and f"`maintui history{me}`" in missing.stderr


def test_attach_to_a_run_that_is_not_there_exits_2_before_the_console_opens(site):
    site.screen("undoable", UNDOABLE)
    assert site.run("run", "undoable", "--yes").returncode == 0
    result = site.run("attach", "99", timeout=30)
    assert result.returncode == 2 and "no run 99 in " in result.stderr, result.stderr
