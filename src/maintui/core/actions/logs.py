"""`logs.scan`: errors, warnings and custom patterns in a time window, with top error types."""

from __future__ import annotations

import gzip
import re
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from pydantic import field_validator

from maintui.core.actions import register
from maintui.core.actions._util import CheckParams, check_cancel, level, verdict
from maintui.core.actions.base import Action, ActionContext, ActionResult, Finding
from maintui.core.logs.patterns import SCAN, error_pattern

ERROR = r"\b(ERROR|CRITICAL|FATAL|EMERG|ALERT)\b"
WARNING = r"\b(WARN|WARNING)\b"
ISO_TS = re.compile(rb"^\[?(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})")
SYSLOG_TS = re.compile(rb"^([A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2})")
EXCEPTION = re.compile(r"^([A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt|Warning|Fault))(?::|$)")


class ScanParams(CheckParams):
    logs: list[str]  # names from config [logs], or file paths
    hours: float = 24
    error_pattern: str = ERROR
    warning_pattern: str = WARNING
    patterns: dict[str, str] = {}  # extra named regexes to count, e.g. {oom = "Out of memory"}
    warning: int = 1  # error count thresholds
    critical: int = 50
    include_rotated: bool = True  # also read <log>.N and <log>.N.gz touched inside the window
    newest: int = 5
    top: int = 5

    @field_validator("error_pattern", "warning_pattern", "patterns")
    @classmethod
    def _regex(cls, v: Any) -> Any:
        for text in v.values() if isinstance(v, dict) else [v]:
            try:
                re.compile(text)
            except re.error as exc:
                raise ValueError(f"not a valid regular expression {text!r}: {exc}") from None
        return v


@dataclass
class Tally:
    errors: int = 0
    warnings: int = 0
    lines: int = 0
    custom: Counter = field(default_factory=Counter)
    types: Counter = field(default_factory=Counter)
    newest: deque = field(default_factory=lambda: deque(maxlen=5))
    unreadable: list[str] = field(default_factory=list)


def _timestamp(line: bytes, year: int) -> float | None:
    m = ISO_TS.match(line)
    try:
        if m:
            return time.mktime(time.strptime(f"{m[1].decode()} {m[2].decode()}", "%Y-%m-%d %H:%M:%S"))
        m = SYSLOG_TS.match(line)
        if m:
            return time.mktime(time.strptime(f"{year} {m[1].decode()}", "%Y %b %d %H:%M:%S"))
    except ValueError:
        return None
    return None


def error_type(text: str) -> str:
    """A short key that groups similar errors: the message with numbers and quotes blanked."""
    return error_pattern(text, SCAN).text


def _open(path: Path) -> IO[bytes]:
    return gzip.open(path, "rb") if path.suffix == ".gz" else path.open("rb")


def candidates(path: Path, since: float, rotated: bool) -> list[Path]:
    """The log and (when asked) its rotated siblings modified inside the window, oldest first."""
    files = [path] if path.exists() else []
    if rotated and path.parent.is_dir():
        files += [p for p in path.parent.glob(path.name + ".*") if p.is_file()]
    files = [p for p in files if p.stat().st_mtime >= since]
    return sorted(files, key=lambda p: p.stat().st_mtime)


class Scanner:
    """Reads log lines in a window; a traceback's exception names the error it follows."""

    def __init__(self, p: ScanParams, since: float, ctx: ActionContext) -> None:
        self.p, self.since, self.ctx = p, since, ctx
        self.err, self.warn = re.compile(p.error_pattern), re.compile(p.warning_pattern)
        self.custom = {k: re.compile(v) for k, v in p.patterns.items()}
        self.tally = Tally(newest=deque(maxlen=p.newest))
        self.year = time.localtime(ctx.clock()).tm_year

    def scan(self, path: Path) -> None:
        try:
            with _open(path) as fh:
                self._lines(fh)
        except (OSError, EOFError) as exc:  # a truncated .gz, a vanished file
            self.tally.unreadable.append(f"{path.name}: {exc}")

    def _lines(self, fh: IO[bytes]) -> None:
        ts: float | None = None
        last_error: str | None = None  # type key of the open record's error, if any
        for n, raw in enumerate(fh):
            if n % 20000 == 0:
                check_cancel(self.ctx)
            stamped = _timestamp(raw, self.year)
            if stamped is not None:
                ts, last_error = stamped, None
            if ts is None or ts < self.since:
                continue
            text = raw.decode("utf-8", "replace").rstrip("\r\n")
            last_error = self._line(text, stamped is not None, last_error)

    def _line(self, text: str, starts_record: bool, last_error: str | None) -> str | None:
        t = self.tally
        t.lines += 1
        for name, rx in self.custom.items():
            if rx.search(text):
                t.custom[name] += 1
        if starts_record:
            if self.err.search(text):
                t.errors += 1
                t.newest.append(text[:300])
                key = error_type(text)
                t.types[key] += 1
                return key
            if self.warn.search(text):
                t.warnings += 1
            return None
        exc = EXCEPTION.match(text)
        if exc and last_error is not None:
            # the exception class says more than the log message: regroup the error under it
            t.types[last_error] -= 1
            if t.types[last_error] <= 0:
                del t.types[last_error]
            t.types[exc[1]] += 1
            return None
        return last_error


@register
class LogsScan(Action):
    name = "logs.scan"
    summary = "Errors, warnings and patterns in log files over a time window; top error types"
    Params = ScanParams
    changes_nothing = True

    def _paths(self, ctx: ActionContext) -> list[tuple[str, Path]]:
        p: ScanParams = ctx.params
        known = ctx.config.logs if ctx.config is not None else {}
        return [(name, known[name]) if name in known else (Path(name).name, Path(name))
                for name in p.logs]

    def run(self, ctx: ActionContext) -> ActionResult:
        p: ScanParams = ctx.params
        since = ctx.clock() - p.hours * 3600
        findings = [self._scan_one(ctx, label, path, since) for label, path in self._paths(ctx)]
        return verdict(findings, p.fail_on)

    def _scan_one(self, ctx: ActionContext, label: str, path: Path, since: float) -> Finding:
        p: ScanParams = ctx.params
        if not path.exists():
            return Finding("warning", f"{label}: log file {path} not found", {"path": str(path)})
        scanner = Scanner(p, since, ctx)
        files = candidates(path, since, p.include_rotated)
        for f in files:
            ctx.log(f"scanning {f}")
            scanner.scan(f)
        t = scanner.tally
        top = t.types.most_common(p.top)
        status = level(t.errors, p.warning, p.critical)
        if t.unreadable and status == "ok":
            status = "warning"
        summary = (f"{label}: {t.errors} errors, {t.warnings} warnings in the last {p.hours:g} h"
                   + (f"; top: {top[0][0]} ×{top[0][1]}" if top else ""))
        return Finding(status, summary, {
            "path": str(path), "files": [str(f) for f in files], "lines": t.lines,
            "errors": t.errors, "warnings": t.warnings, "patterns": dict(t.custom),
            "top": [{"type": k, "count": v} for k, v in top], "newest": list(t.newest),
            "unreadable": t.unreadable})

