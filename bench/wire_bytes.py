"""Terminal bytes on the wire: the console beside htop and a bare Textual app, side by side.

Re-run with `.venv/bin/python bench/wire_bytes.py [SECONDS] [--size 80x24]` (needs tmux for
the scripted session; htop optional: `apt-get install -y tmux htop`). The console runs on a
fresh demo sandbox (`maintui demo --no-tui`) with one extra screen, `0-busy`, whose step prints
~10 lines a second. Each program runs under its own pseudo-terminal (python's pty module) with
TERM=xterm-256color; everything it writes to the terminal is read and counted.

- idle: the three programs read in turn over the same window; CPU and RSS from /proc.
- a key (Tab, arrow): the least of 4 presses, each read for 0.4 s (a sample landing in the
  window would be counted with it otherwise).
- dialogs: help (a screen) and the monthly session's first question (a modal dialog).
- a busy step: bytes and paints (writes at least 20 ms apart) against the text it printed.
- a whole session: the README's monthly walk-through in tmux (80x24), its bytes taken with
  `pipe-pane`, keys sent as the dialogs ask.
Paste the tables into bench/BENCHMARKS.md under "## Wire".

`… wire_bytes.py SECONDS --before=DIR/src [--size=WxH]`: before and after in one run instead.
A copy of an older tree's `src` (and its `screens`, `styles`, `config.toml` beside it, for its
starter site) runs beside this tree, each on its own fresh sandbox, every scene taken on one
then the other: idle, keys, dialogs opened and closed, a busy step.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import shutil
import signal
import sqlite3
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

from procstat import cpu_seconds, rss_mib  # bench/procstat.py

ROOT = Path(__file__).resolve().parents[1]
WARMUP, WINDOW, SETTLE, KEY_WINDOW = 6.0, 20.0, 1.5, 0.4
BURST_GAP = 0.02  # writes closer than this are one paint
BUSY = """title = "Busy step"
description = "A step that prints about ten lines a second for eight seconds."
[[steps]]
id = "busy"
title = "Print for a while"
run = "for i in $(seq 1 80); do echo \\"line $i of 80: the step is doing its work, $(date +%T)\\"; sleep 0.1; done"
risk = "safe"
"""
BARE = ("from textual.app import App\nfrom textual.widgets import Footer, Header, Static\n"
        "class Bare(App):\n    def compose(self):\n        yield Header()\n"
        "        yield Static('bare')\n        yield Footer()\nBare().run()\n")


class Pty:
    """One program under a pty of the given size; `drain` counts what it wrote."""

    def __init__(self, argv: list[str], env: dict[str, str], size: tuple[int, int]) -> None:
        pid, fd = pty.fork()
        if pid == 0:  # the child: exec the program on the pty
            os.execvpe(argv[0], argv, env)
        self.pid, self.fd = pid, fd
        cols, rows = size
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        os.kill(pid, signal.SIGWINCH)

    def drain(self, seconds: float) -> int:
        return sum(len(data) for _, data in self.read(seconds))

    def read(self, seconds: float) -> list[tuple[float, bytes]]:
        """Everything written during `seconds`, with the time each read came."""
        end, got = time.monotonic() + seconds, []
        while (left := end - time.monotonic()) > 0:
            ready, _, _ = select.select([self.fd], [], [], left)
            if ready:
                try:
                    got.append((time.monotonic(), os.read(self.fd, 65536)))
                except OSError:
                    break
        return got

    def send(self, keys: str) -> None:
        os.write(self.fd, keys.encode())

    def close(self) -> None:
        try:
            os.kill(self.pid, signal.SIGTERM)
            self.drain(0.5)
            os.waitpid(self.pid, 0)
        except (OSError, ChildProcessError):
            pass


def sandbox(root: Path) -> Path:
    """A fresh demo sandbox with the busy screen; returns its config."""
    subprocess.run([sys.executable, "-m", "maintui", "demo", "--path", str(root), "--no-tui"],
                   check=True, capture_output=True)
    (root / "screens" / "0-busy.toml").write_text(BUSY)
    return root / "config.toml"


def number(config: Path, screen: str) -> str:
    """The key that opens a screen from Home: its place in the sorted screen files."""
    names = sorted(p.stem for p in (config.parent / "screens").glob("*.toml"))
    return str(names.index(screen) + 1)


def key(program: Pty, keys: str, settle: float = SETTLE) -> int:
    program.send(keys)
    return program.drain(settle)


def least_of(program: Pty, *keys: str, times: int = 4) -> str:
    """The bytes a key costs, least and most of `times` presses (taking `keys` in turn): a
    sample landing in a key's window is counted with it."""
    costs = []
    for i in range(times):
        costs.append(key(program, keys[i % len(keys)], KEY_WINDOW))
        program.drain(0.3)
    return f"{min(costs)} B (most {max(costs)} B)"


