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

from maintui.core.errors import ConfigError
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


def _unsafe(value: str) -> dict[str, str]:
    # Ansible's JSON marker for a value it must never template: what the operator wrote as
    # a shell command may contain `{{` and is not Jinja
    return {"__ansible_unsafe": value}


SHELL_PLAYBOOK = """- hosts: all
  gather_facts: false
  tasks:
    - name: {title}
      ansible.builtin.shell:
        cmd: "{{{{ maintui_command }}}}"
      environment: "{{{{ maintui_environment }}}}"
"""


def shell_play(play: Play, folder: Path) -> tuple[Path, dict[str, Any]]:
    """A one-task playbook for `play.command`, and the extra vars that carry the command and
    its environment (in the private vars file, so a secret in them is not in the playbook)."""
    path = folder / "project" / f"{play.ident}.yml"
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    path.write_text(SHELL_PLAYBOOK.format(title=json.dumps(play.title)))
    extravars = {"maintui_command": _unsafe(play.command or ""),
                 "maintui_environment": {k: _unsafe(v) for k, v in play.environment.items()}}
    return path, extravars


def _vars_file(folder: Path, ident: str, extravars: dict[str, Any]) -> Path:
    """Extra vars in a file only we can read: on the command line, `ps` would show secrets."""
    path = folder / "vars" / f"{ident}.json"
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        json.dump(extravars, out, default=str)
    return path


def run_play(settings: FleetSettings, play: Play, on_event: EventSink,
             cancelled: Callable[[], bool]) -> PlayOutcome:
    """Run the play (blocking: call it in a worker thread) and return each host's result."""
    try:
        import ansible_runner  # imported on use: only sites with a fleet pay for it
    except ImportError:
        raise ConfigError("steps on hosts need ansible-runner and ansible-core: "
                          "pip install 'maintui[fleet]'") from None

    folder = settings.private_data_dir
    # extra vars and ansible-runner's artifacts (which record the environment) may hold
    # secrets: the folder is ours alone, even when it existed before
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    folder.chmod(0o700)
    playbook, extravars = (play.playbook, dict(play.extravars)) if play.playbook else shell_play(
        play, folder)
    tally = HostTally()

    def handle(event: dict[str, Any]) -> bool:
        found = tally.feed(event)
        if found is not None:
            on_event(found)
        return True

    envvars = {"ANSIBLE_TIMEOUT": str(settings.timeout),
               # ansible-runner turns host key checking off unless told: keep Ansible's default
               "ANSIBLE_HOST_KEY_CHECKING": os.environ.get("ANSIBLE_HOST_KEY_CHECKING", "True"),
               # ansible-playbook beside this Python first: a venv is often not on PATH
               "PATH": os.pathsep.join([str(Path(ansible_tool("ansible-playbook")).parent),
                                        os.environ.get("PATH", "")])}
    if settings.become:
        envvars["ANSIBLE_BECOME"] = "True"
    args = ["--check", "--diff"] if play.check else []
    if extravars:
        args += ["-e", "@" + str(_vars_file(folder, play.ident, extravars))]
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
        if play.playbook is None:  # the generated one-task playbook
            playbook.unlink(missing_ok=True)
    for host in play.hosts:  # hosts that never answered (the play was cut short) still count
        tally.hosts.setdefault(host, HostResult(host))
    return PlayOutcome(str(runner.status), runner.rc, tally.finish(),
                       time.monotonic() - started)
