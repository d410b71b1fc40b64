"""Starting a runner detached from the terminal (the console's sessions), and finding it again."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from maintui.core.errors import MaintuiError

ANNOUNCE = "MAINTUI-RUN "


def spawn_runner(config_path: Path, screen: str, extra: list[str] | None = None,
                 timeout: float = 20.0, command: str = "run") -> int:
    """Start `maintui run SCREEN` (or `resume RUN`) in a new session, so it survives the
    console; returns the run id once the runner has taken its lease."""
    argv = [sys.executable, "-m", "maintui", command, screen, "--config", str(config_path),
            "--detached", *(extra or [])]
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True, close_fds=True)
    assert proc.stdout is not None and proc.stderr is not None
    import selectors

    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    line = b""
    if sel.select(timeout):
        line = proc.stdout.readline()
    sel.close()
    text = line.decode(errors="replace").strip()
    if text.startswith(ANNOUNCE):
        proc.stdout.close()
        proc.stderr.close()
        return int(text.removeprefix(ANNOUNCE))
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
    err = said_once(proc.stderr.read().decode(errors="replace"))
    raise MaintuiError(err or f"the runner for {screen!r} did not start (exit {proc.returncode})")


def said_once(stderr: str) -> str:
    """A runner's complaint as one message: each line without `maintui: `, and a line that
    another one says in full (a read-only run log's reason, told by each command that opened
    it, then by the write that failed) left out."""
    from maintui.core.store.db import READ_ONLY_NOTICE

    lines = [line.strip().removeprefix("maintui: ") for line in stderr.splitlines()]
    lines = list(dict.fromkeys(line for line in lines if line))

    def told_elsewhere(line: str) -> bool:
        said = line.removeprefix(READ_ONLY_NOTICE)
        return any(other != line and said in other for other in lines)

    return "\n".join(line for line in lines if not told_elsewhere(line))


def announce(run_id: int) -> None:
    """In the detached child: tell the parent the run id, then let go of its pipes."""
    sys.stdout.write(f"{ANNOUNCE}{run_id}\n")
    sys.stdout.flush()
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    os.close(devnull)
