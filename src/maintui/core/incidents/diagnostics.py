"""Incident diagnostics: one JSON-ready snapshot of the machine, and its text renderings.

Every collector is guarded: a section that cannot be read (access denied, a missing file
or command, a timeout) is recorded as `{"available": False, "reason": ...}`, so a snapshot
taken in the middle of an incident never fails because one source is broken.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from maintui.core.logs import formats
from maintui.core.logs.format import Format
from maintui.core.logs.levels import Level
from maintui.core.logs.records import level_of_record, records
from maintui.core.masking import Masker
from maintui.core.probes.base import Probe, Proc
from maintui.core.site.config import SiteConfig
from maintui.core.units import human_size

TOP = 8                       # processes per ranking
TAIL_BYTES = 256 * 1024       # how far back each log is read
LINES_KEPT = 20               # error lines kept per log (and dmesg lines)
LINE_CHARS = 400              # one huge line must not bloat the run log
COMMAND_TIMEOUT = 1.0         # dmesg/journalctl: the whole snapshot must stay under 2 s
CPU_WINDOW = 0.25             # per-process CPU% needs two readings this far apart
COMMANDS = {"dmesg": ["dmesg"], "journal": ["journalctl", "-n", "50", "--no-pager", "-p", "err"]}

Section = dict[str, Any]


def unavailable(reason: str) -> Section:
    return {"available": False, "reason": reason}


def _guarded(fn: Callable[[], Section]) -> Section:
    try:
        return fn()
    except Exception as exc:  # a diagnostic must never take the snapshot down with it
        return unavailable(f"{type(exc).__name__}: {exc}")


# -- sources ---------------------------------------------------------------------------------

def tail_errors(path: Path, mask: Callable[[str], str] = str,
                extra: Sequence[Format] = ()) -> Section:
    """Error records among the last TAIL_BYTES of a log (bounded: a 1 GB log costs the same);
    each is its first line. `extra`: the site's own log formats."""
    try:
        with path.open("rb") as fh:
            size = fh.seek(0, os.SEEK_END)
            fh.seek(max(0, size - TAIL_BYTES))
            chunk = fh.read(TAIL_BYTES)
    except OSError as exc:
        return {"path": str(path), **unavailable(exc.strerror or str(exc))}
    lines = chunk.decode("utf-8", "replace").splitlines()
    if size > TAIL_BYTES:
        lines = lines[1:]  # the first line was cut by the seek
    # The log's own format says which lines are errors; a traceback is one error, its head's.
    fmt = formats.detect(lines[:200], extra=extra)
    hits = [mask(r.lines[0][:LINE_CHARS]) for r in records(lines, fmt)
            if level_of_record(r) >= Level.ERROR]
    return {"path": str(path), "available": True, "count": len(hits),
            "lines": hits[-LINES_KEPT:]}


def listeners() -> Section:
    """Listening TCP/UDP sockets with their process; unprivileged users may be refused."""
    import psutil

    try:
        conns = psutil.net_connections(kind="inet")
    except psutil.AccessDenied:
        return unavailable("access denied listing sockets (run as root to see them)")
    seen: dict[tuple[str, int], Section] = {}
    for c in conns:
        if c.status != psutil.CONN_LISTEN or not c.laddr:
            continue
        seen.setdefault((c.laddr.ip, c.laddr.port), {
            "address": c.laddr.ip, "port": c.laddr.port, "pid": c.pid,
            "process": _process_name(c.pid)})
    items = sorted(seen.values(), key=lambda s: (s["port"], s["address"]))
    return {"available": True, "items": items}


def _process_name(pid: int | None) -> str:
    import psutil

    try:
        return psutil.Process(pid).name() if pid else "?"
    except psutil.Error:
        return "?"


def start_commands() -> dict[str, subprocess.Popen | Section]:
    """Start dmesg and journalctl at once, so their time overlaps the rest of the snapshot."""
    started: dict[str, subprocess.Popen | Section] = {}
    for name, argv in COMMANDS.items():
        try:
            started[name] = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                             stderr=subprocess.PIPE, text=True, errors="replace")
        except OSError as exc:
            started[name] = unavailable(f"{argv[0]}: {exc.strerror or exc}")
    return started


