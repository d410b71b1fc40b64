"""`process.check`: a process is running (by name or command-line regex); its CPU over an
interval and its resident memory, against optional warning/critical limits."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from typing import Any, ClassVar

from pydantic import Field, field_validator, model_validator

from maintui.core.actions import register
from maintui.core.actions._util import CheckParams, human, seconds, verdict
from maintui.core.actions.base import Action, ActionContext, ActionResult, Finding
from maintui.core.units import parse_size


class ProcessParams(CheckParams):
    name: str | None = None  # process name, or the script a interpreter runs (python app.py)
    pattern: str | None = None  # regular expression searched in the full command line
    min_count: int = 1  # fewer matching processes is critical
    cpu_interval: float = 1.0  # seconds each process's CPU is measured over ("2s")
    cpu_warning: float | None = Field(None, examples=[80])  # CPU percent (of one core, all matches together) that is a warning
    cpu_critical: float | None = Field(None, examples=[95])  # CPU percent that is critical (e.g. 90, as `top` shows it)
    memory_warning: float | str | None = Field(None, examples=["512M"])  # resident memory (RSS, all matches) that is a warning: bytes or "512M"
    memory_critical: float | str | None = Field(None, examples=["1G"])  # resident memory that is critical, e.g. "1G"

    @field_validator("cpu_interval", mode="before")
    @classmethod
    def _duration(cls, v: Any) -> float:
        return seconds(v)

    @field_validator("memory_warning", "memory_critical", mode="before")
    @classmethod
    def _size(cls, v: Any) -> Any:
        return parse_size(v) if isinstance(v, str) else v

    @model_validator(mode="after")
    def _one(self) -> ProcessParams:
        if not self.name and not self.pattern:
            raise ValueError("give name or pattern (a command-line regular expression)")
        if self.pattern:
            try:
                re.compile(self.pattern)
            except re.error as exc:
                raise ValueError(f"pattern is not a valid regular expression: {exc}") from None
        return self


def _processes() -> Iterable[Any]:
    import psutil

    return psutil.process_iter(["pid", "name", "cmdline", "memory_info", "memory_percent"])


def matches(info: dict[str, Any], name: str | None, pattern: str | None) -> bool:
    cmd = info.get("cmdline") or []
    if name:
        words = {info.get("name") or ""} | {os.path.basename(w) for w in cmd[:2]}
        if name not in words:
            return False
    return not pattern or bool(re.search(pattern, " ".join(cmd)))


@register
class ProcessCheck(Action):
    name = "process.check"
    summary = ("A process is running (by name or command-line regex); its CPU and memory "
               "against warning/critical limits")
    Params = ProcessParams
    changes_nothing = True
    list_processes: ClassVar[Callable[[], Iterable[Any]]] = staticmethod(_processes)

    def run(self, ctx: ActionContext) -> ActionResult:
        p: ProcessParams = ctx.params
        me = os.getpid()
        found = [proc for proc in self.list_processes()
                 if proc.info.get("pid") != me and matches(proc.info, p.name, p.pattern)]
        label = p.name or f"/{p.pattern}/"
        if len(found) < p.min_count:
            return verdict([Finding("critical", f"{label}: {len(found)} process(es) running, "
                                    f"expected at least {p.min_count}", {"count": len(found)})],
                           p.fail_on)
        cpus = self._cpu(ctx, found)
        rsses = [proc.info["memory_info"].rss if proc.info.get("memory_info") else 0
                 for proc in found]
        cpu, rss = sum(cpus), sum(rsses)
        mem = sum(proc.info.get("memory_percent") or 0.0 for proc in found)
        pids = [proc.info["pid"] for proc in found]
        each = sorted(({"pid": pid, "cpu": round(c, 1), "rss": r}
                       for pid, c, r in zip(pids, cpus, rsses, strict=True)),
                      key=lambda e: (-e["cpu"], -e["rss"]))  # the busiest first
        details = {"count": len(found), "pids": pids, "cpu": round(cpu, 1), "rss": rss,
                   "memory_percent": round(mem, 2), "cpu_interval": p.cpu_interval,
                   "processes": each[:20]}
        out = [Finding("ok", f"{label}: {len(found)} running (pid {', '.join(map(str, pids[:5]))}), "
                       f"CPU {cpu:.1f}% over {p.cpu_interval:g}s, memory {human(rss)} "
                       f"({mem:.1f}%)", details)]
        cpu_status = over(cpu, p.cpu_warning, p.cpu_critical)
        if cpu_status != "ok":
            limit = p.cpu_critical if cpu_status == "critical" else p.cpu_warning
            out.append(Finding(cpu_status, f"{label}: CPU {cpu:.1f}% over {p.cpu_interval:g}s, "
                               f"{cpu_status} above {limit:g}%", {**details, "limit": limit}))
        mem_status = over(rss, p.memory_warning, p.memory_critical)
        if mem_status != "ok":
            limit = p.memory_critical if mem_status == "critical" else p.memory_warning
            out.append(Finding(mem_status, f"{label}: memory {human(rss)} resident, {mem_status} "
                               f"above {human(limit or 0)}", {**details, "limit": limit}))
        return verdict(out, p.fail_on)

    def _cpu(self, ctx: ActionContext, procs: list[Any]) -> list[float]:
        """Each process's CPU percent (of one core) over `cpu_interval`: psutil's first
        reading is a baseline."""
        def read() -> list[float]:
            out = []
            for proc in procs:
                try:
                    out.append(proc.cpu_percent(None))
                except Exception:  # gone meanwhile, or not ours to read
                    out.append(0.0)
            return out

        read()
        ctx.cancelled.wait(max(0.05, ctx.params.cpu_interval))
        return read()


def over(value: float, warning: float | None, critical: float | None) -> str:
    """ok/warning/critical against optional rising thresholds (None: that level is not checked)."""
    if critical is not None and value >= critical:
        return "critical"
    return "warning" if warning is not None and value >= warning else "ok"
