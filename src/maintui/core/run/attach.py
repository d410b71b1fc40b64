"""Attaching to a run from another process: follow its events and output, send decisions.

The console is only a view and a remote control: it reads what the runner wrote since the
last ids it saw, and writes the operator's decisions as rows the runner picks up.
One console drives a run (a claim renewed in the run log); others watch read-only.
"""

from __future__ import annotations

import getpass
import os
import socket
import time
from dataclasses import dataclass, field
from typing import Any

from maintui.core.store.rows import Event, OutputLine, RunRow, StepRow

CLAIM_STALE = 10.0  # seconds without renewal after which a driver's claim lapses


@dataclass
class Update:
    """What changed since the previous poll."""

    run: RunRow | None
    events: list[Event] = field(default_factory=list)
    lines: list[OutputLine] = field(default_factory=list)
    steps: list[StepRow] | None = None  # re-read when a step changed

    @property
    def gate(self) -> Event | None:
        """The newest gate that is still open (no step state after it)."""
        for e in reversed(self.events):
            if e.kind == "gate":
                return e
            if e.kind in ("step_state", "run_state") and e.data.get("state") != "waiting":
                return None
        return None


@dataclass(frozen=True)
class Identity:
    user: str
    host: str
    pid: int
    client: str

    @classmethod
    def here(cls) -> Identity:
        return cls(getpass.getuser(), socket.gethostname(), os.getpid(),
                   os.environ.get("SSH_CLIENT", "").split(" ")[0])

    def describe(self) -> str:
        via = f" from {self.client}" if self.client else ""
        return f"{self.user}@{self.host} (pid {self.pid}){via}"


class Attachment:
    """A cursor over one run in the run log, plus the operator's remote control."""

    def __init__(self, log, run_id: int, me: Identity | None = None) -> None:
        self.log = log
        self.run_id = run_id
        self.me = me or Identity.here()
        self.last_event = 0
        self.last_chunk = 0

    async def poll(self, max_chunks: int = 200) -> Update:
        run = await self.log.run(self.run_id)
        events = await self.log.events(self.run_id, self.last_event)
        if events:
            self.last_event = events[-1].id
        lines = await self.log.output(self.run_id, self.last_chunk, max_chunks)
        if lines:
            self.last_chunk = lines[-1].id
        changed = any(e.kind in ("step_state", "gate") for e in events)
        steps = await self.log.steps(self.run_id) if changed or self.last_event == 0 else None
        return Update(run, events, lines, steps)

    async def open_gate(self) -> Event | None:
        """The gate the run waits at now, if any (for a console that just attached)."""
        run = await self.log.run(self.run_id)
        if run is None or run.state != "waiting":
            return None
        return Update(run, await self.log.events(self.run_id)).gate

    async def decide(self, kind: str, step_id: str | None = None, reason: str = "") -> int:
        return await self.log.add_decision(self.run_id, kind, step_id, reason, self.me.user,
                                           self.me.client)

    # -- who drives ----------------------------------------------------------------------------

    def _claim_key(self) -> str:
        return f"driver:{self.run_id}"

    async def driver(self) -> dict[str, Any] | None:
        """The console driving this run, when its claim is fresh."""
        claim = await self.log.get_kv(self._claim_key())
        return claim if self._live(claim) else None

    def _live(self, claim: dict[str, Any] | None) -> bool:
        """Whether a claim is fresh and its console still there."""
        if not claim or time.time() - claim.get("ts", 0) > CLAIM_STALE:
            return False
        if claim.get("host") == self.me.host and claim.get("pid") != self.me.pid:
            from maintui.core.run.lease import process_start

            if process_start(int(claim["pid"])) is None:
                return False  # that console is gone (killed, SSH dropped)
        return True

    async def claim(self, force: bool = False) -> bool:
        """Become (or stay) the driver; False when another live console drives. The claim is
        read and renewed in one transaction: a renewal never undoes a takeover made meanwhile."""
        mine = {"user": self.me.user, "host": self.me.host, "pid": self.me.pid,
                "client": self.me.client, "ts": time.time()}
        if force:
            await self.log.set_kv(self._claim_key(), mine)
            return True
        return await self.log.set_kv_unless(
            self._claim_key(), mine,
            lambda now: self._live(now) and now.get("pid") != self.me.pid)

    async def release(self) -> None:
        current = await self.driver()
        if current and current.get("pid") == self.me.pid:
            await self.log.set_kv(self._claim_key(), {})
