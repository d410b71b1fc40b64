"""`maintui completion`: the bash script completes commands, options, screens and run ids when
bash calls its function (COMP_WORDS set, as bash does on TAB); zsh and fish scripts are built."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HELLO = """
title = "Hello"
[[steps]]
id = "hi"
title = "Say hi"
run = "echo hi"
risk = "safe"
"""


def script(site, shell: str) -> str:
    done = site.run("completion", shell)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def bash_complete(site, tmp_path):
    """complete(*words) -> what bash offers for the last word, the script sourced in bash."""
    path = tmp_path / "maintui.bash"
    path.write_text(script(site, "bash"))
    exe = tmp_path / "maintui"  # the command as the operator typed it: the script calls it back
    exe.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m maintui "$@"\n')
    exe.chmod(0o755)

    def complete(*words: str) -> list[str]:
        line = " ".join(f"'{w}'" for w in (str(exe), "--config", str(site.config), *words))
        code = (f"source '{path}'; COMP_WORDS=({line}); COMP_CWORD=$((${{#COMP_WORDS[@]}} - 1));"
                ' _maintui; printf "%s\\n" "${COMPREPLY[@]}"')
        done = subprocess.run(["bash", "--norc", "--noprofile", "-c", code], capture_output=True,
                              text=True, timeout=60, cwd=tmp_path)
        assert done.returncode == 0 and not done.stderr, done.stderr
        return [w for w in done.stdout.splitlines() if w]

    return complete


def test_bash_completes_commands_and_a_commands_options(bash_complete):
    assert bash_complete("hi") == ["history"]
    assert set(bash_complete("")) >= {"run", "show", "validate", "completion", "--config"}
    assert set(bash_complete("run", "--d")) == {"--dry-run", "--detach", "--detached"}
    assert bash_complete("completion", "") == ["bash", "zsh", "fish"]


def test_bash_completes_screen_names_from_the_site(site, bash_complete):
    site.screen("hello", HELLO)
    site.screen("health", HELLO)
    assert bash_complete("run", "he") == ["health", "hello"]
    assert bash_complete("history", "--screen", "hel") == ["hello"]
    assert bash_complete("run", "hello", "") == []  # run takes one screen


def test_bash_completes_run_ids_from_the_run_log(site, bash_complete):
    site.screen("hello", HELLO)
    assert bash_complete("show", "") == []  # no run log yet: nothing, and no error
    for _ in range(2):
        assert site.run("run", "hello", "--yes").returncode == 0
    assert sorted(bash_complete("show", "")) == ["1", "2"]
    assert bash_complete("report", "2") == ["2"]


def test_bash_completes_paths_for_options_that_take_a_file(bash_complete, tmp_path):
    (tmp_path / "other-config.toml").write_text("")
    assert bash_complete("--config", "other-") == ["other-config.toml"]


def test_a_site_that_cannot_be_read_completes_nothing_and_prints_nothing(tmp_path):
    done = subprocess.run([sys.executable, "-m", "maintui", "--config",
                           str(tmp_path / "missing.toml"), "completion", "--words", "screens"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout == "" and done.stderr == ""


def test_zsh_and_fish_scripts_name_every_command_and_call_back_for_screens(site):
    zsh, fish = script(site, "zsh"), script(site, "fish")
    assert zsh.startswith("#compdef maintui") and "completion --words" in zsh
    assert "complete -c maintui -n __fish_use_subcommand -a run" in fish
    assert "(__maintui_words screens)" in fish
    for shell, text in (("zsh", zsh), ("fish", fish)):
        if shutil.which(shell):  # a syntax check where the shell is installed
            path = Path(site.root / f"c.{shell}")
            path.write_text(text)
            flag = ["-n"] if shell == "zsh" else ["--no-execute"]
            assert subprocess.run([shell, *flag, str(path)]).returncode == 0
