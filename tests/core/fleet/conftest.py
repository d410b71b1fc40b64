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
