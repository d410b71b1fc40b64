"""Console first frame: from process start to the dashboard drawn, and what was imported by then.

Re-run with `.venv/bin/python bench/first_frame.py`; paste the table into bench/BENCHMARKS.md
under "## Console". Each number is the median of REPEAT fresh processes, run headless
(compose, layout and render of the first frame; no terminal writes) at 120x40.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPEAT = 7
ROOT = Path(__file__).resolve().parents[1]
HEAVY = ["pydantic", "psutil", "aiosqlite", "croniter", "maintui.tui.screens.logs", "maintui.core.store.db"]

CHILD = f"""
import sys, time, json
HEAVY = {HEAVY!r}
from maintui.core.site.config import load_config
from maintui.tui.app import make_app

app = make_app(load_config(sys.argv[1]))

async def ready(pilot):
    out = {{"ready": time.time(), "loaded": [m for m in HEAVY if m in sys.modules]}}
    print(json.dumps(out), flush=True)
    app.exit()

app.run(headless=True, size=(120, 40), auto_pilot=ready)
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
    print(json.dumps({"ready": time.time(), "loaded": []}), flush=True)
    app.exit()

app.run(headless=True, size=(120, 40), auto_pilot=ready)
"""


def site(root: Path) -> Path:
    """A site with the repo's screens and styles and a run log in the temp folder."""
    config = root / "config.toml"
    config.write_text(f'[site]\nname = "bench"\nscreens = "{ROOT / "screens"}"\n'
                      f'styles = "{ROOT / "styles"}"\n[store]\npath = "{root / "runlog.db"}"\n')
    return config


def once(config: Path, child: str = CHILD) -> tuple[float, list[str]]:
    start = time.time()
    out = subprocess.run([sys.executable, "-c", child, str(config)], capture_output=True,
                         text=True, check=True, cwd=ROOT).stdout
    result = json.loads(out.strip().splitlines()[-1])
    return result["ready"] - start, result["loaded"]


def python_alone() -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    return time.perf_counter() - start


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        config = site(Path(tmp))
        runs, bare = [], []
        for _ in range(REPEAT):  # interleaved: a busy moment weighs on both alike
            runs.append(once(config))
            bare.append(once(config, BARE)[0])
    times = sorted(t for t, _ in runs)
    loaded = runs[-1][1]
    ours, floor = statistics.median(times), statistics.median(bare)
    print("| measure | result |\n|---|---|")
    print(f"| first frame, median of {REPEAT} (aim < 0.25 s) | {ours:.3f} s |")
    print(f"| first frame, best / worst | {times[0]:.3f} / {times[-1]:.3f} s |")
    print(f"| bare Textual app, same harness, median | {floor:.3f} s (best {min(bare):.3f}) |")
    print(f"| ratio (aim ≤ 1.15×) | {ours / floor:.2f}× (best to best {times[0] / min(bare):.2f}×) |")
    print(f"| (python start-up alone) | {python_alone():.3f} s |")
    print(f"| heavy modules loaded before the first frame | {', '.join(loaded) or 'none'} |")


if __name__ == "__main__":
    main()
