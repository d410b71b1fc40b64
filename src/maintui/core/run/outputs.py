"""Values between steps: the `KEY=VALUE` lines a step writes to the file in $MAINTUI_OUTPUT."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from maintui.core.masking import MASK, Masker, is_secret_name

OUTPUT_VAR = "MAINTUI_OUTPUT"
KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


def output_file(run_dir: Path, step_id: str) -> Path:
    """Where a step's values go: in its own folder of the run's private scratch folder."""
    return run_dir / step_id / "output.env"


def parse_outputs(text: str) -> tuple[dict[str, str], list[str]]:
    """(values, problems): `KEY=VALUE` lines, and `KEY<<END` … `END` for a value of several
    lines (as GitHub Actions reads $GITHUB_OUTPUT); a later line wins for the same key."""
    values: dict[str, str] = {}
    problems: list[str] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if not line.strip():
            continue
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            key, _, end = line.partition("<<")
            body = []
            while i < len(lines) and lines[i] != end:
                body.append(lines[i])
                i += 1
            if i >= len(lines):
                problems.append(f"{key}: no closing {end!r} line")
            i += 1
        else:
            key, sep, value = line.partition("=")
            if not sep:
                problems.append(f"not KEY=VALUE: {line[:60]!r}")
                continue
            body = [value]
        if not KEY.match(key):
            problems.append(f"{key[:40]!r}: not a valid name (letters, digits, _ and -)")
            continue
        values[key] = "\n".join(body)
    return values, problems


def read_outputs(path: Path) -> tuple[dict[str, str], list[str]]:
    try:
        return parse_outputs(path.read_text(encoding="utf-8", errors="replace"))
    except FileNotFoundError:  # the step removed it: no values
        return {}, []


def recorded_lines(values: dict[str, str], mask: Masker, secrets: Iterable[str] = ()) -> list[str]:
    """The values as the run log keeps them: masked, and a secret-named key's value hidden."""
    out = []
    for key, value in values.items():
        shown = MASK if is_secret_name(key, secrets) else value
        out += mask.lines(f"{key}={shown}".split("\n"))
    return out
