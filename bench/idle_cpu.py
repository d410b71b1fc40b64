"""Console idle cost: CPU of the dashboard left alone in a real terminal (tmux), beside htop.

Re-run with `.venv/bin/python bench/idle_cpu.py [SECONDS] [--size=WxH] [--runs=N] [--before=DIR/src]`
(needs tmux, run on its own socket `-L dash`; htop optional: `apt-get install -y tmux htop`).
The console runs on a fresh demo sandbox (`maintui demo --no-tui`: its screens and run log),
htop with its default 1.5 s refresh (the console samples every 1.5 s too), each in its own
detached tmux session of the given size (default 120x40). After a warm-up, utime+stime are
read from /proc/PID/stat of every program at the same moments, N windows of SECONDS one after
another: the ratio to htop is taken within a window, since a shared box moves both.
The console's CPU is also split by thread (/proc/PID/task): the main thread (Textual: render
and write) and the rest (the sampler's thread, the run log's, Textual's input and output).
`--before=DIR/src` runs an older tree's `src` beside this one, on its own sandbox.
Bytecode first, as bench/first_frame.py does: both trees are compiled into their
`__pycache__` folders (gitignored) before they start, as pip does for an operator's install
(this machine sets PYTHONDONTWRITEBYTECODE and `src` is an editable install).
Paste the tables into bench/BENCHMARKS.md under "## Console".
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from procstat import TICKS, cpu_seconds, rss_mib  # bench/procstat.py

ROOT = Path(__file__).resolve().parents[1]
WINDOW, WARMUP, RUNS = 30.0, 8.0, 3
TMUX = ["tmux", "-L", "dash"]  # a socket of its own: never touches the operator's tmux server


def start(session: str, command: str, size: tuple[int, int], env: dict[str, str]) -> int:
    """Run `command` (exec'd, so the pane's pid is the program's) in a detached tmux session."""
    cols, rows = size
    subprocess.run([*TMUX, "kill-session", "-t", session], stderr=subprocess.DEVNULL, check=False)
    exports = " ".join(f"{k}={v}" for k, v in env.items())
    subprocess.run([*TMUX, "new-session", "-d", "-s", session, "-x", str(cols), "-y", str(rows),
                    f"exec {'env ' + exports + ' ' if exports else ''}{command}"], check=True)
    out = subprocess.run([*TMUX, "display-message", "-p", "-t", session, "#{pane_pid}"],
                         capture_output=True, text=True, check=True).stdout
    return int(out.strip())


def sandbox(root: Path, src: Path) -> Path:
    """A fresh demo sandbox built by the tree in `src`; returns its config."""
    subprocess.run([sys.executable, "-m", "maintui", "demo", "--path", str(root), "--no-tui"],
                   check=True, capture_output=True, env={**os.environ, "PYTHONPATH": str(src)})
    return root / "config.toml"


def compile_tree(src: Path) -> None:
    """Bytecode beside the sources, as an installed tree has it (bench/first_frame.py)."""
    import compileall

    compileall.compile_dir(str(src), quiet=1)


def main_thread_seconds(pid: int) -> float:
    """CPU time of the main thread alone (its task id is the process id)."""
    fields = Path(f"/proc/{pid}/task/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def window(programs: dict[str, int], seconds: float) -> dict[str, tuple[float, float, float]]:
    """Per program: CPU % of one core over the window, the main thread's part, RSS at its end."""
    before = {name: (cpu_seconds(pid), main_thread_seconds(pid)) for name, pid in programs.items()}
    time.sleep(seconds)
    out = {}
    for name, pid in programs.items():
        total, main = cpu_seconds(pid) - before[name][0], main_thread_seconds(pid) - before[name][1]
        out[name] = (total / seconds * 100, main / seconds * 100, rss_mib(pid))
    return out


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    options = dict(a[2:].split("=", 1) for a in sys.argv[1:] if a.startswith("--") and "=" in a)
    seconds = float(args[0]) if args else WINDOW
    cols, rows = (int(n) for n in options.get("size", "120x40").split("x"))
    runs = int(options.get("runs", RUNS))
    trees = {"maintui": ROOT / "src"}
    if "before" in options:
        trees = {"before": Path(options["before"]).resolve(), "after": ROOT / "src"}
    sessions = [f"bench-{name}" for name in trees] + ["bench-htop"]
    results: list[dict[str, tuple[float, float, float]]] = []
    with tempfile.TemporaryDirectory() as tmp:
        programs = {}
        for name, src in trees.items():
            compile_tree(src)
            config = sandbox(Path(tmp) / name, src)
            programs[name] = start(f"bench-{name}", f"{sys.executable} -m maintui --config {config}",
                                   (cols, rows), {"PYTHONPATH": str(src)})
        if shutil.which("htop"):
            programs["htop"] = start("bench-htop", "htop", (cols, rows), {})
        try:
            time.sleep(WARMUP)
            results = [window(programs, seconds) for _ in range(runs)]
        finally:
            for session in sessions:
                subprocess.run([*TMUX, "kill-session", "-t", session],
                               stderr=subprocess.DEVNULL, check=False)
    report(results, list(trees), (cols, rows), seconds)


def report(results: list[dict[str, tuple[float, float, float]]], consoles: list[str],
           size: tuple[int, int], seconds: float) -> None:
    """One row per window: each console's CPU (main thread), htop's, and the ratio to htop."""
    cols, rows = size
    htop = "htop" in results[0]
    head = " | ".join(f"{c} CPU (main thread) | {c} / htop" if htop else f"{c} CPU (main thread)"
                      for c in consoles)
    print(f"Idle dashboard at {cols}x{rows}, {len(results)} windows of {seconds:.0f} s, "
          f"all programs read at the same moments (% of one core):\n")
    print(f"| window | {head} |{' htop CPU |' if htop else ''}")
    print("|---|" + "---|" * (len(consoles) * (2 if htop else 1) + (1 if htop else 0)))
    ratios: dict[str, list[float]] = {c: [] for c in consoles}
    for i, result in enumerate(results, 1):
        cells = []
        for c in consoles:
            cpu, main, _ = result[c]
            cells.append(f"{cpu:.2f} % ({main:.2f} %)")
            if htop:
                ratio = cpu / result["htop"][0] if result["htop"][0] else float("inf")
                ratios[c].append(ratio)
                cells.append(f"{ratio:.2f}×")
        tail = f" {result['htop'][0]:.2f} % |" if htop else ""
        print(f"| {i} | {' | '.join(cells)} |{tail}")
    rss = ", ".join(f"{c} {results[-1][c][2]:.0f} MiB" for c in consoles)
    print(f"\nRSS at the end: {rss}" + (f", htop {results[-1]['htop'][2]:.0f} MiB" if htop else ""))
    for c in consoles:
        total = statistics.mean(r[c][0] for r in results)
        line = f"{c}: mean {total:.2f} %"
        if htop:
            line += (f", htop {statistics.mean(r['htop'][0] for r in results):.2f} %, "
                     f"ratio median {statistics.median(ratios[c]):.2f}× "
                     f"({min(ratios[c]):.2f}–{max(ratios[c]):.2f}×)")
        print(line)


if __name__ == "__main__":
    main()
