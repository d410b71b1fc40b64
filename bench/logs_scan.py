"""logs.scan over a generated log vs `grep -cE 'ERROR|WARN'` on the same file, same run.

    .venv/bin/python bench/logs_scan.py [--size-mb 1024] [--file /tmp/big.log] [--keep]

Prints the scan's time, its ratio to grep's, the scan's peak RSS (a child process, measured by
getrusage), and the counts. The log is Java-style with 5 % warnings, 2 % errors, a stack
trace after every tenth error, and varying ids, threads and durations.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

CHILD = """
import json, re, sys, time
from pathlib import Path
from maintui.core.logs.summary import Summary
t0 = time.perf_counter()
s = Summary(since=None)
s.read(Path(sys.argv[1]))
top = s.top(5)
print(json.dumps({"seconds": time.perf_counter() - t0, "lines": s.lines, "records": s.records,
                  "unparsed": s.unparsed, "levels": dict(s.levels), "formats": s.formats,
                  "top": [(t.key, t.count) for t in top]}))
"""


def generate(path: Path, size: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    start = time.time() - 86400
    block: list[str] = []
    for i in range(20000):
        t = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(start + i * 0.5))
        r = rng.random()
        thread = f"pool-{rng.randint(1, 9)}-thread-{rng.randint(1, 40)}"
        if r < 0.02:
            block.append(f"{t},{i % 1000:03d} ERROR [{thread}] com.acme.Orders: order "
                         f"{rng.randint(1, 10**6)} failed after {rng.randint(1, 9000)}ms from "
                         f"10.0.{rng.randint(0, 255)}.{rng.randint(0, 255)}\n")
            if i % 10 == 0:
                block.append("java.lang.IllegalStateException: lease lost\n"
                             "\tat com.acme.Lease.renew(Lease.java:42)\n"
                             "\tat com.acme.Orders.run(Orders.java:7)\n\t... 12 more\n")
        elif r < 0.07:
            block.append(f"{t},{i % 1000:03d} WARN [{thread}] com.acme.Pool: slow checkout "
                         f"{rng.randint(1, 900)}ms\n")
        else:
            block.append(f"{t},{i % 1000:03d} INFO [{thread}] com.acme.Http: GET "
                         f"/api/orders/{rng.randint(1, 10**6)} 200 {rng.randint(1, 90)}ms\n")
    data = "".join(block).encode()
    with path.open("wb") as fh:
        written = 0
        while written < size:
            fh.write(data)
            written += len(data)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size-mb", type=int, default=1024)
    ap.add_argument("--file", default="/tmp/maintui-bench-scan.log")
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    path = Path(args.file)
    if not path.exists() or path.stat().st_size < args.size_mb << 20:
        generate(path, args.size_mb << 20)
    size = path.stat().st_size
    subprocess.run(["cat", str(path)], stdout=subprocess.DEVNULL, check=True)  # warm the cache
    t0 = time.perf_counter()
    grep = subprocess.run(["grep", "-cE", "ERROR|WARN", str(path)], capture_output=True,
                          text=True, check=False)
    grep_s = time.perf_counter() - t0
    child = subprocess.run([sys.executable, "-c", CHILD, str(path)], capture_output=True,
                           text=True, check=True)
    rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    got = json.loads(child.stdout)
    print(f"file {size / 2**20:.0f} MiB, {got['lines']:,} lines, format {got['formats']}")
    print(f"grep -cE 'ERROR|WARN': {grep_s:.2f} s ({grep.stdout.strip()} lines)")
    print(f"logs.scan (Summary.read): {got['seconds']:.2f} s = {got['seconds'] / grep_s:.1f}x "
          f"grep; {size / 2**20 / got['seconds']:.0f} MiB/s; peak RSS {rss_mb:.0f} MB")
    print(f"records {got['records']:,}, unparsed {got['unparsed']}, levels {got['levels']}")
    print(f"top {got['top']}")
    if not args.keep:
        path.unlink()


if __name__ == "__main__":
    main()
