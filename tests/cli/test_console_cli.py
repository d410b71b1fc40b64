"""The console's commands facing a newcomer: the demo says where it is, no site is refused with
how to start, and a bad option value exits 2 naming the valid ones."""

from __future__ import annotations

import os
import subprocess
import sys

from maintui.cli import main


def test_quitting_the_demo_prints_the_sandbox_and_the_command_that_reopens_it(tmp_path,
                                                                              monkeypatch, capsys):
    monkeypatch.setattr("maintui.cli.commands_site.cmd_console", lambda args: 0)
    monkeypatch.setattr("maintui.demo.sandbox.start_log_writer", lambda root: None)
    sandbox = tmp_path / "demo"
    assert main(["demo", "--path", str(sandbox)]) == 0
    out = capsys.readouterr().out
    assert f"demo sandbox kept in {sandbox}" in out
    assert f"reopen it: maintui --config {sandbox / 'config.toml'}" in out


def test_the_console_without_a_config_refuses_and_says_how_to_start(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "MAINTUI_CONFIG"}
    env.update(HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path / "cfg"),
               XDG_STATE_HOME=str(tmp_path / "state"))
    result = subprocess.run([sys.executable, "-m", "maintui"], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert result.returncode == 2, result.stderr
    assert "no config.toml found" in result.stderr and "maintui init DIR" in result.stderr


def test_a_bad_history_state_exits_2_with_the_valid_states(site):
    result = site.run("history", "--state", "bogus")
    assert result.returncode == 2
    assert "invalid choice: 'bogus'" in result.stderr and "succeeded" in result.stderr


def test_a_bad_key_in_the_keys_table_stops_the_console_with_exit_2_naming_it(site):
    with site.config.open("a") as fh:
        fh.write('\n[keys]\n"rows.cursor_dwn" = "j"\n')
    result = site.run("console")
    assert result.returncode == 2
    assert f"{site.config}: [keys] 'rows.cursor_dwn': no such binding; did you mean " \
        "'rows.cursor_down'?" in result.stderr


def test_validate_checks_the_keys_table_too_before_the_console_meets_it(site):
    with site.config.open("a") as fh:
        fh.write('\n[keys]\n"rows.cursor_dwn" = "j"\n')
    result = site.run("validate")
    assert result.returncode == 2
    assert "[keys] 'rows.cursor_dwn': no such binding" in result.stderr
