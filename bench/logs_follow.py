"""Following a log that grows at 10k and 100k lines/s: lag, CPU and memory of the follower.

    .venv/bin/python bench/logs_follow.py [--seconds 10] [--records]

--records: the follower reads each line's record level through a format (recordlevels.py),
as the log view does since issue 12 (a regex format matching the bench's lines).

A writer (this process) appends lines in 10 ms batches, each line carrying its write time.
A follower (a child process: `Follower` + a callback, as the TUI uses it) notes when each
line reaches its callback. Lag = seen - written. CPU is the child's user+sys time over the
run divided by wall time; RSS is sampled once a second (it must stay flat).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FOLLOWER = r"""
import json, os, sys, time
from maintui.core.logs.follow import Follower
from maintui.core.logs.tail import LogFile

path, seconds, records = sys.argv[1], float(sys.argv[2]), sys.argv[3] == "1"
fmt = None
if records:
    from maintui.core.logs.format import Format
    fmt = Format.from_config("bench", r"^(?P<time>\d+\.\d+) \S+ \S+ (?P<level>[A-Z]+) "
                             r"(?P<message>.*)$", clock="epoch")
buckets = [0] * 10_001  # lag in ms, capped at 10 s: memory stays flat however long it runs

def deliver(updates):
    now = time.time()
    for update in updates:
        for line in update.lines:
            buckets[min(10_000, int((now - float(line.text[:17])) * 1000))] += 1

def rss_mb():
    return int(open("/proc/self/statm").read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20

follower = Follower([LogFile(path, fmt=fmt)], deliver)
print("ready", flush=True)
start, cpu0 = time.monotonic(), os.times()
rss = []
with follower:
    while time.monotonic() - start < seconds + 0.5:
        time.sleep(1.0)
        rss.append(round(rss_mb(), 1))
cpu1, wall = os.times(), time.monotonic() - start
cpu = (cpu1.user - cpu0.user + cpu1.system - cpu0.system) / wall
total = sum(buckets)

def pick(q):
    seen = 0
    for ms, n in enumerate(buckets):
        seen += n
        if n and seen >= q * total:
            return ms / 1000
    return float("nan")

print(json.dumps({"lines": total, "p50": pick(0.5), "p95": pick(0.95), "max": pick(1.0),
                  "cpu": cpu, "rss": rss}), flush=True)
"""

LINE = "{:.6f} 2026-11-23 10:00:00,000 {} app.worker[7]: request {:08d} handled in 12 ms\n"
LEVELS = ("INFO", "DEBUG", "INFO", "WARNING", "INFO", "ERROR")


def write(path: Path, rate: int, seconds: float) -> int:
    """Append `rate` lines a second for `seconds`, in 10 ms batches; returns lines written."""
    fd = os.open(path, os.O_WRONLY | os.O_APPEND)
    written, start = 0, time.monotonic()
    try:
        while (elapsed := time.monotonic() - start) < seconds:
            due = int(elapsed * rate) + rate // 100
            now = time.time()
            batch = "".join(LINE.format(now, LEVELS[i % 6], i) for i in range(written, due))
            os.write(fd, batch.encode())
            written = due
            time.sleep(max(0.0, 0.01 - (time.monotonic() - start - elapsed)))
    finally:
        os.close(fd)
    return written


def run(rate: int, seconds: float, records: bool = False) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "flood.log"
        path.write_text("")
        child = subprocess.Popen([sys.executable, "-c", FOLLOWER, str(path), str(seconds),
                                  "1" if records else "0"],
                                 stdout=subprocess.PIPE, text=True)
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready"
        time.sleep(0.3)  # the follower has opened the file
        written = write(path, rate, seconds)
        result = json.loads(child.stdout.readline())
        child.wait()
        return {"rate": rate, "written": written, **result}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--records", action="store_true")
    args = parser.parse_args()
    seconds = args.seconds
    print(f"| {'rate':>12} | {'lines seen':>11} | {'p50 lag':>8} | {'p95 lag':>8} | {'max lag':>8} "
          f"| {'CPU':>5} | RSS MB each second |")
    print(f"|{'-' * 14}|{'-' * 13}|{'-' * 10}|{'-' * 10}|{'-' * 10}|{'-' * 7}|{'-' * 20}|")
    for rate in (10_000, 100_000):
        r = run(rate, seconds, args.records)
        seen = f"{r['lines']:,}" + ("" if r["lines"] == r["written"] else f"/{r['written']:,}")
        print(f"| {rate:>8,} /s | {seen:>11} | {r['p50']:7.3f}s | {r['p95']:7.3f}s "
              f"| {r['max']:7.3f}s | {r['cpu']:4.0%} | {' '.join(map(str, r['rss']))} |")


if __name__ == "__main__":
    main()
