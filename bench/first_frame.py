"""Console first frame and memory, beside a bare Textual app (Header, Static, Footer).

Re-run with `.venv/bin/python bench/first_frame.py [--before=DIR/src]`; paste the tables into
bench/BENCHMARKS.md. First frame: from process start to the dashboard drawn, and what was
imported by then; the median of REPEAT fresh processes, run headless (compose, layout and
render of the first frame; no terminal writes) at 120x40, interleaved with the bare app, in
wall time and in CPU time (steadier on a busy box). The console starts as `maintui --config`
does (its command line parsed); the harness imports Textual first to wrap `App.run`, so the
collector the console turns off until its first frame is still on for Textual's import.
Memory: each app on a fresh demo sandbox under its own pty at 120x40 (`wire_bytes.Pty`), left
idle SETTLE s (the first board read, a few samples), then VmRSS and VmHWM from /proc; RSS_REPEAT
rounds, the apps started side by side in each. `--before=DIR/src`: an older tree's `src` runs
as a third app (same screens, same sandbox layout), for before and after in one run.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from wire_bytes import BARE as BARE_TTY  # bench/wire_bytes.py
from wire_bytes import Pty

REPEAT, RSS_REPEAT, SETTLE = 7, 3, 12.0
ROOT = Path(__file__).resolve().parents[1]
HEAVY = ["pydantic", "psutil", "aiosqlite", "croniter", "maintui.tui.screens.logs", "maintui.core.store.db"]

# `maintui --config PATH` as an operator starts it (the command line parsed, the config read),
# run headless: App.run is wrapped to stop at the first frame
CHILD = f"""
import sys, time, json
HEAVY = {HEAVY!r}
from textual.app import App

run = App.run

async def ready(pilot):
    out = {{"ready": time.time(), "cpu": time.process_time(),
           "loaded": [m for m in HEAVY if m in sys.modules]}}
    print(json.dumps(out), flush=True)
    pilot.app.exit()

App.run = lambda app, **kw: run(app, headless=True, size=(120, 40), auto_pilot=ready)
from maintui.cli import main
main(["--config", sys.argv[1]])
"""

# the same harness around a bare Textual app (Header, Static, Footer): the floor to compare to
BARE = """
import sys, time, json
from textual.app import App
from textual.widgets import Footer, Header, Static

class Bare(App):
    def compose(self):
        yield Header()
        yield Static("bare")
        yield Footer()

app = Bare()

async def ready(pilot):
    print(json.dumps({"ready": time.time(), "cpu": time.process_time(), "loaded": []}),
          flush=True)
    app.exit()

app.run(headless=True, size=(120, 40), auto_pilot=ready)
"""


def site(root: Path) -> Path:
    """A site with the repo's screens and styles and a run log in the temp folder."""
    config = root / "config.toml"
    config.write_text(f'[site]\nname = "bench"\nscreens = "{ROOT / "screens"}"\n'
                      f'styles = "{ROOT / "styles"}"\n[store]\npath = "{root / "runlog.db"}"\n')
    return config


def once(config: Path, child: str = CHILD, src: Path | None = None) -> tuple[float, float, list[str]]:
    """(wall seconds, CPU seconds, heavy modules loaded) from process start to the first frame.
    CPU time is the steadier figure on a busy box: waiting for a core is not counted."""
    env = {**os.environ, "PYTHONPATH": str(src)} if src else None
    start = time.time()
    out = subprocess.run([sys.executable, "-c", child, str(config)], capture_output=True,
                         text=True, check=True, cwd=ROOT, env=env).stdout
    result = json.loads(out.strip().splitlines()[-1])
    return result["ready"] - start, result["cpu"], result["loaded"]


def python_alone() -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    return time.perf_counter() - start


