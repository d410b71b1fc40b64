"""The site's maintenance state (`maintenance.json`): read by the console and the checks,
written by the maintenance actions, atomically and privately."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from maintui.core.errors import ActionError
from maintui.core.files import write_private
from maintui.core.site.paths import MAINTENANCE_FILE, maintenance_file

FILE = MAINTENANCE_FILE
OFF: dict[str, Any] = {"on": False}


def read_maintenance(state_dir: Path) -> dict[str, Any]:
    """The site's maintenance state ({"on": False} when never set); never raises on bad files."""
    path = maintenance_file(state_dir)
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        return dict(OFF)
    except (OSError, ValueError) as exc:
        return {**OFF, "error": f"{path}: unreadable ({exc})"}
    return data if isinstance(data, dict) and "on" in data else {**OFF, "error": f"{path}: not a state"}


def write_maintenance(state_dir: Path, state: dict[str, Any]) -> Path:
    """Replace the state atomically, so a reader never sees half a file."""
    folder = Path(state_dir)
    try:  # 0600 in a 0700 folder, written beside and renamed: a reader never sees half
        write_private(folder / FILE, json.dumps(state, indent=1, sort_keys=True))
    except OSError as exc:
        raise ActionError(f"cannot write {folder / FILE}: {exc}; check the state folder "
                          "([store] path) is writable") from None
    return folder / FILE
