"""The operator's own console preferences (the theme), remembered in the user's state folder."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FILE = "console.json"


def default_path() -> Path:
    """`console.json` in the user's state folder (platformdirs), not the site's."""
    from maintui.core.site.paths import user_state_dir

    return user_state_dir() / FILE


def load(path: Path | None) -> dict[str, Any]:
    """The saved preferences; {} when none, or when the file cannot be read (never fatal)."""
    if path is None:
        return {}
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def save(path: Path | None, **changes: Any) -> None:
    """Merge `changes` into the file; a read-only home only loses the preference."""
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({**load(path), **changes}, indent=1, sort_keys=True))
    except OSError:
        pass
