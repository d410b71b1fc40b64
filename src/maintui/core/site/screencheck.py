"""Checking the site's screen files for the console: in a child process (`maintui validate
--json`) while the screen model is not loaded, here once it is.

The model (pydantic and every action's parameter schema) costs ~11 MiB that a console only
looking at its dashboard would never get back; a child checks the files and exits with it.
Once a session or a run has loaded the model anyway, checking here costs nothing more.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from maintui.core.site.listing import Checked, entry_of, from_json

if TYPE_CHECKING:
    from maintui.core.site.config import SiteConfig

MODEL = "maintui.core.site.model"
TIMEOUT = 60.0  # a child checking a few dozen files takes well under a second


def check_here(config: SiteConfig, paths: list[Path]) -> Checked:
    """Load and check each file in this process (one broken file does not hide the others)."""
    from maintui.core.site.screenfile import load_screen_file

    screens, problems = [], []
    for path in paths:
        screen, found = load_screen_file(path, config)
        problems += [str(p) for p in found]
        if screen is not None and not found:
            screens.append(entry_of(screen))
    return Checked(tuple(screens), tuple(problems))


def check_in_child(config_path: Path, paths: list[Path]) -> Checked:
    """The same check by `maintui validate --json` in a child process; its memory goes with it.
    A child that cannot check (a config.toml broken since the console started) is one problem."""
    argv = [sys.executable, "-m", "maintui", "validate", "--json", "--config", str(config_path),
            *map(str, paths)]
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=TIMEOUT,
                              stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return Checked((), (f"screen files not checked: {exc}",))
    try:
        return from_json(done.stdout)
    except (ValueError, KeyError, TypeError):
        said = done.stderr.strip().removeprefix("maintui: ") or f"exit status {done.returncode}"
        return Checked((), (f"screen files not checked: {said}",))


def check(config: SiteConfig, paths: list[Path]) -> Checked:
    """Check the files here when the model is loaded or there is no config file to hand a
    child; in a child otherwise."""
    if not paths:
        return Checked((), ())
    if MODEL in sys.modules or config.path is None or not Path(config.path).is_file():
        return check_here(config, paths)
    return check_in_child(Path(config.path), paths)
