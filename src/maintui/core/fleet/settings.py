"""`[fleet]` of config.toml: the inventory and the defaults of every play."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from maintui.core.errors import ConfigError

if TYPE_CHECKING:
    from maintui.core.site.config import SiteConfig

LIMIT_VAR = "fleet.limit"  # `maintui run --limit` arrives as this variable (see docs/fleet.md)


@dataclass(frozen=True)
class FleetSettings:
    """Where the inventory is and how plays run (forks, connection timeout, become)."""

    inventory: Path
    private_data_dir: Path
    forks: int = 5
    timeout: int = 10  # seconds to connect to a host (ANSIBLE_TIMEOUT)
    become: bool = False
    limit: str | None = None

    @classmethod
    def from_config(cls, config: SiteConfig) -> FleetSettings:
        table = config.data.get("fleet")
        if not isinstance(table, dict) or "inventory" not in table:
            raise ConfigError(f"{config.path}: a step runs on hosts but [fleet] names no "
                              "inventory; add [fleet] inventory = \"inventory.ini\"")
        inventory = config.root / Path(str(table["inventory"])).expanduser()
        if not inventory.exists():
            raise ConfigError(f"{config.path}: fleet.inventory: {inventory} does not exist")
        private = table.get("private_data_dir") or config.state_dir / "fleet"
        return cls(inventory=inventory.resolve(), private_data_dir=Path(private),
                   forks=int(table.get("forks", 5)), timeout=int(table.get("timeout", 10)),
                   become=bool(table.get("become", False)),
                   limit=config.overrides.get(LIMIT_VAR) or None)
