"""Engine benchmarks: recording overhead, per-step overhead, validating a big screen.

Re-run with `.venv/bin/python bench/engine.py`; paste the table into bench/BENCHMARKS.md.
Every number is the median of REPEAT runs of a fresh `maintui` process.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPEAT = 3
FLOOD = "import sys\nw = sys.stdout.write\nfor i in range(1_000_000): w(f'line {i} of the flood with some text\\n')\n"


def timed(argv: list[str], cwd: Path) -> float:
    best = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        subprocess.run(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       stdin=subprocess.DEVNULL, check=False)
        best.append(time.perf_counter() - start)
    return statistics.median(best)


def site(root: Path) -> None:
    (root / "screens").mkdir(parents=True)
    (root / "config.toml").write_text('[store]\npath = "state/runlog.db"\n')
    (root / "flood.py").write_text(FLOOD)
    step = 'title = "{t}"\n[[steps]]\nid = "s"\ntitle = "s"\nrisk = "safe"\n{body}\n'
    (root / "screens" / "empty.toml").write_text(step.format(t="empty", body='run = "true"'))
    (root / "screens" / "flood.toml").write_text(step.format(
        t="flood", body=f'argv = ["{sys.executable}", "{root / "flood.py"}"]'))
    noops = ['title = "noops"'] + [f'[[steps]]\nid = "n{i}"\ntitle = "no-op {i}"\nrisk = "safe"\n'
                                   f'run = "true"' for i in range(200)]
    (root / "screens" / "noops.toml").write_text("\n".join(noops) + "\n")
    big = ['title = "big"'] + [
        f'[[steps]]\nid = "s{i}"\ntitle = "step {i}"\nrun = "echo {i}"\nrisk = "safe"\n'
        + (f'after = ["s{i - 1}"]\n' if i else "") for i in range(1000)]
    (root / "big.toml").write_text("\n".join(big) + "\n")


def main() -> None:
    maintui = [sys.executable, "-m", "maintui", "--config"]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        site(root)
        cfg = str(root / "config.toml")
        run = [*maintui, cfg, "run", "--yes", "--quiet"]
        bare = timed([sys.executable, str(root / "flood.py")], root)
        piped = timed(["sh", "-c", f"{sys.executable} {root / 'flood.py'} | cat > /dev/null"], root)
        empty = timed([*run, "empty"], root)
        flood = timed([*run, "flood"], root)
        noops = timed([*run, "noops"], root)
        validate = timed([*maintui, cfg, "validate", str(root / "big.toml")], root)
        python = timed([sys.executable, "-c", "pass"], root)
    rows = [
        ("step printing 1M lines, bare (to /dev/null)", f"{bare:.2f} s"),
        ("same step into a pipe (`| cat > /dev/null`)", f"{piped:.2f} s"),
        ("same step under `maintui run` (empty run subtracted)", f"{flood - empty:.2f} s"),
        ("recording overhead vs /dev/null (aim < 1.2×)", f"{(flood - empty) / bare:.2f}×"),
        ("recording overhead vs a plain pipe", f"{(flood - empty) / piped:.2f}×"),
        ("empty run (start-up, lease, one no-op step)", f"{empty:.2f} s"),
        ("200 no-op steps, per step (aim < 10 ms)", f"{(noops - empty) / 199 * 1000:.1f} ms"),
        ("`maintui validate` of a 1,000-step screen (aim < 0.3 s)", f"{validate:.2f} s"),
        ("(python start-up alone)", f"{python:.2f} s"),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"| {'measure':<{width}} | result |\n|{'-' * (width + 2)}|--------|")
    for name, value in rows:
        print(f"| {name:<{width}} | {value} |")


if __name__ == "__main__":
    main()
