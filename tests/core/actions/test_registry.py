"""The action registry loads once, whole, even when threads ask for it at the same moment (the
console validates screen files in worker threads while the dashboard does too)."""

from __future__ import annotations

import subprocess
import sys

RACE = """
import threading
from maintui.core.actions import get_action
start = threading.Barrier(8)
found = []
def ask():
    start.wait()
    found.append(get_action("resources.check") is not None and get_action("http.check") is not None)
threads = [threading.Thread(target=ask) for _ in range(8)]
for t in threads: t.start()
for t in threads: t.join()
print(sum(found), len(found))
"""


def test_threads_asking_at_once_all_see_every_action():
    for _ in range(5):  # a fresh interpreter each time: the registry starts empty
        out = subprocess.run([sys.executable, "-c", RACE], capture_output=True, text=True,
                             timeout=60, check=True).stdout.split()
        assert out == ["8", "8"], out
