"""Where a problem's key is in a screen file's TOML text: (line, column), both from 1."""

from __future__ import annotations

import re
from pathlib import Path

from maintui.core.site.model import Problem

HEADER = re.compile(r"^\s*\[\[?\s*([A-Za-z0-9_.\"' -]+?)\s*\]\]?")
STEP_BY_INDEX = re.compile(r"^steps\[(\d+)\](?: \(id '[^']*'\))?")
STEP_BY_ID = re.compile(r"^step '([^']*)'")
ARRAY_INDEX = re.compile(r"\[\d+\]$")


def _blocks(lines: list[str]) -> tuple[list[tuple[int, int]], int]:
    """Line ranges [start, end) of each `[[steps]]` block, and where the first table starts."""
    blocks: list[tuple[int, int]] = []
    first_table = len(lines)
    for i, line in enumerate(lines):
        m = HEADER.match(line)
        if not m:
            continue
        first_table = min(first_table, i)
        name = m.group(1).strip()
        if blocks and blocks[-1][1] == -1 and not name.startswith("steps."):
            blocks[-1] = (blocks[-1][0], i)
        if line.strip().startswith("[[") and name == "steps":
            if blocks and blocks[-1][1] == -1:
                blocks[-1] = (blocks[-1][0], i)
            blocks.append((i, -1))
    return [(s, len(lines) if e == -1 else e) for s, e in blocks], first_table


def _key_at(line: str, key: str, start: int = 0) -> int | None:
    """Column (from 0) of `key =` (bare or quoted) in line at or after start, else None."""
    m = re.compile(rf"(?:^|[\s{{,.])[\"']?({re.escape(key)})[\"']?\s*[=.]").search(line, start)
    return m.start(1) if m else None


def _find(lines: list[str], lo: int, hi: int, path: list[str],
          table: str = "") -> tuple[int, int] | None:
    """The deepest part of the dotted key path found within lines[lo:hi]."""
    if not path:
        return None
    head, rest = path[0], path[1:]
    best = None
    for i in range(lo, hi):
        line = lines[i]
        m = HEADER.match(line)
        if m and m.group(1).strip() == f"{table}{head}":
            best = (i, line.index(head))
            if not rest:
                return best
            end = next((j for j in range(i + 1, hi) if HEADER.match(lines[j])), hi)
            return _find(lines, i + 1, end, rest, f"{table}{head}.") or best
        if m:
            continue
        col = _key_at(line, head)
        if col is None or line.lstrip().startswith("#"):
            continue
        best = (i, col)
        for part in rest:  # inline tables and dotted keys on the same line
            nxt = _key_at(line, part, col + 1)
            if nxt is None:
                break
            col, best = nxt, (i, nxt)
        return best
    return best


def locate(text: str, where: str) -> tuple[int, int] | None:
    """(line, column) of the key a problem's `where` names (`steps[1] (id 'b').after`,
    `step 'b'.with.url`, `panels.gauges`); None when it cannot be found."""
    if not where:
        return None
    lines = text.splitlines()
    blocks, first_table = _blocks(lines)
    lo, hi, rest = 0, first_table, where
    by_index, by_id = STEP_BY_INDEX.match(where), STEP_BY_ID.match(where)
    if by_index or by_id:
        m = by_index or by_id
        assert m is not None
        rest = where[m.end():].lstrip(".")
        if by_index:
            index = int(m.group(1))
            if index >= len(blocks):
                return None
            lo, hi = blocks[index]
        else:
            found = [b for b in blocks if _find(lines, b[0], b[1], ["id"]) and any(
                re.match(rf"\s*id\s*=\s*[\"']{re.escape(m.group(1))}[\"']", lines[j])
                for j in range(*b))]
            if not found:
                return None
            lo, hi = found[0]
        if not rest:
            return lo + 1, lines[lo].index("[") + 1
    path = [ARRAY_INDEX.sub("", p) for p in rest.split(".") if p]
    table = ""
    if not (by_index or by_id) and path and path[0] != "steps":
        hi = len(lines)  # a head key may sit in its own table ([panels])
    elif by_index or by_id:
        table = "steps."
    spot = _find(lines, lo, hi, path, table)
    return None if spot is None else (spot[0] + 1, spot[1] + 1)


def located(problems: list[Problem]) -> list[str]:
    """Each problem once, as `file:line:column: where: message` where its key can be found."""
    texts: dict[str, str] = {}
    out: list[str] = []
    for p in problems:
        if p.file not in texts:
            try:
                texts[p.file] = Path(p.file).read_text(encoding="utf-8", errors="replace")
            except OSError:
                texts[p.file] = ""
        spot = locate(texts[p.file], p.where)
        line = str(p) if spot is None else f"{p.file}:{spot[0]}:{spot[1]}: {p.where}: {p.message}"
        if line not in out:
            out.append(line)
    return out


def placed(message: str) -> str:
    """A config error's `PATH: where: message` lines given `PATH:line:column:` where the key
    is found in PATH."""
    texts: dict[str, str | None] = {}
    out = []
    for problem in message.splitlines():
        head, sep, rest = problem.partition(": ")
        if sep and head not in texts:
            try:
                texts[head] = Path(head).read_text(encoding="utf-8", errors="replace")
            except (OSError, ValueError):
                texts[head] = None
        text = texts.get(head) if sep else None
        spot = locate(text, rest.split(": ", 1)[0].strip("[]")) if text else None
        out.append(problem if spot is None else f"{head}:{spot[0]}:{spot[1]}: {rest}")
    return "\n".join(out)
