"""What the operator's terminal shows after the console closes."""

from __future__ import annotations

import subprocess
import sys


def test_a_result_handed_over_as_the_console_closes_prints_no_warning():
    """A worker thread's `call_from_thread` just as the app's loop closes leaves Textual's
    coroutine unscheduled: Python warned about it on the operator's terminal after quitting."""
    code = ("from maintui.cli import main\n"
            "try:\n"
            "    main(['--version'])\n"
            "except SystemExit:\n"
            "    pass\n"
            "class App:\n"
            "    def call_from_thread(self):\n"
            "        async def run_callback(): pass\n"
            "        return run_callback()\n"
            "left = App().call_from_thread()\n"
            "del left\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stderr == "", done.stderr
