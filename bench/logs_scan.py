"""logs.scan over a generated log vs `grep -cE 'ERROR|WARN'` on the same file, same run.

    .venv/bin/python bench/logs_scan.py [--size-mb 1024] [--file /tmp/big.log] [--keep]
                                        [--modes grep,parallel,serial,lines]
                                        [--errors 0.02] [--hours 23] [--unique] [--lnav]

Prints, per mode, the scan's time, its ratio to grep's, its peak RSS (VmHWM of the scanning
process; with workers or greps, the largest of it and each child's), its CPU time (the scanning
process's, and its children's) and the counts; and whether
every mode's results are the same. Modes: `grep` (as `logs.scan` runs: GNU grep counts the quiet
one-line records, `core/logs/greppass.py`), `parallel` (without grep: worker processes split a
big file), `serial` (the same in one process), `lines` (every line through the grouper, the
reading the fast paths must equal). The log is Java-style with 5 % warnings, 2 % errors
(`--errors`; a new `--file` for another share), a
stack trace after every tenth error, and varying ids, threads and durations; one block of
20,000 lines repeated, or with `--unique` new numbers in every block (no message seen twice,
so nothing is cached per message).
`--lnav`: lnav (the anchor) answers the same question in the same run, counts per level of the
whole file (`lnav -n -c ';SELECT log_level, count(*) FROM all_logs GROUP BY log_level'`): its
time, CPU and peak RSS (from `wait4`), and whether its counts equal the scan's.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

CHILD = """
import json, re, resource, sys, time
from pathlib import Path
from maintui.core.logs import greppass, splits, summary
from maintui.core.logs.summary import Summary
mode = sys.argv[2]
if mode != "grep":
    greppass.MIN_SIZE = 1 << 62
if mode not in ("grep", "parallel"):
    splits.PARALLEL_MIN = 1 << 62
if mode == "lines":
    summary._FastHeads.of = classmethod(lambda cls, fmt: None)
t0 = time.perf_counter()
s = Summary(since=None if sys.argv[3] == "-" else float(sys.argv[3]))
s.read(Path(sys.argv[1]))
seconds = time.perf_counter() - t0
top = s.top(5)
hwm = [int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM")]
own, kids = (resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
print(json.dumps({"seconds": seconds, "lines": s.lines, "records": s.records,
                  "unparsed": s.unparsed, "levels": dict(s.levels), "formats": s.formats,
                  "first": s.first, "last": s.last, "newest": list(s.newest),
                  "top": [(t.key, t.count, t.first, t.last, t.sample) for t in s.top(50)],
                  "rss_kb": hwm[0], "cpu": (own.ru_utime + own.ru_stime,
                                            kids.ru_utime + kids.ru_stime)}))
"""


def generate(path: Path, size: int, seed: int = 7, errors: float = 0.02,
             unique: bool = False) -> None:
    """`size` bytes of a 20,000-line block written over and over (with `unique`, a new block
    each time: every message's numbers new, as in a real log, so no template is cached)."""
    rng = random.Random(seed)
    start = time.time() - 86400
    with path.open("wb") as fh:
        written = 0
        data = _block(rng, start, errors)
        while written < size:
            fh.write(data)
            written += len(data)
            if unique:
                data = _block(rng, start, errors)


def _block(rng: random.Random, start: float, errors: float) -> bytes:
    block: list[str] = []
    for i in range(20000):
        t = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(start + i * 0.5))
        r = rng.random()
        thread = f"pool-{rng.randint(1, 9)}-thread-{rng.randint(1, 40)}"
        if r < errors:
            block.append(f"{t},{i % 1000:03d} ERROR [{thread}] com.acme.Orders: order "
                         f"{rng.randint(1, 10**6)} failed after {rng.randint(1, 9000)}ms from "
                         f"10.0.{rng.randint(0, 255)}.{rng.randint(0, 255)}\n")
            if i % 10 == 0:
                block.append("java.lang.IllegalStateException: lease lost\n"
                             "\tat com.acme.Lease.renew(Lease.java:42)\n"
                             "\tat com.acme.Orders.run(Orders.java:7)\n\t... 12 more\n")
        elif r < errors + 0.05:
            block.append(f"{t},{i % 1000:03d} WARN [{thread}] com.acme.Pool: slow checkout "
                         f"{rng.randint(1, 900)}ms\n")
        else:
            block.append(f"{t},{i % 1000:03d} INFO [{thread}] com.acme.Http: GET "
                         f"/api/orders/{rng.randint(1, 10**6)} 200 {rng.randint(1, 90)}ms\n")
    return "".join(block).encode()


def peak_rss_kb(pid: int, seen: dict[int, int]) -> None:
    """VmHWM of `pid` and its children (the split workers), sampled into `seen`."""
    try:
        kids = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        kids = []
    for p in (pid, *map(int, kids)):
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmHWM"):
                    seen[p] = max(seen.get(p, 0), int(line.split()[1]))
        except OSError:
            pass


def scan(path: Path, mode: str, since: str | None = None) -> dict:
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(path), mode, since or "-"],
                             stdout=subprocess.PIPE, text=True)
    seen: dict[int, int] = {}
    while child.poll() is None:
        peak_rss_kb(child.pid, seen)
        time.sleep(0.05)
    out, _ = child.communicate()
    got = json.loads(out)
    got["rss_mb"] = max([got.pop("rss_kb"), *seen.values()]) / 1024
    return got


