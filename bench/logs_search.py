"""The view's whole-file search (core.logs.search.FileSearch, what its worker runs) over a
big log: time to the first match and to the end, against `grep -c` on the same file, same run.

    .venv/bin/python bench/logs_search.py [--file /tmp/maintui-bench-scan.log] [--size-mb 1024]

The file is bench/logs_scan.py's generated Java log (made when missing). Three queries: a rare
literal, a common literal, a regex; and the error-record search behind `>`.
"""

from __future__ import annotations

import argparse
import re
import resource
import subprocess
import time
from pathlib import Path

from logs_scan import generate  # bench/ is on sys.path when run as a script

from maintui.core.logs import formats
from maintui.core.logs.search import FileSearch

QUERIES = [("rare", "order 424242 failed"), ("common", "slow checkout"),
           ("regex", r"failed after 9\d\d\dms")]


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
    args = ap.parse_args()
    path = Path(args.file)
    if not path.exists():
        generate(path, args.size_mb << 20)
    subprocess.run(["cat", str(path)], stdout=subprocess.DEVNULL, check=True)
    print(f"file {path.stat().st_size / 2**20:.0f} MiB")
    for name, query in QUERIES:
        t0 = time.perf_counter()
        grep = subprocess.run(["grep", "-cE", query, str(path)], capture_output=True, text=True,
                              check=False)
        grep_s = time.perf_counter() - t0
        literal = "" if name == "regex" else query  # as the view passes a plain-text filter
        first, total, n = timed(FileSearch(path, re.compile(query, re.IGNORECASE),
                                           literal=literal))
        first_s = "none" if first is None else f"{first:.3f} s"
        print(f"{name:7} {query!r}: first match {first_s}, end {total:.2f} s, {n:,} hits; "
              f"grep -c {grep_s:.2f} s ({grep.stdout.strip()}) → {total / grep_s:.1f}x")
    fmt = formats.detect(formats.sample(path))
    first, total, n = timed(FileSearch.errors(path, fmt))
    print(f"errors (>): first {first:.3f} s, end {total:.2f} s, {n:,} error records")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
