"""The wheel carries the starter site: build it, install it in a fresh venv, run it elsewhere."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_installed_wheel_validates_and_dry_runs_the_starter_site_from_an_empty_folder(tmp_path):
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir",
                    str(dist), str(ROOT)], check=True, capture_output=True)
    wheel = next(dist.glob("maintui-*.whl"))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    py = venv / "bin" / "python"
    # the dependencies come from this environment (a .pth line, read only for imports: the
    # checkout's editable hook is not activated by it); maintui itself only from the wheel
    purelib = subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()"
                              "['purelib'])"], capture_output=True, text=True, check=True)
    deps = sysconfig.get_paths()["purelib"]
    Path(purelib.stdout.strip(), "deps-from-test.pth").write_text(deps + "\n")
    subprocess.run([str(py), "-m", "pip", "install", "--no-deps", "--no-index", "-q", str(wheel)],
                   check=True)
    empty = tmp_path / "empty"
    empty.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "MAINTUI_CONFIG"}
    env["XDG_CONFIG_HOME"] = str(tmp_path / "xdg-config")
    env["XDG_STATE_HOME"] = str(tmp_path / "xdg-state")
    env["PYTHONPATH"] = ""
    exe = venv / "bin" / "maintui"
    where = subprocess.run([str(py), "-c", "import maintui, sys; print(maintui.__file__)"],
                           cwd=empty, env=env, capture_output=True, text=True, check=True)
    assert str(venv) in where.stdout, "the test must run the installed copy, not the checkout"
    check = subprocess.run([str(exe), "validate"], cwd=empty, env=env, capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    assert "daily" in check.stdout
    dry = subprocess.run([str(exe), "run", "daily", "--dry-run"], cwd=empty, env=env,
                         capture_output=True, text=True)
    assert dry.returncode == 0, dry.stderr
    assert "Dry run of daily" in dry.stdout
    init = subprocess.run([str(exe), "init", str(tmp_path / "site")], cwd=empty, env=env,
                          capture_output=True, text=True)
    assert init.returncode == 0 and (tmp_path / "site" / "screens" / "daily.toml").is_file()
