"""Format detection, levels and records on real logs, measured against lnav; template grouping
measured against loghub's published templates.

    .venv/bin/python bench/logs_formats.py [--logs ../shared/logs] [--loghub DIR] [--drain3]

Levels: for each of lnav's test logs (`--logs`), the format maintui detects, then for every
line the level of the record it belongs to, compared with lnav's (tests/data/lnav_levels.json,
made once with lnav; see tests/data/README.md). "records" compares record heads: a line is
right when both or neither start a record there. Target: levels ≥ 95 % of lines per file.

Templates (`--loghub`, a folder with loghub's `*/NAME_2k.log` and
`NAME_2k.log_structured.csv`; default tests/data/loghub, 200-line samples): each line's
message goes through `templates.template`, and the groups are compared with loghub's
EventIds: groups found / true templates, purity (share of lines whose group holds only
their template) and grouping accuracy (share of lines whose group is exactly their true
template's lines, loghub's own measure). `--drain3` adds Drain3 on the same messages.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from maintui.core.logs import formats, templates  # noqa: E402
from maintui.core.logs.levels import Level  # noqa: E402
from maintui.core.logs.records import level_of_record, records  # noqa: E402

LETTER = {Level.NONE: "-", Level.DEBUG: "D", Level.INFO: "I", Level.WARNING: "W",
          Level.ERROR: "E", Level.CRITICAL: "C"}
REFERENCE = ROOT / "tests/data/lnav_levels.json"
LOGHUB = ROOT / "tests/data/loghub"


def read_lines(path: Path) -> list[str]:
    data = path.read_bytes().split(b"\n")
    if data and data[-1] == b"":
        data.pop()
    return [raw.decode("utf-8", "replace").rstrip("\r") for raw in data]


def line_levels(lines: list[str], fmt: formats.Format) -> tuple[str, set[int]]:
    """Each line's record level as a letter, and the indices of record heads."""
    out = ["-"] * len(lines)
    heads = set()
    for rec in records(lines, fmt):
        heads.add(rec.at)
        letter = LETTER[level_of_record(rec)]
        for i in range(rec.at, rec.at + rec.line_count):
            out[i] = letter
    return "".join(out), heads


def level_table(logs: Path) -> list[dict]:
    reference = json.loads(REFERENCE.read_text())
    rows = []
    for name, ref in sorted(reference.items()):
        lines = read_lines(logs / f"lnav_logfile_{name}")
        fmt = formats.detect(lines[:200])
        got, heads = line_levels(lines, fmt)
        want = ref["levels"]
        right = sum(a == b for a, b in zip(got, want, strict=True))
        ref_heads = set(ref["heads"])
        bounds = sum((i in heads) == (i in ref_heads) for i in range(len(lines)))
        rows.append({"file": name, "lnav": ref["lnav_format"], "maintui": fmt.name,
                     "lines": len(lines), "levels": right / len(lines),
                     "records": bounds / len(lines), "got": got, "want": want})
    return rows


def loghub_sets(folder: Path) -> list[tuple[str, list[str], list[str], list[str]]]:
    """(name, raw lines, loghub Content, loghub EventId) for each data set in `folder`."""
    out = []
    for log in sorted(folder.glob("*/*_2k.log")):
        structured = log.with_name(log.name + "_structured.csv")
        if not structured.exists():
            continue
        with structured.open(newline="", encoding="utf-8", errors="replace") as fh:
            rows = list(csv.DictReader(fh))
        raw = read_lines(log)[: len(rows)]
        out.append((log.parent.name, raw, [r["Content"] for r in rows],
                    [r["EventId"] for r in rows]))
    return out


def grouping(found: Sequence[str], truth: Sequence[str]) -> dict[str, float]:
    by_group: dict[str, list[int]] = defaultdict(list)
    by_truth: dict[str, set[int]] = defaultdict(set)
    for i, (g, t) in enumerate(zip(found, truth, strict=True)):
        by_group[g].append(i)
        by_truth[t].add(i)
    pure = exact = 0
    for members in by_group.values():
        kinds = Counter(truth[i] for i in members)
        if len(kinds) == 1:
            pure += len(members)
            if set(members) == by_truth[truth[members[0]]]:
                exact += len(members)
    n = len(truth)
    return {"groups": len(by_group), "templates": len(by_truth),
            "ratio": len(by_group) / len(by_truth), "purity": pure / n, "accuracy": exact / n}


