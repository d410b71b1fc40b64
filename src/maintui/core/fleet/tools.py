"""Finding Ansible's commands beside the Python that runs maintui, and their environment."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path


def ansible_tool(name: str) -> str:
    """`ansible-playbook` & co. from this interpreter's bin folder (a venv is often not on
    PATH when maintui runs from cron), else from PATH."""
    beside = Path(sys.executable).parent / name
    if beside.exists():
        return str(beside)
    found = shutil.which(name)
    if found is None:
        raise FileNotFoundError(f"{name} not found: install the fleet extra "
                                "(pip install 'maintui[fleet]')")
    return found


def ansible_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for Ansible: ours, no colour (output is stored), plus `extra`."""
    env = dict(os.environ)
    env.update({"ANSIBLE_NOCOLOR": "1", "ANSIBLE_FORCE_COLOR": "0", "ANSIBLE_RETRY_FILES_ENABLED": "0"})
    env.update(extra or {})
    return env
