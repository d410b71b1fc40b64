"""Terminal bytes on the wire: the console beside htop and a bare Textual app, under ptys at 80x24.

Re-run with `.venv/bin/python bench/wire_bytes.py [SECONDS]` (htop optional:
`apt-get install -y htop`). Each program runs under a pseudo-terminal of 80x24 (python's pty
module) with TERM=xterm-256color; everything it writes to the terminal is read and counted.
After a warm-up, each scene is measured for the window (idle) or for a short settle after a key
(one keypress). Paste the table into bench/BENCHMARKS.md under "## Wire".
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import shutil
import signal
import struct
import sys
import tempfile
import termios
import time
from pathlib import Path

from procstat import cpu_seconds, rss_mib  # bench/procstat.py

ROOT = Path(__file__).resolve().parents[1]
COLS, ROWS = 80, 24
WARMUP, WINDOW, SETTLE = 6.0, 20.0, 1.5


class Pty:
    """One program under a pty of COLS x ROWS; `drain` counts what it wrote."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        pid, fd = pty.fork()
        if pid == 0:  # the child: exec the program on the pty
            os.execvpe(argv[0], argv, env)
        self.pid, self.fd = pid, fd
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
        os.kill(pid, signal.SIGWINCH)
        self.total = 0

    def drain(self, seconds: float) -> int:
        """Read (and count) everything written during `seconds`."""
        end, count = time.monotonic() + seconds, 0
        while (left := end - time.monotonic()) > 0:
            ready, _, _ = select.select([self.fd], [], [], left)
            if ready:
                try:
                    data = os.read(self.fd, 65536)
                except OSError:
                    break
                count += len(data)
        self.total += count
        return count

    def send(self, keys: str) -> None:
        os.write(self.fd, keys.encode())

    def close(self) -> None:
        try:
            os.kill(self.pid, signal.SIGTERM)
            self.drain(0.5)
            os.waitpid(self.pid, 0)
        except (OSError, ChildProcessError):
            pass


BARE = ("from textual.app import App\nfrom textual.widgets import Footer, Header, Static\n"
        "class Bare(App):\n    def compose(self):\n        yield Header()\n"
        "        yield Static('bare')\n        yield Footer()\nBare().run()\n")


def site(root: Path) -> Path:
    config = root / "config.toml"
    config.write_text(f'[site]\nname = "bench"\nscreens = "{ROOT / "screens"}"\n'
                      f'styles = "{ROOT / "styles"}"\n[store]\npath = "{root / "runlog.db"}"\n')
    return config


def idle(program: Pty, window: float) -> float:
    return program.drain(window) / window


def key(program: Pty, keys: str) -> int:
    program.send(keys)
    return program.drain(SETTLE)


def main() -> None:
    window = float(sys.argv[1]) if len(sys.argv) > 1 else WINDOW
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": str(COLS), "LINES": str(ROWS)}
    env.pop("NO_COLOR", None)
    rows: list[tuple[str, str, str]] = []
    idle_figures: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        config = site(Path(tmp))
        console = Pty([sys.executable, "-m", "maintui", "--config", str(config)], env)
        htop = Pty(["htop"], env) if shutil.which("htop") else None
        bare = Pty([sys.executable, "-c", BARE], env)
        programs = {"console": console, "bare": bare, **({"htop": htop} if htop else {})}
        try:
            first = console.drain(WARMUP)
            for program in programs.values():
                program.drain(0.1)
            # all idle in the same window, read in turn so none starves
            got = dict.fromkeys(programs, 0)
            cpu = {name: cpu_seconds(p.pid) for name, p in programs.items()}
            end = time.monotonic() + window
            while time.monotonic() < end:
                for name, program in programs.items():
                    got[name] += program.drain(0.1)
            for name, program in programs.items():
                cpu[name] = (cpu_seconds(program.pid) - cpu[name]) / window * 100
                idle_figures.append(f"| {name} | {got[name] / window:.0f} B/s | "
                                    f"{cpu[name]:.2f} % | {rss_mib(program.pid):.0f} MiB |")
            htop_rate = f"{got['htop'] / window:.0f} B/s" if htop else "-"
            rows.append(("idle home (dashboard)", f"{got['console'] / window:.0f} B/s", htop_rate))
            rows.append(("first frame and warm-up", f"{first} B", "-"))
            tab = key(console, "\t")
            rows.append(("one Tab (focus move)", f"{tab} B", "-"))
            down = key(console, "\x1b[B")
            rows.append(("one arrow down", f"{down} B", "-"))
            opened = key(console, "?")
            rows.append(("open help (?)", f"{opened} B", "-"))
            rows.append(("idle with help open", f"{idle(console, window):.0f} B/s", htop_rate))
            rows.append(("close help (esc)", f"{key(console, chr(27))} B", "-"))
            walk = sum(key(console, k) for k in ("l", "\x1b", "r", "\x1b", "t", "\x1b", "h"))
            rows.append(("walk: l esc r esc t esc h", f"{walk} B", "-"))
        finally:
            for program in programs.values():
                program.close()
    print(f"| scene, {COLS}x{ROWS}, idle window {window:.0f} s | maintui | htop |")
    print("|---|---|---|")
    for name, ours, theirs in rows:
        print(f"| {name} | {ours} | {theirs} |")
    print(f"\n| idle side by side, {COLS}x{ROWS}, {window:.0f} s | terminal | CPU (% of a core) "
          "| RSS |\n|---|---|---|---|")
    print("\n".join(idle_figures))


if __name__ == "__main__":
    main()