def lnav(path: Path) -> dict:
    """lnav's counts per level of the whole file, with its wall time, CPU and peak RSS."""
    query = ";SELECT log_level, count(*) FROM all_logs GROUP BY log_level"
    t0 = time.perf_counter()
    proc = subprocess.Popen(["lnav", "-n", "-c", query, str(path)], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    levels = {}
    for line in out.splitlines()[1:]:  # a header, then "level count" rows
        name, count = line.split()  # padded columns, a space after the count too
        levels[name.upper()] = int(count)
    return {"seconds": time.perf_counter() - t0, "cpu": usage.ru_utime + usage.ru_stime,
            "rss_mb": usage.ru_maxrss / 1024, "levels": levels, "rc": proc.returncode}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size-mb", type=int, default=1024)
    ap.add_argument("--file", default="/tmp/maintui-bench-scan.log")
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--modes", default="grep,parallel")
    ap.add_argument("--errors", type=float, default=0.02, help="share of ERROR records")
    ap.add_argument("--unique", action="store_true", help="a new block of messages every "
                    "20,000 lines (a new --file), not one block repeated")
    ap.add_argument("--hours", help="scan a window of the last HOURS (the file's times run "
                    "from 24 h to 21.2 h ago, over and over: 23 starts the window inside)")
    ap.add_argument("--lnav", action="store_true", help="lnav's counts per level beside")
    args = ap.parse_args()
    path = Path(args.file)
    if not path.exists() or path.stat().st_size < args.size_mb << 20:
        generate(path, args.size_mb << 20, errors=args.errors, unique=args.unique)
    size = path.stat().st_size
    subprocess.run(["cat", str(path)], stdout=subprocess.DEVNULL, check=True)  # warm the cache
    results = {}
    # one window start for every mode (each runs in its own process, later)
    since = None if args.hours is None else repr(time.time() - float(args.hours) * 3600)
    for mode in args.modes.split(","):
        t0 = time.perf_counter()
        grep = subprocess.run(["grep", "-cE", "ERROR|WARN", str(path)], capture_output=True,
                              text=True, check=False)
        grep_s = time.perf_counter() - t0
        got = results[mode] = scan(path, mode, since)
        print(f"{mode}: logs.scan (Summary.read) {got['seconds']:.2f} s = "
              f"{got['seconds'] / grep_s:.1f}x grep -cE 'ERROR|WARN' ({grep_s:.2f} s, "
              f"{grep.stdout.strip()} lines); {size / 2**20 / got['seconds']:.0f} MiB/s; "
              f"peak RSS {got['rss_mb']:.0f} MB; CPU {got['cpu'][0]:.2f} s here + "
              f"{got['cpu'][1]:.2f} s in greps and workers")
    first = next(iter(results.values()))
    print(f"file {size / 2**20:.0f} MiB, {first['lines']:,} lines, format {first['formats']}")
    print(f"records {first['records']:,}, unparsed {first['unparsed']}, levels {first['levels']}")
    print(f"top {[t[:2] for t in first['top'][:5]]}")
    drop = ("seconds", "rss_mb", "cpu")
    same = all({k: v for k, v in r.items() if k not in drop}
               == {k: v for k, v in first.items() if k not in drop} for r in results.values())
    print(f"results of {', '.join(results)}: {'the same' if same else 'DIFFERENT'}")
    if args.lnav:
        t0 = time.perf_counter()
        subprocess.run(["grep", "-cE", "ERROR|WARN", str(path)], capture_output=True, check=False)
        grep_s = time.perf_counter() - t0
        got = lnav(path)
        ours = {("WARNING" if k == "WARN" else k): v for k, v in first["levels"].items()}
        print(f"lnav: counts per level {got['seconds']:.2f} s = {got['seconds'] / grep_s:.1f}x "
              f"grep ({grep_s:.2f} s); CPU {got['cpu']:.2f} s; peak RSS {got['rss_mb']:.0f} MB; "
              f"exit {got['rc']}; levels {got['levels']}: "
              f"{'the same as the scan' if got['levels'] == ours else 'DIFFERENT from the scan'}")
    if not args.keep:
        path.unlink()


if __name__ == "__main__":
    main()