def memory_kib(pid: int) -> tuple[int, int]:
    """(VmRSS, VmHWM) of a process, in KiB."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text()
                  .splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]), int(fields["VmHWM"].split()[0])


def memory_round(root: Path, before: Path | None) -> dict[str, tuple[int, int]]:
    """One round: each app started side by side on its own fresh demo sandbox, left idle
    SETTLE s, then its (VmRSS, VmHWM)."""
    trees = {"console": ROOT / "src", **({"before": before} if before else {})}
    env = {**os.environ, "TERM": "xterm-256color"}
    env.pop("NO_COLOR", None)
    programs: dict[str, Pty] = {}
    try:
        for name, src in trees.items():
            tree_env = {**env, "PYTHONPATH": str(src)}
            subprocess.run([sys.executable, "-m", "maintui", "demo", "--path", str(root / name),
                            "--no-tui"], check=True, capture_output=True, env=tree_env)
            programs[name] = Pty([sys.executable, "-m", "maintui", "--config",
                                  str(root / name / "config.toml")], tree_env, (120, 40))
        programs["bare"] = Pty([sys.executable, "-c", BARE_TTY], env, (120, 40))
        end = time.monotonic() + SETTLE
        while time.monotonic() < end:  # drained, so no app blocks on a full pty
            for program in programs.values():
                program.drain(0.1)
        return {name: memory_kib(program.pid) for name, program in programs.items()}
    finally:
        for program in programs.values():
            program.close()


def main() -> None:
    befores = [Path(a.split("=", 1)[1]).resolve() for a in sys.argv[1:] if a.startswith("--before=")]
    before = befores[0] if befores else None
    with tempfile.TemporaryDirectory() as tmp:
        config = site(Path(tmp))
        runs, bare, old = [], [], []
        for _ in range(REPEAT):  # interleaved: a busy moment weighs on all alike
            runs.append(once(config, src=ROOT / "src"))
            bare.append(once(config, BARE))
            if before:
                old.append(once(config, src=before))
        rounds = [memory_round(Path(tmp) / f"mem{i}", before) for i in range(RSS_REPEAT)]
    times = sorted(t for t, _, _ in runs)
    loaded = runs[-1][2]
    ours, floor = statistics.median(times), statistics.median(t for t, _, _ in bare)
    best_bare = min(t for t, _, _ in bare)
    print("| measure | result |\n|---|---|")
    print(f"| first frame, median of {REPEAT} (aim < 0.25 s) | {ours:.3f} s |")
    print(f"| first frame, best / worst | {times[0]:.3f} / {times[-1]:.3f} s |")
    print(f"| bare Textual app, same harness, median | {floor:.3f} s (best {best_bare:.3f}) |")
    print(f"| ratio (aim ≤ 1.15×) | {ours / floor:.2f}× (best to best {times[0] / best_bare:.2f}×) |")
    cpu = {name: statistics.median(c for _, c, _ in got)
           for name, got in (("console", runs), ("bare", bare), ("before", old)) if got}
    print("| CPU to the first frame, median: console / bare | "
          f"{cpu['console']:.3f} / {cpu['bare']:.3f} s: {cpu['console'] / cpu['bare']:.2f}× |")
    if before:
        wall = [t for t, _, _ in old]
        print(f"| before, same harness, median | {statistics.median(wall):.3f} s "
              f"(best {min(wall):.3f}): {statistics.median(wall) / floor:.2f}× "
              f"(best to best {min(wall) / best_bare:.2f}×); CPU {cpu['before']:.3f} s: "
              f"{cpu['before'] / cpu['bare']:.2f}× |")
    print(f"| (python start-up alone) | {python_alone():.3f} s |")
    print(f"| heavy modules loaded before the first frame | {', '.join(loaded) or 'none'} |")
    print(f"\n| idle {SETTLE:.0f} s at 120x40, MiB, {RSS_REPEAT} rounds | VmRSS | VmHWM | "
          "RSS above the bare app |\n|---|---|---|---|")
    for name in rounds[0]:
        rss = [r[name][0] / 1024 for r in rounds]
        hwm = [r[name][1] / 1024 for r in rounds]
        above = [(r[name][0] - r["bare"][0]) / 1024 for r in rounds]
        print(f"| {name} | {' / '.join(f'{v:.1f}' for v in rss)} | "
              f"{' / '.join(f'{v:.1f}' for v in hwm)} | "
              f"{' / '.join(f'{v:+.1f}' for v in above)} (aim ≤ +10) |")


if __name__ == "__main__":
    main()
