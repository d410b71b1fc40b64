"""Where things live: config discovery, the starter site, state folders (the seam tests patch)."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "maintui"
CONFIG_ENV = "MAINTUI_CONFIG"
MAINTENANCE_FILE = "maintenance.json"


def starter_site() -> Path:
    """The starter site: inside the wheel, or the source tree for an editable checkout."""
    here = Path(__file__).resolve().parents[2]  # src/maintui
    packaged = here / "site"
    if (packaged / "config.toml").is_file():
        return packaged
    source = here.parent.parent  # repo root for an editable install
    return source


def user_config_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME))


def user_state_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_state_dir(APP_NAME))


def search_directories() -> list[Path]:
    """Config files in the documented order after --config and $MAINTUI_CONFIG."""
    return [
        Path.cwd() / "config.toml",
        user_config_dir() / "config.toml",
        Path("/etc/maintui/config.toml"),
    ]


def find_config(explicit: str | os.PathLike | None = None) -> tuple[Path, str]:
    """Return (config path, how it was found). Falls back to the starter site."""
    if explicit:
        return Path(explicit).expanduser().resolve(), "--config"
    env = os.environ.get(CONFIG_ENV)
    if env:
        return Path(env).expanduser().resolve(), f"${CONFIG_ENV}"
    for candidate in search_directories():
        if candidate.is_file():
            return candidate.resolve(), "search"
    return starter_site() / "config.toml", "starter site"


def run_dir(state_dir: Path, run_id: int | str) -> Path:
    """A run's own folder (scratch files, backups an undo needs) under the state folder."""
    return Path(state_dir) / "runs" / str(run_id)


def maintenance_file(state_dir: Path) -> Path:
    """The site's maintenance state, shared by the actions, preconditions and the console."""
    return Path(state_dir) / MAINTENANCE_FILE
