"""Following a log that grows at 10k and 100k lines/s: lag, CPU and memory of the follower.

    .venv/bin/python bench/logs_follow.py [--seconds 10] [--records] [--interval 0.05]
    .venv/bin/python bench/logs_follow.py --vs-lnav [--seconds 10] [--rate 100000]

The log is Java-style (log4j): a tenth of the records are errors followed by a two-line
stack trace. Each record's head carries its write time (`t=…`).

--records: the follower detects the file's format from its first lines (`formats.detect`,
as the log view does) and reads each line's record level through it (multi-line records:
a stack trace line takes its head's level).

A writer (this process) appends lines in 10 ms batches. A follower (a child process:
`Follower` + a callback, as the TUI uses it) notes when each line reaches its callback.
Lag = seen - written. CPU is the child's user+sys time over the run divided by wall time;
RSS is sampled once a second (it must stay flat).

--vs-lnav: the two programs side by side on the same growing file in one run, each in its own
80x24 tmux pane on a private tmux server: `python -m maintui.tui.logs_app PATH` and
`lnav PATH`. lnav has no lag figure of its own, so both are measured the same way, from
outside: every ~20 ms both panes are captured (`tmux capture-pane`) and the newest `t=` on
each screen is compared with the capture's time: how stale what the operator sees is. That
includes tmux's own drawing and capture (a few ms, the same for both). CPU is each program's
user+sys time (/proc) over the writing, divided by its wall time. An A/B run against another
copy of the tree: `PYTHONPATH=/copy/of/src .venv/bin/python bench/logs_follow.py --vs-lnav`
(the tmux server, started by this process, passes its environment to the panes).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FOLLOWER = r"""
import json, os, sys, time
from pathlib import Path
from maintui.core.logs import formats
from maintui.core.logs.follow import Follower
from maintui.core.logs.tail import LogFile

path, seconds, records, interval = sys.argv[1], float(sys.argv[2]), sys.argv[3] == "1", \
    float(sys.argv[4])
fmt = formats.detect(formats.sample(Path(path))) if records else None
buckets = [0] * 10_001  # lag in ms, capped at 10 s: memory stays flat however long it runs
levels = {}

def deliver(updates):
    now = time.time()
    for update in updates:
        for line in update.lines:
            text = line.text
            at = text.find(" t=")
            if at != -1:
                buckets[min(10_000, int((now - float(text[at + 3:at + 20])) * 1000))] += 1
            if records and text[:1] == "\t":  # a stack frame: its record's level
                levels[line.level.name] = levels.get(line.level.name, 0) + 1

def rss_mb():
    return int(open("/proc/self/statm").read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20

follower = Follower([LogFile(path, fmt=fmt)], deliver, tail=0, interval=interval)
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
                  "cpu": cpu, "rss": rss, "format": fmt.name if fmt else None,
                  "frame_levels": levels}), flush=True)
"""

HEAD = "2026-11-23 10:00:{:02d},{:03d} {} [p-{}] a.W: t={:.6f} request {:08d}\n"  # t= in 80 cols
TRACE = "java.lang.IllegalStateException: lease lost\n\tat com.acme.Lease.renew(Lease.java:42)\n"
LEVELS = ("INFO", "DEBUG", "INFO", "WARN", "INFO", "INFO", "INFO", "INFO", "INFO", "ERROR")


def lines(now: float, first: int, last: int) -> str:
    """Records first..last-1, written at `now`; an ERROR record has a stack trace."""
    out = []
    for i in range(first, last):
        level = LEVELS[i % 10]
        out.append(HEAD.format(i // 1000 % 60, i % 1000, level, i % 7, now, i))
        if level == "ERROR":
            out.append(TRACE)
    return "".join(out)


def seed(path: Path) -> None:
    """A few old records, so the format can be detected from the file's first lines."""
    path.write_text(lines(0.0, 0, 50))


def write(path: Path, rate: int, seconds: float) -> int:
    """Append `rate` records a second for `seconds`, in 10 ms batches; returns lines written."""
    fd = os.open(path, os.O_WRONLY | os.O_APPEND)
    written, start = 0, time.monotonic()
    try:
        while (elapsed := time.monotonic() - start) < seconds:
            due = int(elapsed * rate) + rate // 100
            os.write(fd, lines(time.time(), written, due).encode())
            written = due
            time.sleep(max(0.0, 0.01 - (time.monotonic() - start - elapsed)))
    finally:
        os.close(fd)
    return written


def run(rate: int, seconds: float, records: bool = False, interval: float = 0.05) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "flood.log"
        seed(path)
        child = subprocess.Popen([sys.executable, "-c", FOLLOWER, str(path), str(seconds),
                                  "1" if records else "0", str(interval)],
                                 stdout=subprocess.PIPE, text=True)
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready"
        time.sleep(0.3)  # the follower has opened the file
        written = write(path, rate, seconds)
        result = json.loads(child.stdout.readline())
        child.wait()
        return {"rate": rate, "written": written, **result}


