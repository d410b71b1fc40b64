"""Console idle cost: CPU of the dashboard left alone in a real terminal (tmux), beside htop.

Re-run with `.venv/bin/python bench/idle_cpu.py [SECONDS]` (needs tmux, run on its own socket `-L dash`; htop optional:
`apt-get install -y tmux htop`). Each program runs in its own detached tmux session at
120x40; after a warm-up, utime+stime are read from /proc/PID/stat at the start and end of
the window. Paste the table into bench/BENCHMARKS.md under "## Console".
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from procstat import cpu_seconds, rss_mib  # bench/procstat.py

ROOT = Path(__file__).resolve().parents[1]
WINDOW, WARMUP = 30.0, 5.0
TMUX = ["tmux", "-L", "dash"]  # a socket of its own: never touches the operator's tmux server


def start(session: str, command: str) -> int:
    """Run `command` (exec'd, so the pane's pid is the program's) in a 120x40 tmux session."""
    subprocess.run([*TMUX, "kill-session", "-t", session], stderr=subprocess.DEVNULL, check=False)
    subprocess.run([*TMUX, "new-session", "-d", "-s", session, "-x", "120", "-y", "40",
                    f"exec {command}"], check=True)
    out = subprocess.run([*TMUX, "display-message", "-p", "-t", session, "#{pane_pid}"],
                         capture_output=True, text=True, check=True).stdout
    return int(out.strip())


def site(root: Path) -> Path:
    config = root / "config.toml"
    config.write_text(f'[site]\nname = "bench"\nscreens = "{ROOT / "screens"}"\n'
                      f'styles = "{ROOT / "styles"}"\n[store]\npath = "{root / "runlog.db"}"\n')
    return config


def measure(programs: dict[str, int], window: float) -> dict[str, tuple[float, float]]:
    """CPU % of one core over the window, and resident memory at its end, per program."""
    time.sleep(WARMUP)
    before = {name: cpu_seconds(pid) for name, pid in programs.items()}
    time.sleep(window)
    return {name: ((cpu_seconds(pid) - before[name]) / window * 100, rss_mib(pid))
            for name, pid in programs.items()}


def main() -> None:
    window = float(sys.argv[1]) if len(sys.argv) > 1 else WINDOW
    with tempfile.TemporaryDirectory() as tmp:
        config = site(Path(tmp))
        programs = {"maintui dashboard": start("bench-maintui", f"{sys.executable} -m "
                                               f"maintui --config {config}")}
        if shutil.which("htop"):
            programs["htop (default 1.5 s refresh)"] = start("bench-htop", "htop")
        try:
            results = measure(programs, window)
        finally:
            for session in ("bench-maintui", "bench-htop"):
                subprocess.run([*TMUX, "kill-session", "-t", session],
                               stderr=subprocess.DEVNULL, check=False)
    print(f"| program, idle at 120x40 for {window:.0f} s | CPU (% of one core) | RSS |")
    print("|---|---|---|")
    for name, (cpu, rss) in results.items():
        print(f"| {name} | {cpu:.2f} % | {rss:.0f} MiB |")


if __name__ == "__main__":
    main()