def finish_command(proc: subprocess.Popen | Section, deadline: float,
                   mask: Callable[[str], str] = str) -> Section:
    if isinstance(proc, dict):
        return proc
    try:
        out, errs = proc.communicate(timeout=max(0.05, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        return unavailable(f"{proc.args[0]} did not answer within {COMMAND_TIMEOUT:g}s")
    if proc.returncode != 0:
        first = (errs.strip().splitlines() or [f"exit {proc.returncode}"])[0]
        return unavailable(f"{proc.args[0]}: {first}")
    lines = [mask(ln[:LINE_CHARS]) for ln in out.splitlines() if ln and not ln.startswith("-- ")]
    return {"available": True, "lines": lines[-LINES_KEPT:]}


class ProcessWindow:
    """Per-process CPU% and IO rates over a short window, straight from psutil.

    The probe keeps its own refresh policy for the dashboard; a snapshot wants one fresh
    reading now, so it takes a baseline at start and reads again when the window is over.
    """

    def __init__(self) -> None:
        import psutil

        self._ps = psutil
        self._began = time.monotonic()
        self._base: dict[Any, int | None] = {}
        # Our own Process objects: process_iter() shares cached ones with the probe, whose
        # sample would reset the CPU baseline taken here.
        for pid in psutil.pids():
            try:
                p = psutil.Process(pid)
                p.cpu_percent(None)
                self._base[p] = self._io(p)
            except psutil.Error:
                continue

    def _io(self, p: Any) -> int | None:
        try:
            c = p.io_counters()
            return c.read_bytes + c.write_bytes
        except (self._ps.Error, AttributeError, OSError):  # AttributeError: no IO counters here
            return None

    def read(self) -> list[Proc]:
        time.sleep(max(0.0, CPU_WINDOW - (time.monotonic() - self._began)))
        took = max(1e-3, time.monotonic() - self._began)
        rows = []
        for p, io_before in self._base.items():
            try:
                with p.oneshot():
                    io_now = self._io(p)
                    io = (io_now - io_before) / took if None not in (io_now, io_before) else None
                    rows.append(Proc(p.pid, p.name(), p.username(), round(p.cpu_percent(None), 1),
                                     round(p.memory_percent(), 1), io))
            except self._ps.Error:  # gone during the window
                continue
        return rows


def _resources(probe: Probe | None) -> Section:
    window = None
    if probe is None:  # live: our own CPU window per process, the probe for the machine
        from maintui.core.probes.psutil import PsutilProbe

        probe, window = PsutilProbe(top=TOP), ProcessWindow()
    s = probe.sample()
    procs = window.read() if window else list(s.processes)
    with_io = [p for p in procs if p.io]
    return {
        "cpu": {"percent": round(s.cpu, 1), "cores": len(s.cores)},
        "load": list(s.load), "load_per_core": round(s.load_per_core[0], 2),
        "memory": {"percent": s.memory, "used": s.memory_used, "total": s.memory_total},
        "swap": {"percent": s.swap},
        "disks": [asdict(d) for d in s.disks],
        "top_cpu": [asdict(p) for p in sorted(procs, key=lambda p: -p.cpu)[:TOP]],
        "top_memory": [asdict(p) for p in sorted(procs, key=lambda p: -p.memory)[:TOP]],
        "top_io": [asdict(p) for p in sorted(with_io, key=lambda p: -(p.io or 0))[:TOP]],
    }


def snapshot(config: SiteConfig, probe: Probe | None = None) -> dict[str, Any]:
    """Everything worth seeing in an incident, as plain JSON-serialisable data.

    With no probe, the machine is sampled live (about a quarter of a second, the CPU
    window); with one (a FakeProbe in tests), its processes are used as they are.
    """
    began = time.monotonic()
    mask = Masker.for_site(config.data, config.mask_patterns)
    commands = start_commands()
    snap: dict[str, Any] = {
        "taken": time.time(), "host": socket.gethostname(),
        "logs": {name: _guarded(lambda p=path: tail_errors(p, mask, config.log_formats))
                 for name, path in config.logs.items()},
        "listeners": _guarded(listeners)}
    snap["resources"] = _guarded(lambda: _resources(probe))
    deadline = time.monotonic() + COMMAND_TIMEOUT
    for name, proc in commands.items():
        snap[name] = _guarded(lambda p=proc: finish_command(p, deadline, mask))
    snap["levels"] = _guarded(lambda: levels(config, snap["resources"]))
    snap["elapsed"] = round(time.monotonic() - began, 3)
    return snap


def levels(config: SiteConfig, res: Section) -> Section:
    """Gauges at warning or critical against the site's thresholds."""
    if res.get("available") is False:
        return {"available": True, "items": []}
    values = {"cpu": res["cpu"]["percent"], "memory": res["memory"]["percent"],
              "swap": res["swap"]["percent"], "load": res["load_per_core"],
              **{f"disk:{d['mount']}": d["percent"] for d in res["disks"]}}
    items = [{"gauge": g, "value": v, "level": config.threshold(g).level(v)}
             for g, v in values.items()]
    return {"available": True, "items": [i for i in items if i["level"] != "ok"]}


# -- renderings ------------------------------------------------------------------------------

def summary_line(snap: dict[str, Any]) -> str:
    """The collapsed form: key numbers, alerts and error counts on one line."""
    parts = []
    res = snap.get("resources", {})
    if res.get("available") is not False and res:
        parts.append(f"cpu {res['cpu']['percent']:.0f}% · mem {res['memory']['percent']:.0f}% · "
                     f"swap {res['swap']['percent']:.0f}% · load {res['load'][0]:.2f}")
    for item in snap.get("levels", {}).get("items", []):
        parts.append(f"{item['gauge']} {item['value']:g} {item['level'].upper()}")
    errors = sum(s.get("count", 0) for s in snap.get("logs", {}).values())
    parts.append(f"{errors} log error{'s' * (errors != 1)}")
    lis = snap.get("listeners", {})
    if lis.get("available"):
        parts.append(f"{len(lis['items'])} listening")
    return " · ".join(parts)


def _section(title: str, sec: Section, body: Callable[[Section], list[str]]) -> list[str]:
    if not sec:  # an older or partial snapshot: rendering stored data must never fail
        return [f"{title}: not recorded"]
    if sec.get("available") is False:
        return [f"{title}: unavailable — {sec['reason']}"]
    lines = body(sec)
    return [f"{title}:", *(f"  {ln}" for ln in lines)] if lines else [f"{title}: none"]


def _procs(rows: list[Section]) -> list[str]:
    return [f"{p['pid']:>7} {p['name'][:20]:<20} {p['user'][:10]:<10} cpu {p['cpu']:5.1f}% "
            f"mem {p['memory']:5.1f}%" + (f" io {human_size(p['io'])}/s" if p["io"] else "")
            for p in rows]


def _resource_lines(res: Section) -> list[str]:
    mem = res["memory"]
    out = [f"cpu {res['cpu']['percent']}% of {res['cpu']['cores']} cores, load "
           + " ".join(f"{x:.2f}" for x in res["load"]),
           f"memory {mem['percent']}% ({human_size(mem['used'])} of {human_size(mem['total'])}), "
           f"swap {res['swap']['percent']}%"]
    out += [f"disk {d['mount']}: {d['percent']}% ({human_size(d['used'])} of {human_size(d['total'])})"
            for d in res["disks"]]
    for key, title in (("top_cpu", "by cpu"), ("top_memory", "by memory"), ("top_io", "by io")):
        if res[key]:
            out += [f"top processes {title}:", *(f"  {ln}" for ln in _procs(res[key]))]
    return out


def render_snapshot(snap: dict[str, Any]) -> str:
    """The full plain-text form, for `maintui incident snapshot` and reports."""
    taken = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(snap.get("taken")))
    out = [f"diagnostics of {snap.get('host', '?')} at {taken}", summary_line(snap), ""]
    out += _section("resources", snap.get("resources", {}), _resource_lines)
    out += _section("listening sockets", snap.get("listeners", {}), lambda s: [
        f"{i['address']}:{i['port']} {i['process']} (pid {i['pid'] or '?'})" for i in s["items"]])
    for name, sec in snap.get("logs", {}).items():
        out += _section(f"log {name} ({sec.get('path', '')})", sec, lambda s: [
            f"{s['count']} error lines in the last {TAIL_BYTES // 1024} KiB", *s["lines"]])
    out += _section("dmesg", snap.get("dmesg", {}), lambda s: s["lines"])
    out += _section("journal (errors)", snap.get("journal", {}), lambda s: s["lines"])
    return "\n".join(out) + "\n"

