"""`process.check`: a process is running (by name or command-line regex), with CPU and memory."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from typing import Any, ClassVar

from pydantic import model_validator

from maintui.core.actions import register
from maintui.core.actions._util import CheckParams, human, verdict
from maintui.core.actions.base import Action, ActionContext, ActionResult, Finding

CPU_WINDOW = 0.3  # seconds between the two CPU readings of each process


class ProcessParams(CheckParams):
    name: str | None = None  # process name, or the script a interpreter runs (python app.py)
    pattern: str | None = None  # regular expression searched in the full command line
    min_count: int = 1  # fewer matching processes is critical

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
    summary = "A process is running (by name or command-line regex), with its CPU and memory"
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
        cpu = self._cpu(ctx, found)
        rss = sum((proc.info.get("memory_info").rss if proc.info.get("memory_info") else 0)
                  for proc in found)
        mem = sum(proc.info.get("memory_percent") or 0.0 for proc in found)
        pids = [proc.info["pid"] for proc in found]
        return verdict([Finding("ok", f"{label}: {len(found)} running (pid {', '.join(map(str, pids[:5]))}), "
                                f"CPU {cpu:.1f}%, memory {human(rss)} ({mem:.1f}%)",
                                {"count": len(found), "pids": pids, "cpu": round(cpu, 1),
                                 "rss": rss, "memory_percent": round(mem, 2)})], p.fail_on)

    def _cpu(self, ctx: ActionContext, procs: list[Any]) -> float:
        """CPU percent over a short window (the first reading of a process is always 0)."""
        def read() -> list[float]:
            out = []
            for proc in procs:
                try:
                    out.append(proc.cpu_percent(None))
                except Exception:  # gone meanwhile, or not ours to read
                    out.append(0.0)
            return out

        read()
        ctx.cancelled.wait(CPU_WINDOW)
        return sum(read())