def paints(reads: list[tuple[float, bytes]]) -> int:
    """Bursts of writes that drew something (not only Textual's cursor move after an update
    that turned out to change nothing)."""
    bursts: list[int] = []
    last = -1.0
    for at, data in reads:
        if at - last > BURST_GAP:
            bursts.append(0)
        bursts[-1] += len(re.sub(rb"\x1b\[\d+;\d+H", b"", data))
        last = at
    return sum(1 for size in bursts if size)


def idle_side_by_side(programs: dict[str, Pty], window: float) -> dict[str, tuple]:
    """(bytes/s, CPU %, RSS MiB) per program over the same window, read in turn."""
    got = dict.fromkeys(programs, 0)
    cpu = {name: cpu_seconds(p.pid) for name, p in programs.items()}
    end = time.monotonic() + window
    while time.monotonic() < end:
        for name, program in programs.items():
            got[name] += program.drain(0.1)
    return {name: (got[name] / window, (cpu_seconds(p.pid) - cpu[name]) / window * 100,
                   rss_mib(p.pid)) for name, p in programs.items()}


def busy_step(console: Pty, config: Path) -> tuple[float, int, float, int]:
    """Run the busy screen: (seconds, bytes written, paints a second, bytes of text printed)."""
    key(console, number(config, "0-busy"))
    console.send("r")
    reads = console.read(10.0)
    console.send("\x1b")  # back Home
    console.drain(SETTLE)
    seconds = reads[-1][0] - reads[0][0] if reads else 0.0
    db = sqlite3.connect(config.parent / "state" / "runlog.db")
    try:
        text = sum(len(t) for (t,) in db.execute(
            "SELECT text FROM output o JOIN runs r ON r.id = o.run_id WHERE r.screen = '0-busy'"))
    finally:
        db.close()
    return seconds, sum(len(d) for _, d in reads), paints(reads) / max(seconds, 1e-9), text


class Tmux:
    """The scripted session's terminal: a private tmux server, its output piped to a file."""

    def __init__(self, size: tuple[int, int]) -> None:
        self.cmd = ["tmux", "-L", f"wire-{os.getpid()}"]
        self.size = size

    def __call__(self, *args: str) -> str:
        return subprocess.run([*self.cmd, *args], capture_output=True, text=True).stdout

    def screen(self) -> str:
        return self("capture-pane", "-p", "-t", "wire")

    def wait_for(self, *texts: str, timeout: float = 30.0) -> str:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            shown = self.screen()
            if any(t in shown for t in texts):
                return shown
            time.sleep(0.1)
        raise RuntimeError(f"none of {texts} appeared:\n{self.screen()}")

    def wait_gone(self, text: str, timeout: float = 30.0) -> None:
        end = time.monotonic() + timeout
        while text in self.screen() and time.monotonic() < end:
            time.sleep(0.1)