SOCKET = f"maintui-follow-{os.getpid()}"
NEWEST = re.compile(r" t=(\d+\.\d{6})")


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", "-L", SOCKET, *args], capture_output=True, text=True,
                          check=False).stdout


def cpu_seconds(pid: int) -> float:
    """User + system time of `pid` and its threads."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def vs_lnav(rate: int, seconds: float) -> dict[str, dict]:
    """maintui and lnav following one file side by side: staleness of each screen, CPU."""
    programs = {"maintui": [sys.executable, "-m", "maintui.tui.logs_app"],
                "lnav": ["/usr/bin/lnav"]}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "flood.log"
        seed(path)
        env = f"HOME={folder}"  # lnav keeps its state here, not in the real home
        pids = {}
        try:
            for i, (name, argv) in enumerate(programs.items()):
                command = " ".join([f"env {env} TERM=xterm-256color", *argv, str(path)])
                if i == 0:
                    tmux("new-session", "-d", "-s", name, "-x", "80", "-y", "24", command)
                else:
                    tmux("new-window", "-d", "-t", "maintui:", "-n", name, command)
            time.sleep(3.0)  # both started and showing the seed
            for name in programs:
                target = "maintui:0" if name == "maintui" else f"maintui:{name}"
                pids[name] = int(tmux("display", "-p", "-t", target, "#{pane_pid}").strip())
            stale: dict[str, list[float]] = {name: [] for name in programs}
            cpu0 = {name: cpu_seconds(pid) for name, pid in pids.items()}
            start = time.monotonic()
            writer = subprocess.Popen([sys.executable, __file__, "--write", str(path),
                                       "--rate", str(rate), "--seconds", str(seconds)])
            time.sleep(0.5)  # skip the start-up half second
            while writer.poll() is None:
                for name in programs:
                    target = "maintui:0" if name == "maintui" else f"maintui:{name}"
                    screen = tmux("capture-pane", "-p", "-t", target)
                    now = time.time()
                    times = [float(t) for t in NEWEST.findall(screen)]
                    if times:
                        stale[name].append(now - max(times))
                time.sleep(0.02)
            wall = time.monotonic() - start
            cpu = {name: (cpu_seconds(pid) - cpu0[name]) / wall for name, pid in pids.items()}
        finally:
            tmux("kill-server")
    out = {}
    for name, values in stale.items():
        values.sort()
        def pick(q: float, v: list[float] = values) -> float:
            return v[min(len(v) - 1, int(q * len(v)))] if v else float("nan")

        out[name] = {"samples": len(values), "p50": pick(0.5), "p95": pick(0.95),
                     "max": pick(1.0), "cpu": cpu[name]}
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--records", action="store_true")
    parser.add_argument("--interval", type=float, default=0.05)
    parser.add_argument("--vs-lnav", action="store_true")
    parser.add_argument("--rate", type=int, default=100_000)
    parser.add_argument("--write", help=argparse.SUPPRESS)  # the writer, for --vs-lnav
    args = parser.parse_args()
    seconds = args.seconds
    if args.write:
        write(Path(args.write), args.rate, seconds)
        return
    if args.vs_lnav:
        got = vs_lnav(args.rate, seconds)
        print(f"{args.rate:,} records/s for {seconds:g} s; staleness of the screen (now - newest "
              "t= shown), sampled every ~20 ms")
        print("| program | samples | p50 | p95 | max | CPU |")
        print("|---|---|---|---|---|---|")
        for name, r in got.items():
            print(f"| {name} | {r['samples']} | {r['p50']:.3f} s | {r['p95']:.3f} s "
                  f"| {r['max']:.3f} s | {r['cpu']:.0%} |")
        return
    print(f"| {'rate':>12} | {'lines seen':>11} | {'p50 lag':>8} | {'p95 lag':>8} | {'max lag':>8} "
          f"| {'CPU':>5} | RSS MB each second |")
    print(f"|{'-' * 14}|{'-' * 13}|{'-' * 10}|{'-' * 10}|{'-' * 10}|{'-' * 7}|{'-' * 20}|")
    for rate in (10_000, 100_000):
        r = run(rate, seconds, args.records, args.interval)
        seen = f"{r['lines']:,}" + ("" if r["lines"] == r["written"] else f"/{r['written']:,}")
        print(f"| {rate:>8,} /s | {seen:>11} | {r['p50']:7.3f}s | {r['p95']:7.3f}s "
              f"| {r['max']:7.3f}s | {r['cpu']:4.0%} | {' '.join(map(str, r['rss']))} |")
        if args.records:
            print(f"  format {r['format']}; stack-frame lines by level: {r['frame_levels']}")


if __name__ == "__main__":
    main()
