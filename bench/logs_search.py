"""The view's whole-file search (core.logs.search.FileSearch, what its worker runs) over a
big log: time to the first match and to the end, against `grep -c` on the same file, same run.

    .venv/bin/python bench/logs_search.py [--file /tmp/maintui-bench-scan.log] [--size-mb 1024]
        [--chunked] [--json]

The file is bench/logs_scan.py's generated Java log (made when missing); with `--json`, a
JSON-lines log (`/tmp/maintui-bench-search.json`, 2 % of records at level 50, no level word). Three queries: a rare
literal, a common literal, a regex; and the error-record search behind `>` and the `e` filter:
GNU grep's candidates confirmed by the format (what the view runs), beside the chunked reading
alone (`--chunked`, the previous path; both must find the same offsets) and `grep -c` of the
level words and of `ERROR|WARN`, all in the same run.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import subprocess
import time
from pathlib import Path

from logs_scan import generate  # bench/ is on sys.path when run as a script

from maintui.core.logs import formats, search
from maintui.core.logs.search import FileSearch

GREP_MIN = search.GREP_MIN

QUERIES = [("rare", "order 424242 failed"), ("common", "slow checkout"),
           ("regex", r"failed after 9\d\d\dms")]


def generate_json(path: Path, size: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    block = []
    for i in range(20000):
        level = 50 if rng.random() < 0.02 else 30
        block.append(json.dumps({"time": f"2026-12-05T08:{i // 600 % 60:02d}:{i % 60:02d}Z",
                                 "level": level, "msg": f"request {rng.randint(1, 10**6)} "
                                 f"took {rng.randint(1, 900)}ms", "pid": 7}) + "\n")
    data = "".join(block).encode()
    with path.open("wb") as fh:
        for _ in range(size // len(data) + 1):
            fh.write(data)


def timed(finder: FileSearch) -> tuple[float | None, float, int]:
    first: list[float] = []
    t0 = time.perf_counter()

    def progress(done: int, size: int, found: int) -> None:
        if found and not first:
            first.append(time.perf_counter() - t0)

    hits = finder.run(progress)
    return (first[0] if first else None), time.perf_counter() - t0, len(hits)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--file", default="/tmp/maintui-bench-scan.log")
    ap.add_argument("--size-mb", type=int, default=1024)
    ap.add_argument("--chunked", action="store_true", help="also time the chunked error search")
    ap.add_argument("--errors-only", action="store_true")
    ap.add_argument("--json", action="store_true", help="a JSON-lines log instead")
    args = ap.parse_args()
    path = Path("/tmp/maintui-bench-search.json" if args.json else args.file)
    if not path.exists():
        (generate_json if args.json else generate)(path, args.size_mb << 20)
    subprocess.run(["cat", str(path)], stdout=subprocess.DEVNULL, check=True)
    print(f"file {path.stat().st_size / 2**20:.0f} MiB")
    for name, query in [] if args.errors_only or args.json else QUERIES:
        t0 = time.perf_counter()
        grep = subprocess.run(["grep", "-cE", query, str(path)], capture_output=True, text=True,
                              check=False)
        grep_s = time.perf_counter() - t0
        literal = "" if name == "regex" else query  # as the view passes a plain-text filter

        def finder(literal: str = literal, query: str = query) -> FileSearch:
            return FileSearch(path, re.compile(query, re.IGNORECASE), literal=literal)
        first, total, n = timed(finder())
        first_s = "none" if first is None else f"{first:.3f} s"
        print(f"{name:7} {query!r}: first match {first_s}, end {total:.2f} s, {n:,} hits; "
              f"grep -c {grep_s:.2f} s ({grep.stdout.strip()}) → {total / grep_s:.1f}x")
        if args.chunked:
            search.GREP_MIN = 1 << 62
            first, total, n = timed(finder())
            search.GREP_MIN = GREP_MIN
            print(f"{'':7} chunked only: end {total:.2f} s, {n:,} hits → {total / grep_s:.1f}x")
    fmt = formats.detect(formats.sample(path))
    finder = FileSearch.errors(path, fmt)
    refs = {}
    for label, cmd in (("grep -c of its candidates", ["grep", "-a", "-c", *finder.grep_args()]),
                       ("grep -cE 'ERROR|WARN'", ["grep", "-cE", "ERROR|WARN"])):
        t0 = time.perf_counter()
        subprocess.run([*cmd, str(path)], capture_output=True, check=False,
                       env={"LC_ALL": "C", "PATH": "/usr/bin:/bin"})
        refs[label] = time.perf_counter() - t0
    first, total, n = timed(finder)
    ratios = ", ".join(f"{label} {t:.2f} s → {total / t:.1f}x" for label, t in refs.items())
    print(f"{fmt.name} errors (>): first {first:.3f} s, end {total:.2f} s, {n:,} error records; {ratios}")
    if args.chunked:
        search.GREP_MIN = 1 << 62
        slow = FileSearch.errors(path, fmt)
        first, total, n = timed(slow)
        same = list(slow.hits.offsets) == list(finder.hits.offsets)
        print(f"errors, chunked only: first {first:.3f} s, end {total:.2f} s, {n:,}; "
              f"same offsets: {same}")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