def session(config: Path, out: Path, size: tuple[int, int]) -> tuple[float, int, int]:
    """The README's monthly walk-through in tmux: (seconds, bytes written, keys sent)."""
    tmux = Tmux(size)
    keys = 0

    def send(*args: str) -> None:
        nonlocal keys
        keys += len(args[-1]) if args[0] == "-l" else len(args)
        tmux("send-keys", "-t", "wire", *args)

    tmux("new-session", "-d", "-s", "wire", "-x", str(size[0]), "-y", str(size[1]),
         f"exec env TERM=xterm-256color {sys.executable} -m maintui --config {config}")
    tmux("pipe-pane", "-o", "-t", "wire", f"cat > {out}")
    start = time.monotonic()
    try:
        shown = tmux.wait_for("monthly ")
        send("-l", re.search(r"(\d) monthly\b", shown).group(1))
        tmux.wait_for("press r to start")
        send("-l", "r")
        if "why start now?" in tmux.wait_for("why start now?", "Run notice:"):
            send("-l", "monthly")
            send("Enter")
        for step in ("notice", "maintenance-on", "backup", "retention-events",
                     "retention-alerts", "optimize", "Checklist:", "maintenance-off"):
            shown = tmux.wait_for("Checklist:" if step == "Checklist:" else f"Run {step}:")
            if step != "Checklist:":  # the dialog's lower edge, written last: all of it is there
                shown = tmux.wait_for("runs it", ", then Enter")
            if step == "Checklist:":
                send("Enter")
                tmux.wait_gone("Checklist:")
                continue
            if "type the step id" in shown:
                send("-l", step)
                send("Enter")
            elif "risk destructive" in shown:
                send("Tab", "Enter")
            else:
                send("-l", "y")
            tmux.wait_gone(f"Run {step}:")
        tmux.wait_for("run 1 failed", "run 1 succeeded", timeout=60)
        seconds = time.monotonic() - start
        time.sleep(0.5)
    finally:
        tmux("kill-server")
    return seconds, out.stat().st_size if out.exists() else 0, keys


