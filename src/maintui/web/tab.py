"""One browser tab's console: `maintui ARGS` as in a terminal, ended when its server dies."""

from __future__ import annotations

import os
import runpy
import signal
import sys
import threading
import time

# A server stopped by Ctrl+C or SIGTERM tells its consoles to quit; one killed outright
# (SIGKILL, the OOM killer) cannot, and Textual's web driver does not exit when its input
# closes: so each console watches for its parent, the server, to go.
GRACE = 3.0  # seconds for the app to quit cleanly before the process ends regardless


def _watch(server: int) -> None:
    while os.getppid() == server:
        time.sleep(1)
    try:
        # nobody reads the screen any more: draw into /dev/null rather than a broken pipe
        # (fds by number: Textual has replaced sys.stdout with its own writer)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        os.kill(os.getpid(), signal.SIGTERM)  # the web driver turns it into a clean exit
        time.sleep(GRACE)
    finally:
        # the app's exit can leave its run-log thread waiting after its input has closed
        os._exit(1)


def main(argv: list[str]) -> None:
    threading.Thread(target=_watch, args=(os.getppid(),), name="serve-watch", daemon=True).start()
    # the run log notes the SSH client a run came from: the one that started the server is
    # not the browser that drives this tab, so say nothing rather than name the wrong one
    os.environ.pop("SSH_CLIENT", None)
    # exactly `python -m maintui ARGV` (and no import of the CLI, which sits above this package)
    sys.argv = ["maintui", *argv]
    runpy.run_module("maintui", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main(sys.argv[1:])
