"""Opening a 1 GB, 10M-line log at its end: time to the last screen of lines, and peak RSS.

    .venv/bin/python bench/logs_open.py [--runs 3]

Three ways, each a fresh process timed from spawn (interpreter start-up included):
core (`LogFile.tail(24)`), the standalone logs app headless at 80x24 (until the last line
is drawn), and the same app in a real terminal (tmux 80x24 on a private `-L logsperf` server, until
capture-pane shows it) started as `maintui logs PATH` and as `python -m maintui.tui.logs_app`.
The file is generated once and cached in /tmp.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

LOG = Path("/tmp/maintui-bench-1g.log")
LINES = 10_000_000
LAST = f"request {LINES - 1:08d}"
PY = sys.executable

CORE = """
import json, sys
from maintui.core.logs.tail import LogFile
log = LogFile(sys.argv[1])
lines = log.tail(24)
print(lines[-1].text, flush=True)
rss = int(open("/proc/self/status").read().split("VmHWM:")[1].split()[0])
print(json.dumps({"rss_kb": rss, "bytes_read": log.bytes_read}), flush=True)
"""

HEADLESS = """
import json, sys
from pathlib import Path
from maintui.tui.logs_app import LogsApp
from maintui.tui.widgets.log_view import LogView

class Bench(LogsApp):
    def on_mount(self):
        self.set_interval(0.005, self.check)

    def check(self):
        view = self.screen.query_one(LogView)
        rows = [view.render_line(y) for y in range(view.size.height)]
        if any(sys.argv[2] in "".join(s.text for s in row) for row in rows):
            # VmHWM, not ru_maxrss: Linux carries ru_maxrss over exec from the forked parent.
            rss = int(open("/proc/self/status").read().split("VmHWM:")[1].split()[0])
            print(sys.argv[2], json.dumps({"rss_kb": rss}), flush=True)
            self.exit()

Bench({"bench.log": Path(sys.argv[1])}).run(headless=True, size=(80, 24))
"""


def make_log() -> None:
    if LOG.exists() and LOG.stat().st_size > 1_000_000_000:
        return
    print(f"writing {LOG} (once) …", file=sys.stderr)
    levels = ["INFO", "INFO", "DEBUG", "WARNING", "INFO", "ERROR", "INFO", "INFO"]
    tmp = LOG.with_suffix(".tmp")
    with tmp.open("w") as f:
        for start in range(0, LINES, 100_000):
            f.write("".join(
                f"2026-11-23 10:{i // 60 % 60:02d}:{i % 60:02d},{i % 1000:03d} {levels[i % 8]:<7}"
                f" app.worker[{i % 97}]: request {i:08d} handled in {i % 500} ms path=/api/v1/items\n"
                for i in range(start, start + 100_000)
            ))
    tmp.rename(LOG)


def timed(argv: list[str], marker: str) -> tuple[float, dict]:
    """Seconds from spawn until `marker` appears on stdout, and the JSON the child prints."""
    started = time.perf_counter()
    child = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True, stderr=subprocess.DEVNULL)
    assert child.stdout is not None
    elapsed, info = None, {}
    for line in child.stdout:
        if elapsed is None and marker in line:
            elapsed = time.perf_counter() - started
        if "{" in line:
            info = json.loads(line[line.index("{"):])
    child.wait()
    assert elapsed is not None, f"{marker!r} never shown"
    return elapsed, info


def tmux_time(command: str) -> float | None:
    """Seconds from spawning `command` in tmux 80x24 until the last line is on the pane."""
    if shutil.which("tmux") is None:
        return None
    tmux = ["tmux", "-L", "logsperf"]  # a private server: never the operator's sessions
    session = f"logs-bench-{os.getpid()}"
    started = time.perf_counter()
    subprocess.run([*tmux, "new", "-d", "-s", session, "-x", "80", "-y", "24", command], check=True)
    try:
        while time.perf_counter() - started < 30:
            pane = subprocess.run([*tmux, "capture-pane", "-p", "-t", session],
                                  capture_output=True, text=True).stdout
            if LAST in pane:
                return time.perf_counter() - started
            time.sleep(0.005)
        return None
    finally:
        subprocess.run([*tmux, "kill-session", "-t", session], capture_output=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    make_log()
    size = LOG.stat().st_size
    core = [timed([PY, "-c", CORE, str(LOG)], LAST) for _ in range(runs)]
    tui = [timed([PY, "-c", HEADLESS, str(LOG), LAST], LAST) for _ in range(runs)]
    cli = str(Path(PY).with_name("maintui"))
    term = [t for t in (tmux_time(f"{cli} logs {LOG}") for _ in range(runs)) if t is not None]
    module = [t for t in (tmux_time(f"{PY} -m maintui.tui.logs_app {LOG}") for _ in range(runs))
              if t is not None]
    start_up = statistics.median(timed([PY, "-c", "print('up')"], "up")[0] for _ in range(runs))
    floor = statistics.median(timed([PY, "-c", "import textual.app; print('up')"], "up")[0]
                              for _ in range(runs))

    def row(name: str, times: list[float], rss_kb: int | None) -> str:
        rss = f"{rss_kb / 1024:.0f} MB" if rss_kb else "-"
        return f"| {name:<44} | {statistics.median(times):6.3f} s | {rss:>7} |"

    print(f"file: {size / 1e9:.2f} GB, {LINES:,} lines; median of {runs} fresh processes")
    print(f"| {'to the last 24 lines':<44} | {'time':>8} | {'peak RSS':>7} |")
    print(f"|{'-' * 46}|{'-' * 10}|{'-' * 9}|")
    print(row("core: LogFile(path).tail(24)", [t for t, _ in core], core[0][1]["rss_kb"]))
    print(row("TUI headless 80x24: last line drawn", [t for t, _ in tui], tui[0][1]["rss_kb"]))
    if term:
        print(row("TUI in tmux 80x24: `maintui logs PATH`", term, None))
    if module:
        print(row("TUI in tmux 80x24: `python -m maintui.tui.logs_app`", module, None))
    print(row("(python start-up alone)", [start_up], None))
    print(row("(python start-up + `import textual.app`)", [floor], None))
    print(f"bytes read by the core to open: {core[0][1]['bytes_read']:,}")


if __name__ == "__main__":
    main()
