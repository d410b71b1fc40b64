"""Without a config.toml anywhere: commands that act refuse and say how to start; the rest use
the user's state folder; nothing is ever written inside the installed package or its starter
site (its `reports = "reports"` and any run log would land there)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import maintui
from maintui.core.site.paths import starter_site

PACKAGE = Path(maintui.__file__).resolve().parent


def written(root: Path) -> set[str]:
    """Files under `root` a run could leave (reports, run logs, state), not the code itself."""
    if not root.is_dir():
        return set()
    return {str(p) for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts
            and p.suffix not in (".py", ".pyc", ".toml", ".typed")}


def watched() -> set[str]:
    starter = starter_site()
    return written(PACKAGE) | written(starter / "reports") | written(starter / "state")


@pytest.fixture
def nowhere(tmp_path):
    """`maintui ARGS` with HOME and the XDG folders in tmp, run from an empty folder."""
    home, cwd = tmp_path / "home", tmp_path / "empty"
    home.mkdir()
    cwd.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "MAINTUI_CONFIG"}
    env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / "config"),
               XDG_STATE_HOME=str(home / "state"), XDG_DATA_HOME=str(home / "data"))

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "maintui", *args], cwd=cwd, env=env,
                              capture_output=True, text=True, timeout=60,
                              stdin=subprocess.DEVNULL)

    run.state = home / "state" / "maintui"  # type: ignore[attr-defined]
    return run


@pytest.mark.parametrize("args", [("run", "daily", "--yes"), ("run", "daily", "--detach"),
                                  ("resume", "1"), ("rollback", "1", "--yes"), ("serve",),
                                  ("triage",), ("attach",)])
def test_a_command_that_acts_refuses_and_says_how_to_start(nowhere, args):
    before = watched()
    result = nowhere(*args)
    assert result.returncode == 2, result.stderr
    assert "no config.toml found" in result.stderr and "maintui init DIR" in result.stderr
    assert watched() == before
    assert not nowhere.state.exists()


def test_reading_and_incidents_use_the_user_state_folder_never_the_package(nowhere):
    before = watched()
    assert nowhere("run", "daily", "--dry-run").returncode == 0  # prints; touches nothing
    opened = nowhere("incident", "open", "API answers 502")
    assert opened.returncode == 0, opened.stderr
    assert nowhere("incidents").stdout.count("API answers 502") == 1
    assert nowhere("history").returncode == 0
    assert watched() == before
    assert (nowhere.state / "runlog.db").is_file()  # the run log is the user's, per platformdirs


def test_the_starter_site_resolves_reports_and_run_log_to_the_user_state_folder(monkeypatch,
                                                                             tmp_path):
    from maintui.core.site.config import load_config

    monkeypatch.delenv("MAINTUI_CONFIG", raising=False)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.chdir(tmp_path)
    config = load_config(None)
    assert config.found_by == "starter site"
    assert config.reports_dir == tmp_path / "state" / "maintui" / "reports"
    assert config.store_path == tmp_path / "state" / "maintui" / "runlog.db"


def test_a_missing_file_named_by_maintui_config_says_the_variable_named_it(tmp_path, monkeypatch,
                                                                           capsys):
    from maintui.cli import main

    monkeypatch.setenv("MAINTUI_CONFIG", str(tmp_path / "gone.toml"))
    assert main(["history"]) == 2
    said = capsys.readouterr().err
    assert f"{tmp_path / 'gone.toml'}: file not found, named by $MAINTUI_CONFIG" in said
    assert "unset it" in said
