"""The console in a real terminal: a private tmux server at 80x24, keys sent and counted."""

from __future__ import annotations

import os
import subprocess
import time


class Tmux:
    """One tmux server of its own (`-L socket`), one session "main", keys counted as sent:
    `named` keys (Enter, Tab, Escape…) and `typed` characters (letters, digits, text)."""

    def __init__(self, socket: str) -> None:
        self.socket = socket
        self.named = self.typed = 0

    def __call__(self, *args: str) -> str:
        return subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True,
                              text=True, check=False).stdout

    def start(self, command: list[str], env: dict[str, str]) -> None:
        exports = " ".join(f"{k}={v}" for k, v in env.items())
        self("new-session", "-d", "-s", "main", "-x", "80", "-y", "24",
             f"env {exports} {' '.join(command)} 2>&1 || sleep 30")

    def kill(self) -> None:
        """End the server (as a dropped SSH link ends a terminal) and wait until it is gone and
        so are the programs that ran in it: a console still exiting would hold the run it
        drove, and a console started next would only watch it."""
        pane = self("display-message", "-p", "-t", "main", "#{pane_pid}").strip()
        self("kill-server")
        for _ in range(50):
            if subprocess.run(["tmux", "-L", self.socket, "ls"], capture_output=True).returncode:
                break
            time.sleep(0.1)
        if pane.isdigit():  # the pane's process group: its shell and the console (SIGHUP)
            for _ in range(100):
                try:
                    os.killpg(int(pane), 0)
                except (ProcessLookupError, PermissionError):
                    return
                time.sleep(0.1)

    def screen(self) -> str:
        return self("capture-pane", "-p", "-t", "main")

    def keys(self, *keys: str) -> None:
        """Named keys (tmux names: Enter, Tab, Escape, Down, C-q), each counted as one."""
        self.named += len(keys)
        self("send-keys", "-t", "main", *keys)

    def type(self, text: str) -> None:
        """Characters as typed (`send-keys -l`: never read as key names), each counted."""
        self.typed += len(text)
        self("send-keys", "-t", "main", "-l", text)

    def wait_for(self, *texts: str, timeout: float = 20.0) -> str:
        """The screen once any of `texts` is on it (polled every 0.1 s)."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            shown = self.screen()
            if any(text in shown for text in texts):
                return shown
            time.sleep(0.1)
        raise AssertionError(f"none of {texts!r} appeared; the screen shows:\n{self.screen()}")

    def wait_gone(self, text: str, timeout: float = 20.0) -> str:
        """The screen once `text` is no longer on it."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            shown = self.screen()
            if text not in shown:
                return shown
            time.sleep(0.1)
        raise AssertionError(f"{text!r} stayed on the screen:\n{self.screen()}")