def rules(messages: list[str]) -> list[str]:
    templates.template.cache_clear()  # time the work, not the cache of an earlier run
    return [templates.template(m) for m in messages]


def rules_merged(messages: list[str]) -> list[str]:
    templates.template.cache_clear()
    templates._SHAPES.clear()  # (`Templates.add` looks templates up per message shape)
    groups = templates.Templates()
    return [str(groups.add(m).id) for m in messages]


def drain3(masked: bool) -> Callable[[list[str]], list[str]]:
    from drain3 import TemplateMiner
    from drain3.template_miner_config import TemplateMinerConfig

    def run(messages: list[str]) -> list[str]:
        config = TemplateMinerConfig()
        config.profiling_enabled = False
        miner = TemplateMiner(config=config)
        if masked:
            templates.template.cache_clear()
            messages = [templates.template(m) for m in messages]
        # a cluster keeps its id as its template widens: the ids are the final groups
        return [str(miner.add_log_message(m)["cluster_id"]) for m in messages]

    return run


def template_table(folder: Path, use_drain3: bool) -> list[dict]:
    methods: dict[str, Callable[[list[str]], list[str]]] = {
        "rules": rules, "rules+merge": rules_merged}
    if use_drain3:
        methods |= {"drain3": drain3(False), "rules+drain3": drain3(True)}
    rows = []
    for name, raw, content, truth in loghub_sets(folder):
        fmt = formats.detect(raw[:200])
        parsed = [fmt.parse(line).message for line in raw]
        for source, messages in (("content", content), ("parsed", parsed)):
            for method, run in methods.items():
                started = time.perf_counter()
                found = run(messages)
                spent = time.perf_counter() - started
                rows.append({"set": name, "input": source, "method": method,
                             "format": fmt.name, "us_per_line": spent / len(messages) * 1e6,
                             **grouping(found, truth)})
    return rows


def print_levels(rows: list[dict]) -> None:
    print("| file | lines | lnav format | maintui format | levels = lnav | records = lnav |")
    print("|---|---:|---|---|---:|---:|")
    for r in rows:
        print(f"| {r['file']} | {r['lines']} | {r['lnav']} | {r['maintui']} | "
              f"{r['levels']:.1%} | {r['records']:.1%} |")
    lines = sum(r["lines"] for r in rows)
    right = sum(r["levels"] * r["lines"] for r in rows)
    print(f"\nall lines: {right / lines:.1%} of {lines}; files at >= 95 %: "
          f"{sum(r['levels'] >= 0.95 for r in rows)}/{len(rows)}")
    for r in rows:
        if r["levels"] < 1:
            print(f"  {r['file']}: got  {r['got'][:100]}\n  {' ' * len(r['file'])}  want "
                  f"{r['want'][:100]}")


def print_templates(rows: list[dict]) -> None:
    print("\n| set | input | method | format | groups | templates | groups/templates | "
          "purity | grouping accuracy | µs/line |")
    print("|---|---|---|---|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['set']} | {r['input']} | {r['method']} | {r['format']} | {r['groups']} | "
              f"{r['templates']} | {r['ratio']:.2f} | {r['purity']:.1%} | {r['accuracy']:.1%} | "
              f"{r['us_per_line']:.1f} |")
    for method in sorted({r["method"] for r in rows}):
        for source in ("content", "parsed"):
            mine = [r for r in rows if r["method"] == method and r["input"] == source]
            if mine:
                mean = {k: sum(r[k] for r in mine) / len(mine)
                        for k in ("ratio", "purity", "accuracy", "us_per_line")}
                print(f"mean of {len(mine)} sets, {method} on {source}: groups/templates "
                      f"{mean['ratio']:.2f}, purity {mean['purity']:.1%}, grouping accuracy "
                      f"{mean['accuracy']:.1%}, {mean['us_per_line']:.0f} µs/line")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--logs", type=Path, default=ROOT.parent / "shared/logs")
    ap.add_argument("--loghub", type=Path, default=LOGHUB)
    ap.add_argument("--drain3", action="store_true", help="also measure Drain3 (pip install)")
    args = ap.parse_args()
    print_levels(level_table(args.logs))
    print_templates(template_table(args.loghub, args.drain3))


if __name__ == "__main__":
    main()
