"""How one run is driven: who starts it, how its gates are answered, which steps it runs."""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass, field


@dataclass
class RunOptions:
    """Shared by the runner and its collaborators: a hang-up switches `gates` mid-run."""

    gates: str = "log"           # yes | log | tty | none
    user: str = field(default_factory=getpass.getuser)
    client: str = field(default_factory=lambda: os.environ.get("SSH_CLIENT", "").split(" ")[0])
    vars: dict[str, str] = field(default_factory=dict)
    incident: str | None = None
    mode: str = "foreground"
    reason: str = ""             # why the run starts outside the screen's window
    only: list[str] = field(default_factory=list)  # step ids or `tag:NAME`; empty = every step
