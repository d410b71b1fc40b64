"""`metric.check`: one number, from a command's output or a SQL query on a SQLite database,
against warning and critical thresholds (docs/findings.md)."""

from __future__ import annotations

import contextlib
import math
import os
import re
import signal
import subprocess
import time
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from maintui.core.actions import register
from maintui.core.actions._sqlite import opened
from maintui.core.actions._util import CheckParams, level, level_below, seconds, verdict
from maintui.core.actions.base import Action, ActionContext, ActionResult, Finding
from maintui.core.errors import ActionError

NUMBER = re.compile(r"^\s*([-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)")
POLL = 0.2  # seconds between looks for the operator's cancel while the command runs


class MetricParams(CheckParams):
    name: str = Field("value", examples=["queue depth"])  # what the number is, in the finding's summary
    command: str | None = Field(None, examples=["ls /var/spool/app | wc -l"])  # a shell command whose output's last line starts with the number
    database: Path | None = Field(None, examples=["data/app.db"])  # SQLite file the query reads (read-only)
    query: str | None = Field(None, examples=["SELECT count(*) FROM jobs WHERE state = 'stuck'"])  # SQL whose first row's first column is the number
    warning: float = Field(examples=[100])  # threshold for a warning finding
    critical: float = Field(examples=[1000])  # threshold for a critical finding
    direction: Literal["above", "below"] = "above"  # above: bad when it rises to a threshold; below: bad when it falls to one
    unit: str = Field("", examples=["%"])  # shown after the number
    timeout: float = 60.0  # seconds the command may take, or a duration such as "30s"
    sample: str | None = Field(None, examples=["queue.depth"])  # also keep the value as a sample under this name (for trends)

    @field_validator("timeout", mode="before")
    @classmethod
    def _duration(cls, v: Any) -> float:
        return seconds(v)

    @model_validator(mode="after")
    def _source_and_order(self) -> MetricParams:
        if (self.command is None) == (self.query is None):
            raise ValueError("give either command (its output is the number) or query with "
                             "database (SQL whose first column is the number), not both")
        if self.query is not None and self.database is None:
            raise ValueError("query needs database, the SQLite file it reads")
        if self.command is not None and self.database is not None:
            raise ValueError("database is only read by query; remove it or use query")
        for key in ("warning", "critical"):
            if not math.isfinite(getattr(self, key)):
                raise ValueError(f"{key} must be a finite number (got {getattr(self, key)}); "
                                 "nan and inf compare false with every value")
        rising = self.direction == "above"
        if (self.warning > self.critical) if rising else (self.warning < self.critical):
            order = "at most" if rising else "at least"
            raise ValueError(f"with direction = \"{self.direction}\", warning ({self.warning:g}) "
                             f"must be {order} critical ({self.critical:g})")
        return self


def _number(text: str, source: str) -> float:
    match = NUMBER.match(text)
    value = float(match.group(1)) if match else math.nan
    if not math.isfinite(value):
        raise ActionError(f"{source} gave {text.strip()[:80]!r}, not a number; it must print "
                          "the number first on its last line (e.g. 42 or 91.5%)")
    return value


def _plain(value: float) -> float | int:
    """3.0 as 3: counts read as counts in the details."""
    return int(value) if value.is_integer() else value


def _from_command(p: MetricParams, ctx: ActionContext) -> float:
    cwd = ctx.config.root if ctx.config else None
    proc = subprocess.Popen(["/bin/sh", "-c", p.command or ""], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True,
                            cwd=cwd, env=ctx.env, start_new_session=True)
    deadline = time.monotonic() + p.timeout
    while True:
        try:
            out, err = proc.communicate(timeout=POLL)
            break
        except subprocess.TimeoutExpired:
            if ctx.cancelled.is_set() or time.monotonic() > deadline:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.communicate()
                if ctx.cancelled.is_set():
                    raise ActionError("cancelled by the operator") from None
                raise ActionError(f"command did not finish within {p.timeout:g}s; "
                                  "its process group was killed") from None
    for line in err.splitlines()[-5:]:
        ctx.log(line)
    if proc.returncode != 0:
        tail = (err.strip().splitlines() or [""])[-1]
        raise ActionError(f"command exited {proc.returncode}" + (f": {tail}" if tail else ""))
    lines = [ln for ln in out.splitlines() if ln.strip()]
    if not lines:
        raise ActionError("command printed nothing; it must print the number")
    return _number(lines[-1], "command")


def _from_query(p: MetricParams) -> float:
    assert p.database is not None
    with opened(p.database, readonly=True) as con:
        row = con.execute(p.query or "").fetchone()
    if row is None or row[0] is None:
        raise ActionError(f"query returned no value from {p.database}; it must return one row "
                          "whose first column is the number (e.g. SELECT count(*) …)")
    if isinstance(row[0], int | float):
        return float(row[0])
    return _number(str(row[0]), "query")


@register
class MetricCheck(Action):
    name = "metric.check"
    summary = ("One number from a command or a SQL query, against warning and critical "
               "thresholds")
    Params = MetricParams
    changes_nothing = True

    def plan(self, ctx: ActionContext) -> list[str]:
        p: MetricParams = ctx.params
        source = f"command `{p.command}`" if p.command else f"query on {p.database}"
        return [f"changes nothing (read-only check): {p.name} from {source}"]

    def run(self, ctx: ActionContext) -> ActionResult:
        p: MetricParams = ctx.params
        value = _from_command(p, ctx) if p.command is not None else _from_query(p)
        rate = level if p.direction == "above" else level_below
        status = rate(value, p.warning, p.critical)
        if p.sample:
            ctx.samples.add(p.sample, value)
        sign = ">=" if p.direction == "above" else "<="
        limits = f"warning {sign} {p.warning:g}{p.unit}, critical {sign} {p.critical:g}{p.unit}"
        summary = f"{p.name}: {value:g}{p.unit} ({status}; {limits})"
        details: dict[str, Any] = {"value": _plain(value), "warning": _plain(p.warning),
                                   "critical": _plain(p.critical), "direction": p.direction}
        if p.unit:
            details["unit"] = p.unit
        details["source"] = p.command if p.command is not None else f"{p.database}: {p.query}"
        return verdict([Finding(status, summary, details)], p.fail_on)
