"""One play over ansible-runner: a playbook or a shell command on a list of hosts.

Events are handed on as ansible-runner reports them (its `event_handler`), not read back
after the play. Cancelling goes through `cancel_callback` only: passing one keeps
ansible-runner from installing its own SIGINT/SIGTERM handlers, which belong to the runner.
"""

from __future__ import annotations

import json
import os
import shlex
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from maintui.core.fleet.results import HostEvent, HostResult, HostTally
from maintui.core.fleet.settings import FleetSettings
from maintui.core.fleet.tools import ansible_env, ansible_tool

EventSink = Callable[[HostEvent], None]


@dataclass(frozen=True)
class Play:
    """What to run where: `playbook`, or `command` through ansible.builtin.shell."""

    hosts: list[str]
    ident: str
    playbook: Path | None = None
    command: str | None = None
    title: str = "maintui step"
    environment: dict[str, str] = field(default_factory=dict)
    extravars: dict[str, Any] = field(default_factory=dict)
    check: bool = False
    timeout: float | None = None


@dataclass
class PlayOutcome:
    """How the play ended and each host's result."""

    status: str  # ansible-runner's: successful, failed, timeout, canceled
    rc: int | None
    results: dict[str, HostResult]
    seconds: float

    @property
    def cancelled(self) -> bool:
        return self.status == "canceled"

    @property
    def timed_out(self) -> bool:
        return self.status == "timeout"


def _unsafe(text: str) -> str:
    # `!unsafe`: Ansible must not expand `{{ }}` in what the operator wrote as a shell command
    return "!unsafe " + json.dumps(text)


def shell_playbook(play: Play, folder: Path) -> Path:
    """A one-task playbook running `play.command`, written to the private data folder."""
    env = "".join(f"\n        {json.dumps(k)}: {_unsafe(v)}" for k, v in play.environment.items())
    text = (f"- hosts: all\n  gather_facts: false\n  tasks:\n"
            f"    - name: {json.dumps(play.title)}\n"
            f"      ansible.builtin.shell: {_unsafe(play.command or '')}\n"
            + (f"      environment:{env}\n" if env else ""))
    path = folder / "project" / f"{play.ident}.yml"
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    path.write_text(text)
    return path


def _vars_file(folder: Path, play: Play) -> Path:
    """Extra vars in a file only we can read: on the command line, `ps` would show secrets."""
    path = folder / "vars" / f"{play.ident}.json"
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        json.dump(play.extravars, out, default=str)
    return path


def run_play(settings: FleetSettings, play: Play, on_event: EventSink,
             cancelled: Callable[[], bool]) -> PlayOutcome:
    """Run the play (blocking: call it in a worker thread) and return each host's result."""
    import ansible_runner  # imported on use: only sites with a fleet pay for it

    folder = settings.private_data_dir
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)  # extravars may hold secrets
    playbook = play.playbook or shell_playbook(play, folder)
    tally = HostTally()

    def handle(event: dict[str, Any]) -> bool:
        found = tally.feed(event)
        if found is not None:
            on_event(found)
        return True

    envvars = {"ANSIBLE_TIMEOUT": str(settings.timeout),
               # ansible-playbook beside this Python first: a venv is often not on PATH
               "PATH": os.pathsep.join([str(Path(ansible_tool("ansible-playbook")).parent),
                                        os.environ.get("PATH", "")])}
    if settings.become:
        envvars["ANSIBLE_BECOME"] = "True"
    args = ["--check", "--diff"] if play.check else []
    if play.extravars:
        args += ["-e", "@" + str(_vars_file(folder, play))]
    started = time.monotonic()
    try:
        runner = ansible_runner.run(
            private_data_dir=str(folder), playbook=str(playbook),
            inventory=str(settings.inventory), limit=",".join(play.hosts), forks=settings.forks,
            envvars=ansible_env(envvars), cmdline=shlex.join(args) if args else None,
            ident=play.ident, quiet=True, event_handler=handle, cancel_callback=cancelled,
            timeout=play.timeout, rotate_artifacts=20, suppress_env_files=True)
    finally:
        (folder / "vars" / f"{play.ident}.json").unlink(missing_ok=True)
    for host in play.hosts:  # hosts that never answered (the play was cut short) still count
        tally.hosts.setdefault(host, HostResult(host))
    return PlayOutcome(str(runner.status), runner.rc, tally.finish(),
                       time.monotonic() - started)
