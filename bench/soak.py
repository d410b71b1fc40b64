"""Soak: the full console left on the dashboard, then on Logs, while two logs grow; RSS and CPU.

    .venv/bin/python bench/soak.py [--minutes 30] [--logs-minutes 5] [--rate 200]
    nohup .venv/bin/python bench/soak.py > /tmp/soak.out 2>&1 &      # the 35-minute run

Builds a demo sandbox (`maintui demo --no-tui`), starts two writer processes appending
`--rate` lines/s each to its logs/app.log and logs/worker.log, runs
`python -m maintui --config <sandbox>/config.toml` (from `--src` if given) in a 120x40 pane on a private tmux
socket (`tmux -L logsperf`), and every `--interval` seconds samples the console's VmRSS
and CPU (utime+stime of all its threads) from /proc. After `--minutes` on the dashboard
it presses `l` and samples `--logs-minutes` more on the Logs view. Writes a CSV and
prints min/max/first/last RSS and the least-squares slope (MiB per hour) per phase.
Writers and the tmux session are stopped at the end, on Ctrl+C and on SIGTERM.
"""

from __future__ import annotations

import argparse
import csv
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
SOCKET, SESSION = "logsperf", "soak"
TICKS = os.sysconf("SC_CLK_TCK")

WRITER = """
import sys, time
path, rate = sys.argv[1], int(sys.argv[2])
levels = ["INFO", "INFO", "DEBUG", "WARNING", "INFO", "ERROR", "INFO", "INFO"]
batch, n = max(1, rate // 10), 0
with open(path, "a", buffering=1 << 16) as f:
    next_at = time.monotonic()
    while True:
        stamp = time.strftime("%Y-%m-%d %H:%M:%S")
        f.write("".join(f"{stamp} {levels[(n + i) % 8]:<7} soak[{(n + i) % 97}]: "
                        f"request {n + i:09d} handled in {(n + i) % 500} ms\\n"
                        for i in range(batch)))
        f.flush()
        n += batch
        next_at += batch / rate
        time.sleep(max(0.0, next_at - time.monotonic()))
"""


def tmux(*args: str, check: bool = False) -> str:
    return subprocess.run(["tmux", "-L", SOCKET, *args], capture_output=True, text=True,
                          check=check).stdout


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def sandbox(path: Path) -> Path:
    config = path / "config.toml"
    if not config.exists():
        subprocess.run([PY, "-m", "maintui", "demo", "--path", str(path), "--no-tui"],
                       check=True, stdout=subprocess.DEVNULL)
    return config


def start_console(config: Path, src: Path | None) -> int:
    tmux("kill-session", "-t", SESSION)
    env = f"env PYTHONPATH={src} " if src else ""
    tmux("new-session", "-d", "-s", SESSION, "-x", "120", "-y", "40",
         f"exec {env}{PY} -m maintui --config {config}", check=True)
    return int(tmux("display-message", "-p", "-t", SESSION, "#{pane_pid}", check=True).strip())


def slope_per_hour(rows: list[tuple[float, float]]) -> float:
    """Least-squares slope of (seconds, MiB) in MiB per hour."""
    if len(rows) < 2:
        return 0.0
    return statistics.linear_regression([t for t, _ in rows], [m for _, m in rows]).slope * 3600


def summary(name: str, rows: list[tuple[float, float, float]]) -> str:
    if not rows:
        return f"{name}: no samples"
    rss = [r for _, r, _ in rows]
    cpu = statistics.mean(c for _, _, c in rows)
    half = rows[len(rows) // 2:]
    return (f"{name}: {len(rows)} samples, RSS MiB min {min(rss):.1f} max {max(rss):.1f} "
            f"first {rss[0]:.1f} last {rss[-1]:.1f}; slope {slope_per_hour([r[:2] for r in rows]):+.2f}"
            f" MiB/h (second half {slope_per_hour([r[:2] for r in half]):+.2f}); "
            f"CPU mean {cpu:.1f} %")


def sample(pid: int, phases: list[tuple[str, float]], interval: float, out: Path,
           on_phase: dict[str, list[str]]) -> dict[str, list[tuple[float, float, float]]]:
    """Sample every `interval` s through each (phase, seconds); keys sent when a phase starts."""
    results: dict[str, list[tuple[float, float, float]]] = {}
    started = time.monotonic()
    with out.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["elapsed_s", "phase", "rss_mib", "cpu_pct"])
        for phase, seconds in phases:
            for key in on_phase.get(phase, []):
                tmux("send-keys", "-t", SESSION, key)
            rows = results.setdefault(phase, [])
            end = time.monotonic() + seconds
            last_cpu, last_t = cpu_seconds(pid), time.monotonic()
            while time.monotonic() < end:
                time.sleep(min(interval, max(0.0, end - time.monotonic())))
                now = time.monotonic()
                try:
                    cpu, rss = cpu_seconds(pid), rss_mib(pid)
                except FileNotFoundError:
                    print(f"soak: the console (pid {pid}) exited", file=sys.stderr)
                    return results
                pct = (cpu - last_cpu) / (now - last_t) * 100
                last_cpu, last_t = cpu, now
                row = (now - started, rss, pct)
                rows.append(row)
                writer.writerow([f"{row[0]:.1f}", phase, f"{row[1]:.2f}", f"{row[2]:.2f}"])
                f.flush()
    return results


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30.0, help="on the dashboard")
    parser.add_argument("--logs-minutes", type=float, default=5.0, help="then on Logs")
    parser.add_argument("--rate", type=int, default=200, help="lines/s per writer")
    parser.add_argument("--interval", type=float, default=10.0, help="seconds per sample")
    parser.add_argument("--sandbox", type=Path, default=Path("/tmp/soak-demo"))
    parser.add_argument("--csv", type=Path, default=Path("/tmp/soak.csv"))
    parser.add_argument("--src", type=Path, help="run the console from this package folder "
                        "(e.g. a `git archive HEAD src` copy), so edits made during a long soak "
                        "cannot reach a module it imports late")
    args = parser.parse_args()
    config = sandbox(args.sandbox)
    # SIGTERM (e.g. `kill PID` of a nohup run) cleans up like Ctrl+C does.
    signal.signal(signal.SIGTERM, _interrupt)
    writers: list[subprocess.Popen[bytes]] = []
    try:
        for name in ("app.log", "worker.log"):
            writers.append(subprocess.Popen([PY, "-c", WRITER, str(args.sandbox / "logs" / name),
                                             str(args.rate)]))
        pid = start_console(config, args.src)
        print(f"console pid {pid}; writers {[w.pid for w in writers]}; csv {args.csv}", flush=True)
        phases = [("dashboard", args.minutes * 60), ("logs", args.logs_minutes * 60)]
        results = sample(pid, phases, args.interval, args.csv, {"logs": ["l"]})
        (args.csv.with_suffix(".pane.txt")).write_text(tmux("capture-pane", "-p", "-t", SESSION))
        for phase, rows in results.items():
            print(summary(phase, rows), flush=True)
        print(summary("all", [r for rows in results.values() for r in rows]), flush=True)
    except KeyboardInterrupt:
        print("soak: interrupted", file=sys.stderr)
    finally:
        for w in writers:
            w.terminate()
        for w in writers:
            w.wait(timeout=5)
        tmux("kill-session", "-t", SESSION)


if __name__ == "__main__":
    main()
