"""Launching step commands: own process group, streamed lines, timeouts that kill the group."""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
import signal
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

from maintui.core.run.outputcap import DEFAULT_CAP, OutputCap

MAX_LINE = 16 * 1024       # longer lines are cut, and the cut is said in the line
CHUNK = 1024 * 1024
PIPE_SIZE = 1024 * 1024
F_SETPIPE_SZ = getattr(fcntl, "F_SETPIPE_SZ", 1031)
GRACE = 5.0                # seconds between SIGTERM and SIGKILL
SPAWN_FAILED = 127         # the shell's code for "command not found"
DRAIN = 2.0                # after the main process exits, how long orphans may hold the pipes

LineSink = Callable[[str, list[str]], Awaitable[None]]


@dataclass(frozen=True)
class CommandResult:
    exit_code: int | None
    timed_out: bool
    cancelled: bool
    duration: float
    stopped_at_cap: bool = False   # its output passed the cap and the step said to stop
    cap_note: str = ""             # what the output cap dropped, when it did
    leftovers: tuple[tuple[int, str], ...] = ()  # (pid, command) still running in its group

    @property
    def ok(self) -> bool:
        return self.exit_code == 0 and not self.timed_out and not self.cancelled


def _cut_marker(head: str, size: int) -> str:
    return head[:MAX_LINE] + f" … [line cut: {size:,} bytes, kept {MAX_LINE:,}]"


def _cut(line: bytes) -> str:
    if len(line) > MAX_LINE:
        return _cut_marker(line[:MAX_LINE].decode("utf-8", "replace"), len(line))
    return line.decode("utf-8", "replace")


async def _pump(reader: asyncio.StreamReader, stream: str, sink: LineSink) -> None:
    """Read big chunks and split lines ourselves: readline() breaks on lines over its limit."""
    pending = bytearray()
    cut_head: str | None = None  # start of an overlong line, kept until its newline arrives
    cut_size = 0
    while True:
        chunk = await reader.read(CHUNK)
        if not chunk:
            break
        pending += chunk
        lines = pending.split(b"\n")
        pending = bytearray(lines.pop())
        out: list[str] = []
        if cut_head is not None and lines:
            out.append(_cut_marker(cut_head, cut_size + len(lines[0])))
            cut_head = None
            lines = lines[1:]
        if lines:
            # one decode for the whole chunk; per-line work only for the rare overlong line
            text = b"\n".join(lines).decode("utf-8", "replace").split("\n")
            if max(map(len, lines)) > MAX_LINE:
                text = [_cut(raw) if len(raw) > MAX_LINE else t for raw, t in zip(lines, text, strict=True)]
            out.extend(text)
        if len(pending) > MAX_LINE:  # never hold more than one limit's worth of a line
            if cut_head is None:
                cut_head, cut_size = pending[:MAX_LINE].decode("utf-8", "replace"), 0
            cut_size += len(pending)
            pending = bytearray()
        if out:
            await sink(stream, out)
    if cut_head is not None:
        await sink(stream, [_cut_marker(cut_head, cut_size + len(pending))])
    elif pending:
        await sink(stream, [_cut(bytes(pending))])


def _big_pipe() -> tuple[int, int]:
    """A pipe with a 1 MiB buffer: a flooding step then hands over big chunks, not 4 KiB ones."""
    r, w = os.pipe()
    with contextlib.suppress(OSError):  # capped by /proc/sys/fs/pipe-max-size: keep the default
        fcntl.fcntl(w, F_SETPIPE_SZ, PIPE_SIZE)
    return r, w


async def _reader(fd: int) -> tuple[asyncio.StreamReader, asyncio.BaseTransport]:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=CHUNK, loop=loop)
    transport, _ = await loop.connect_read_pipe(
        lambda: asyncio.StreamReaderProtocol(reader, loop=loop), os.fdopen(fd, "rb", buffering=0))
    return reader, transport


def _kill_group(pid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, sig)


def leftovers(group: int) -> tuple[tuple[int, str], ...]:
    """Processes still in the process group `group` (the step's own process has ended)."""
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return ()  # the usual case: nothing left, and no need to look at every process
    except PermissionError:
        pass
    import psutil

    found = []
    for proc in psutil.process_iter(["pid", "cmdline", "status"]):
        with contextlib.suppress(psutil.Error, OSError):
            if os.getpgid(proc.pid) == group and proc.info["status"] != psutil.STATUS_ZOMBIE:
                found.append((proc.pid, " ".join(proc.info["cmdline"] or []) or proc.name()))
    return tuple(found)


