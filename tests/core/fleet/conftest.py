"""A site with a [fleet]: the test inventory (local hosts under several names, one dead)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

DATA = Path(__file__).parents[2] / "data" / "fleet"

FLEET = """
[fleet]
inventory = "inventory.ini"
forks = 10
timeout = 5

[env]
GREETING = "hello from the site"
"""


@pytest.fixture
def fleet_site(site):
    """The shared temporary site plus [fleet], the inventory and the playbooks beside it."""
    pytest.importorskip("ansible_runner")
    for name in ("inventory.ini", "touch.yml"):
        shutil.copy(DATA / name, site.root / name)
    site.config.write_text(site.config.read_text() + FLEET)
    return site


def playbook_screen(site, risk: str = "safe", **with_: str) -> None:
    """Screen `play`: one step of `risk` running ansible.playbook with `with_` (TOML values,
    e.g. hosts='"web"'); the playbook is touch.yml unless `playbook` is given."""
    keys = {"playbook": '"touch.yml"', **with_}
    site.screen("play", f"""
        title = "Play"
        [[steps]]
        id = "play"
        title = "Play a playbook"
        risk = "{risk}"
        action = "ansible.playbook"
        [steps.with]
    """ + "".join(f"        {k} = {v}\n" for k, v in keys.items()))
