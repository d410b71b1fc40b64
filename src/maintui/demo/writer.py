"""The demo's busy application: appends log records to the sandbox's app log until told to stop."""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

from maintui.demo.data import record
from maintui.demo.sandbox import STOP_FILE

INTERVAL = 0.5
MAX_SECONDS = 4 * 3600  # a forgotten sandbox stops growing after a few hours


def run(root: Path, *, interval: float = INTERVAL, max_seconds: float = MAX_SECONDS) -> int:
    """Append a record every `interval` until the stop file appears or the sandbox is gone."""
    rng = random.Random()
    log, stop = root / "logs" / "app.log", root / STOP_FILE
    deadline = time.monotonic() + max_seconds
    written = 0
    while time.monotonic() < deadline and root.is_dir() and not stop.exists():
        if not log.parent.is_dir():
            break
        # open per write: rotation (rename + new file) must not leave us writing to an archive
        with log.open("a", encoding="utf-8") as fh:
            fh.write("\n".join(record(rng, time.time())) + "\n")
        written += 1
        time.sleep(interval)
    return written


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        sys.exit("usage: demoapp SANDBOX_DIR")
    run(Path(args[0]))


if __name__ == "__main__":
    main()
