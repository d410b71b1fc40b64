"""Console first frame and memory, beside a bare Textual app (Header, Static, Footer).

Re-run with `.venv/bin/python bench/first_frame.py [--before=DIR/src]`; paste the tables into
bench/BENCHMARKS.md. Bytecode first: both trees (`src`, and the `--before` tree) are compiled
into their `__pycache__` folders (gitignored) before anything is measured, as pip does for an
operator's install and an editable install does on its first run. Without it (this machine
sets PYTHONDONTWRITEBYTECODE, and `src` is an editable install) every start compiled ~40 of our
modules from source (~30 ms of CPU, ~1.2 MiB) while Textual's came from pip's .pyc. Beside the
sources rather than under PYTHONPYCACHEPREFIX: a prefix moves every module's cache, Textual's
too, so both apps would then read their Textual from a cache pip never wrote.
First frame: the median of REPEAT fresh processes, run headless (compose, layout and render;
no terminal writes) at 120x40, interleaved with the bare app, in wall time and in CPU time
(steadier on a busy box). Three moments, each from process start:
- `ready`: Textual's ready callback (the auto-pilot starts). Earlier passes measured this; it
  is not a frame: the bare app's screen is not even mounted then, and ours has not written.
- `first frame`: the update that completes the first whole screen a terminal would receive
  (`App._display` outside a batch, every cell written at least once): what the operator sees.
- `all drawn`: the first update from which on the screen has every kind of widget it has ~1 s
  later (ours: the key line's keys and anything composed a frame later; the bare app: its
  footer's keys). Kinds, not a count: data that comes later (the board's screens, a key shown
  while there are problems, the first sample) adds widgets of kinds already there.
The console starts as `maintui --config` does (its command line parsed); the harness imports
Textual first to wrap `App._display`, so the collector the console turns off until its first
frame is still on for Textual's import.
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

# Both apps run under the same watch: every update a terminal would get (the current screen's,
# outside a batch) is noted with the cells it covers and the screen's kinds of widget, each moment
# with (wall, CPU); the app exits ~1 s after Textual's ready callback.
WATCH = f"""
import sys, time, json, asyncio
HEAVY = {HEAVY!r}
from textual.app import App
from textual._compositor import LayoutUpdate

moments, frames, painted = {{}}, [], {{}}
display = App._display

def now():
    return [time.time(), time.process_time()]

def watched(app, screen, update):
    if update is not None and not app._batch_count and app._running and screen is app.screen:
        if "first" not in moments:
            width, height = app.size
            if isinstance(update, LayoutUpdate):
                painted.update((y, width) for y in range(height))
            else:
                for y, x1, x2 in update.spans:  # cells covered, kept as a count per line
                    painted[y] = min(width, painted.get(y, 0) + x2 - x1)
            if sum(painted.values()) >= width * height:
                moments["first"] = now()
                moments["loaded"] = [m for m in HEAVY if m in sys.modules]
        frames.append(({{type(w).__name__ for w in screen.walk_children()}}, now()))
    return display(app, screen, update)

App._display = watched

async def pilot_ready(pilot):
    moments["ready"] = now()
    await asyncio.sleep(1.0)
    kinds = {{type(w).__name__ for w in pilot.app.screen.walk_children()}}
    last_other = max((i for i, (k, _) in enumerate(frames) if not k >= kinds), default=-1)
    moments["all"] = frames[last_other + 1][1] if last_other + 1 < len(frames) else None
    if moments["all"] and moments.get("first") and moments["all"][1] < moments["first"][1]:
        moments["all"] = moments["first"]  # every kind was there before the screen was whole
    print(json.dumps(moments), flush=True)
    pilot.app.exit()
"""

# `maintui --config PATH` as an operator starts it (the command line parsed, the config read),
# run headless
CHILD = WATCH + """
run = App.run
App.run = lambda app, **kw: run(app, headless=True, size=(120, 40), auto_pilot=pilot_ready)
from maintui.cli import main
main(["--config", sys.argv[1]])
"""

# the same harness around a bare Textual app (Header, Static, Footer): the floor to compare to
BARE = WATCH + """
from textual.widgets import Footer, Header, Static

class Bare(App):
    def compose(self):
        yield Header()
        yield Static("bare")
        yield Footer()

Bare().run(headless=True, size=(120, 40), auto_pilot=pilot_ready)
"""
MOMENTS = ("ready", "first", "all")


def compile_tree(src: Path) -> None:
    """Bytecode beside the sources, as an installed tree has it (see the docstring)."""
    import compileall

    compileall.compile_dir(str(src), quiet=1)


def site(root: Path) -> Path:
    """A site with the repo's screens and styles and a run log in the temp folder."""
    config = root / "config.toml"
    config.write_text(f'[site]\nname = "bench"\nscreens = "{ROOT / "screens"}"\n'
                      f'styles = "{ROOT / "styles"}"\n[store]\npath = "{root / "runlog.db"}"\n')
    return config


def once(config: Path, child: str = CHILD, src: Path | None = None) -> dict:
    """{moment: (wall s, CPU s)} from process start, and `loaded`: the heavy modules loaded by
    the first frame. CPU time is the steadier figure on a busy box: waiting for a core is not
    counted (every thread's is, the poller's included)."""
    env = {**os.environ, "PYTHONPATH": str(src)} if src else None
    start = time.time()
    out = subprocess.run([sys.executable, "-c", child, str(config)], capture_output=True,
                         text=True, check=True, cwd=ROOT, env=env).stdout
    got = json.loads(out.strip().splitlines()[-1])
    return {**{m: (got[m][0] - start, got[m][1]) for m in MOMENTS if got.get(m)},
            "loaded": got.get("loaded", [])}


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
    for src in [ROOT / "src", *([before] if before else [])]:
        compile_tree(src)
    with tempfile.TemporaryDirectory() as tmp:
        config = site(Path(tmp))
        got: dict[str, list[dict]] = {"console": [], "bare": [], "before": []}
        for _ in range(REPEAT):  # interleaved: a busy moment weighs on all alike
            got["console"].append(once(config, src=ROOT / "src"))
            got["bare"].append(once(config, BARE))
            if before:
                got["before"].append(once(config, src=before))
        rounds = [memory_round(Path(tmp) / f"mem{i}", before) for i in range(RSS_REPEAT)]
    apps = [name for name in ("console", "before") if got[name]]
    print(f"| median of {REPEAT}, s (CPU · wall) | bare | "
          + " | ".join(f"{name} | {name} / bare" for name in apps) + " |")
    print("|---|---|" + "---|---|" * len(apps))
    for moment in MOMENTS:
        med = {name: [statistics.median(r[moment][i] for r in got[name] if moment in r)
                      for i in (1, 0)] for name in ("bare", *apps)}
        cells = [f"{med[name][0]:.3f} · {med[name][1]:.3f} | **{med[name][0] / med['bare'][0]:.2f}×**"
                 f" · {med[name][1] / med['bare'][1]:.2f}×" for name in apps]
        print(f"| {moment} | {med['bare'][0]:.3f} · {med['bare'][1]:.3f} | " + " | ".join(cells) + " |")
    best = {name: min(r["first"][0] for r in got[name]) for name in ("bare", *apps)}
    print("| first frame, wall, best to best | " + f"{best['bare']:.3f} | " + " | ".join(
        f"{best[name]:.3f} | {best[name] / best['bare']:.2f}×" for name in apps) + " |")
    loaded = got["console"][-1]["loaded"]
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