def leftover_findings(result: CommandResult) -> list[dict]:
    """A warning finding for what a command left running in its group (pid and command)."""
    if not result.leftovers:
        return []
    shown = ", ".join(f"{pid} ({cmd[:80]})" for pid, cmd in result.leftovers[:5])
    more = f" and {len(result.leftovers) - 5} more" if len(result.leftovers) > 5 else ""
    return [{"status": "warning",
             "summary": f"left running after the step ended: {shown}{more}; start daemons "
                        "through their service manager",
             "details": {"processes": [{"pid": p, "command": c} for p, c in result.leftovers]}}]


async def run_command(argv: list[str], sink: LineSink, *, env: Mapping[str, str] | None = None,
                      cwd: str | None = None, timeout: float | None = None,
                      cancel: asyncio.Event | None = None, grace: float = GRACE,
                      on_start: Callable[[int], Awaitable[None]] | None = None,
                      output_cap: int = DEFAULT_CAP, stop_at_cap: bool = False) -> CommandResult:
    """Run argv in a new session; stream stdout/stderr lines to `sink`; kill the group on limits.
    `on_start(pgid)` is awaited once it runs (the runner records the group to find it again).

    At most `output_cap` bytes of output reach `sink` (the first and last parts, and a note of
    what was dropped); with `stop_at_cap` the group is stopped when the output passes the cap.
    Processes the command leaves in its group are returned in `leftovers`, not waited for."""
    start = time.monotonic()
    over_cap = asyncio.Event()
    cap = OutputCap(sink, output_cap, over_cap.set if stop_at_cap else None)
    out_r, out_w = _big_pipe()
    err_r, err_w = _big_pipe()
    try:
        proc = await asyncio.create_subprocess_exec(
            *argv, stdin=asyncio.subprocess.DEVNULL, stdout=out_w, stderr=err_w,
            env=dict(env) if env is not None else None, cwd=cwd, start_new_session=True)
    except OSError as exc:  # no such program, not executable, bad cwd: the step fails, said why
        os.close(out_r)
        os.close(err_r)
        where = f" in {cwd}" if cwd and isinstance(exc, FileNotFoundError) else ""
        await sink("stderr", [f"maintui: cannot run {argv[0]}{where}: {exc.strerror}"])
        return CommandResult(SPAWN_FAILED, False, False, time.monotonic() - start)
    finally:
        os.close(out_w)
        os.close(err_w)
    readers = [await _reader(out_r), await _reader(err_r)]
    pumps = [asyncio.create_task(_pump(readers[0][0], "stdout", cap.feed)),
             asyncio.create_task(_pump(readers[1][0], "stderr", cap.feed))]
    if on_start is not None:
        await on_start(proc.pid)  # its own session: the group id is its pid
    waiters = {asyncio.create_task(proc.wait()), asyncio.create_task(over_cap.wait())}
    if cancel is not None:
        waiters.add(asyncio.create_task(cancel.wait()))
    done, _ = await asyncio.wait(waiters, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    timed_out = not done
    cancelled = bool(cancel and cancel.is_set() and proc.returncode is None)
    capped = over_cap.is_set() and proc.returncode is None
    if timed_out or cancelled or capped:
        _kill_group(proc.pid, signal.SIGTERM)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(proc.wait(), grace)
        # a grandchild may ignore TERM or outlive its parent: KILL whatever is left in the group
        _kill_group(proc.pid, signal.SIGKILL)
    await proc.wait()
    for w in waiters:
        w.cancel()
    _, stuck = await asyncio.wait(pumps, timeout=DRAIN)
    for task in stuck:  # an orphan still holds the pipe: stop reading, keep what we have
        task.cancel()
    for _, transport in readers:
        transport.close()
    await cap.close()
    left = () if (timed_out or cancelled or capped) else leftovers(proc.pid)
    return CommandResult(None if (timed_out or cancelled) else proc.returncode, timed_out,
                         cancelled, time.monotonic() - start, stopped_at_cap=cap.stopped,
                         cap_note=cap.note(), leftovers=left)
