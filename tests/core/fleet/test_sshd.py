"""One play through a real sshd on localhost: Ansible's ssh connection, not `local`."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from maintui.core.fleet.inventory import Inventory
from maintui.core.fleet.job import FleetJob
from maintui.core.fleet.play import Play
from maintui.core.fleet.settings import FleetSettings

SSHD = shutil.which("sshd") or "/usr/sbin/sshd"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def keygen(path: Path) -> None:
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(path)], check=True)


@pytest.fixture
def sshd(tmp_path: Path):
    """An sshd on a free port that lets this user in with a throw-away key."""
    pytest.importorskip("ansible_runner")
    if not os.path.exists(SSHD) or not shutil.which("ssh-keygen"):
        pytest.skip("no sshd here (apt-get install openssh-server)")
    if os.geteuid() != 0:
        pytest.skip("sshd needs root to switch to the logged-in user")
    keygen(tmp_path / "host_key")
    keygen(tmp_path / "client_key")
    (tmp_path / "authorized_keys").write_text((tmp_path / "client_key.pub").read_text())
    port = free_port()
    (tmp_path / "sshd_config").write_text(
        f"Port {port}\nListenAddress 127.0.0.1\nHostKey {tmp_path / 'host_key'}\n"
        f"AuthorizedKeysFile {tmp_path / 'authorized_keys'}\nPidFile {tmp_path / 'sshd.pid'}\n"
        "PasswordAuthentication no\nKbdInteractiveAuthentication no\nUsePAM no\n"
        "StrictModes no\nPermitRootLogin prohibit-password\n")
    Path("/run/sshd").mkdir(exist_ok=True)  # sshd's privilege-separation folder
    proc = subprocess.Popen([SSHD, "-D", "-e", "-f", str(tmp_path / "sshd_config")],
                            stderr=subprocess.PIPE)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.skip(f"sshd did not start: {proc.stderr.read().decode()[-300:]}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.1)
    else:
        proc.kill()
        pytest.skip("sshd did not listen within 10 s")
    inventory = tmp_path / "inventory.ini"
    inventory.write_text(
        f"ssh1 ansible_host=127.0.0.1 ansible_port={port} ansible_user=root "
        f"ansible_ssh_private_key_file={tmp_path / 'client_key'} "
        "ansible_ssh_common_args='-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null' "
        f"ansible_python_interpreter={sys.executable}\n")
    yield inventory
    proc.terminate()
    proc.wait(10)


def test_a_play_runs_over_ssh(sshd: Path, tmp_path: Path):
    """The command runs through sshd and its output comes back as the host's lines."""
    settings = FleetSettings(sshd, tmp_path / "fleet", forks=2, timeout=10)
    lines: list[str] = []
    job = FleetJob(settings, Inventory.load(sshd), None, 1, "ssh", say=lines.append)

    def shape(hosts: list[str], ident: str) -> Play:
        return Play(hosts, ident, command="echo via-ssh $SSH_CONNECTION", title="ssh")

    outcome = job.run(["ssh1"], shape)
    assert outcome.results["ssh1"].state == "changed", lines
    assert any(line.startswith("[ssh1] via-ssh 127.0.0.1") for line in lines)
