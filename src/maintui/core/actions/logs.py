"""`logs.scan`: errors, warnings and custom patterns in a time window, with top error types."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pydantic import field_validator

from maintui.core.actions import register
from maintui.core.actions._util import CheckParams, check_cancel, level, verdict
from maintui.core.actions.base import Action, ActionContext, ActionResult, Finding
from maintui.core.logs import formats
from maintui.core.logs.rotated import siblings
from maintui.core.logs.summary import Summary

ERROR = r"\b(ERROR|CRITICAL|FATAL|EMERG|ALERT)\b"
WARNING = r"\b(WARN|WARNING)\b"


class ScanParams(CheckParams):
    logs: list[str]  # names from config [logs], or file paths
    hours: float = 24  # how far back to read
    error_pattern: str = ERROR  # regular expression of an error line
    warning_pattern: str = WARNING  # regular expression of a warning line
    patterns: dict[str, str] = {}  # extra named regexes to count, e.g. {oom = "Out of memory"}
    warning: int = 1  # error count thresholds
    critical: int = 50  # error count that is critical
    include_rotated: bool = True  # also read <log>.N and <log>.N.gz touched inside the window
    newest: int = 5  # newest error lines shown
    top: int = 5  # most frequent error patterns shown

    @field_validator("error_pattern", "warning_pattern", "patterns")
    @classmethod
    def _regex(cls, v: Any) -> Any:
        for text in v.values() if isinstance(v, dict) else [v]:
            try:
                re.compile(text)
            except re.error as exc:
                raise ValueError(f"not a valid regular expression {text!r}: {exc}") from None
        return v


def candidates(path: Path, since: float, rotated: bool) -> list[Path]:
    """The log and (when asked) its rotated siblings modified inside the window, oldest first.

    Siblings are numbered (`app.log.1`, `.2.gz`) or dated (`app.log-20261201[.gz]`,
    `app.log.2026-12-01`); see `core.logs.rotated`.
    """
    files = [path] if path.exists() else []
    if rotated:
        files += siblings(path)
    files = [p for p in files if p.stat().st_mtime >= since]
    return sorted(files, key=lambda p: p.stat().st_mtime)


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
        extra = ctx.config.log_formats if ctx.config is not None else []
        summary = Summary(
            since=since, patterns={k: re.compile(v) for k, v in p.patterns.items()},
            extra=extra, error_rx=re.compile(p.error_pattern),
            warning_rx=re.compile(p.warning_pattern), newest_kept=p.newest,
            tick=lambda: check_cancel(ctx))
        files = candidates(path, since, p.include_rotated)
        for f in files:
            ctx.log(f"scanning {f}")
            summary.read(f)
        return _finding(label, path, files, summary, p)


def _finding(label: str, path: Path, files: list[Path], s: Summary, p: ScanParams) -> Finding:
    top = s.top(p.top)
    status = level(s.errors, p.warning, p.critical)
    problems = list(s.unreadable)
    unknown = [Path(f).name for f, name in s.formats.items() if name == formats.TEXT.name]
    if unknown:  # levels then come from level words only: the counts may be far off
        problems.append(f"format not recognised: {', '.join(unknown)}")
    if s.lines and s.unparsed * 10 > s.lines:
        problems.append(f"{s.unparsed} of {s.lines} lines not read by the format")
    if problems and status == "ok":
        status = "warning"
    text = f"{label}: {s.errors} errors, {s.warnings} warnings in the last {p.hours:g} h"
    if top:
        text += f"; top: {top[0].key} ×{top[0].count}"
    if s.custom:
        text += "; " + ", ".join(f"{k} ×{v}" for k, v in sorted(s.custom.items()))
    if problems:
        text += "; " + "; ".join(problems)
    return Finding(status, text, {
        "path": str(path), "files": [str(f) for f in files], "formats": s.formats,
        "lines": s.in_window, "lines_read": s.lines, "unparsed": s.unparsed,
        "records": s.records, "levels": dict(s.levels),
        "errors": s.errors, "warnings": s.warnings, "patterns": dict(s.custom),
        "first": s.first, "last": s.last,
        "top": [{"type": t.key, "count": t.count, "first": t.first, "last": t.last,
                 "sample": t.sample} for t in top],
        "newest": list(s.newest), "unreadable": s.unreadable, "problems": problems})