def before_and_after(before: Path, size: tuple[int, int], window: float) -> None:
    """The scenes on an older tree (`before`, its src folder) and on this one, side by side."""
    trees = {"before": before.resolve(), "after": ROOT / "src"}
    cols, rows = size
    results: dict[str, dict[str, str]] = {name: {} for name in trees}
    with tempfile.TemporaryDirectory() as tmp:
        consoles, configs = {}, {}
        for name, src in trees.items():
            env = {**os.environ, "TERM": "xterm-256color", "PYTHONPATH": str(src)}
            env.pop("NO_COLOR", None)
            root = Path(tmp) / name
            subprocess.run([sys.executable, "-m", "maintui", "demo", "--path", str(root),
                            "--no-tui"], check=True, capture_output=True, env=env)
            (root / "screens" / "0-busy.toml").write_text(BUSY)
            configs[name] = root / "config.toml"
            consoles[name] = Pty([sys.executable, "-m", "maintui", "--config",
                                  str(configs[name])], env, size)

        def each(scene: str, measure) -> None:
            for name, console in consoles.items():
                results[name][scene] = measure(name, console)

        try:
            for console in consoles.values():
                console.drain(WARMUP / 2)
            idle = idle_side_by_side(consoles, window)
            each("idle home", lambda n, c: f"{idle[n][0]:.0f} B/s, CPU {idle[n][1]:.2f} %, "
                                           f"{idle[n][2]:.0f} MiB")
            each("an arrow, least of 4", lambda n, c: least_of(c, "\x1b[B", "\x1b[A"))
            each("a focus move (Tab, shift+Tab), least of 4",
                 lambda n, c: least_of(c, "\t", "\x1b[Z"))
            each("open help (?)", lambda n, c: f"{key(c, '?')} B")
            each("close help (esc)", lambda n, c: f"{key(c, chr(27))} B")
            each("open the monthly session", lambda n, c: f"{key(c, number(configs[n], 'monthly'))} B")
            each("its first question (r)", lambda n, c: f"{key(c, 'r')} B")
            each("idle with it open", lambda n, c: f"{c.drain(5.0) / 5.0:.0f} B/s")
            each("close it (esc)", lambda n, c: f"{key(c, chr(27))} B")
            each("back Home (esc)", lambda n, c: f"{key(c, chr(27))} B")
            each("walk: l esc r esc t esc h", lambda n, c: f"{sum(key(c, k) for k in 'l' + chr(27) + 'r' + chr(27) + 't' + chr(27) + 'h')} B")

            def busy(name: str, console: Pty) -> str:
                seconds, wrote, rate, text = busy_step(console, configs[name])
                return f"{wrote} B for {text} B of text ({wrote / max(text, 1):.1f}×), {rate:.1f} paints/s"

            each("a busy step", busy)
        finally:
            for console in consoles.values():
                console.close()
    print(f"| scene, {cols}x{rows}, one run | before | after |\n|---|---|---|")
    for scene in results["before"]:
        print(f"| {scene} | {results['before'][scene]} | {results['after'][scene]} |")


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    sizes = [a.split("=", 1)[1] for a in sys.argv[1:] if a.startswith("--size=")]
    befores = [a.split("=", 1)[1] for a in sys.argv[1:] if a.startswith("--before=")]
    cols, rows = (int(n) for n in (sizes[0] if sizes else "80x24").split("x"))
    size = (cols, rows)
    window = float(args[0]) if args else WINDOW
    if befores:
        before_and_after(Path(befores[0]), size, window)
        return
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": str(cols), "LINES": str(rows)}
    env.pop("NO_COLOR", None)
    rows_out: list[tuple[str, str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        config = sandbox(Path(tmp) / "demo")
        console = Pty([sys.executable, "-m", "maintui", "--config", str(config)], env, size)
        htop = Pty(["htop"], env, size) if shutil.which("htop") else None
        bare = Pty([sys.executable, "-c", BARE], env, size)
        programs = {"console": console, "bare": bare, **({"htop": htop} if htop else {})}
        try:
            first = console.drain(WARMUP)
            for program in programs.values():
                program.drain(0.1)
            idle = idle_side_by_side(programs, window)
            htop_rate = f"{idle['htop'][0]:.0f} B/s" if htop else "-"
            rows_out.append(("idle home (dashboard)", f"{idle['console'][0]:.0f} B/s", htop_rate))
            rows_out.append(("first frame and warm-up", f"{first} B", "-"))
            rows_out.append(("an arrow in the screen list (down, up), least of 4",
                             least_of(console, "\x1b[B", "\x1b[A"), "-"))
            rows_out.append(("a focus move (Tab, shift+Tab), least of 4",
                             least_of(console, "\t", "\x1b[Z"), "-"))
            rows_out.append(("open help (?)", f"{key(console, '?')} B", "-"))
            rows_out.append(("idle with help open", f"{console.drain(window) / window:.0f} B/s",
                             htop_rate))
            rows_out.append(("close help (esc)", f"{key(console, chr(27))} B", "-"))
            key(console, number(config, "monthly"))
            rows_out.append(("open the monthly session's first question (r)",
                             f"{key(console, 'r')} B", "-"))
            rows_out.append(("idle with that dialog open", f"{console.drain(window) / window:.0f} B/s",
                             htop_rate))
            rows_out.append(("close it (esc)", f"{key(console, chr(27))} B", "-"))
            key(console, chr(27))  # back Home
            walk = sum(key(console, k) for k in ("l", "\x1b", "r", "\x1b", "t", "\x1b", "h"))
            rows_out.append(("walk: l esc r esc t esc h", f"{walk} B", "-"))
            seconds, wrote, rate, text = busy_step(console, config)
            rows_out.append((f"busy step, {seconds:.1f} s: {text} B of text printed",
                             f"{wrote} B ({wrote / max(text, 1):.1f}× the text), "
                             f"{rate:.1f} paints/s", "-"))
        finally:
            for program in programs.values():
                program.close()
        if shutil.which("tmux"):
            fresh = sandbox(Path(tmp) / "session")
            seconds, wrote, keys = session(fresh, Path(tmp) / "session.out", size)
            rows_out.append((f"the monthly walk-through, {keys} keys, {seconds:.0f} s",
                             f"{wrote} B ({wrote / seconds:.0f} B/s)", "-"))
    print(f"| scene, {cols}x{rows}, idle window {window:.0f} s | maintui | htop |")
    print("|---|---|---|")
    for name, ours, theirs in rows_out:
        print(f"| {name} | {ours} | {theirs} |")
    print(f"\n| idle side by side, {cols}x{rows}, {window:.0f} s | terminal | CPU (% of a core) "
          "| RSS |\n|---|---|---|---|")
    for name, (rate, cpu, rss) in idle.items():
        print(f"| {name} | {rate:.0f} B/s | {cpu:.2f} % | {rss:.0f} MiB |")


if __name__ == "__main__":
    main()
