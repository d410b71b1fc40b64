"""Gates: what the runner asks before a step, and where the answer comes from."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from maintui.core.states import Decision, DecisionKind

POLL = 0.2  # seconds between looks for new decisions in the run log


@dataclass(frozen=True)
class GateRequest:
    """A step waiting for the operator, with everything the confirm dialog shows."""

    run_id: int
    step_id: str
    title: str
    risk: str
    manual: bool
    command: str
    plan: list[str] = field(default_factory=list)
    rollback: str = ""
    description: str = ""

    def as_dict(self) -> dict:
        return {"step_id": self.step_id, "title": self.title, "risk": self.risk,
                "manual": self.manual, "command": self.command, "plan": self.plan,
                "rollback": self.rollback, "description": self.description}


@dataclass(frozen=True)
class Answer:
    kind: DecisionKind
    reason: str = ""
    user: str = ""
    recorded: bool = False  # already in the run log (came from a console)


Prompt = Callable[[GateRequest], Awaitable[Answer | None]]

RUN_LEVEL = {DecisionKind.ABORT, DecisionKind.ROLLBACK}


class DecisionWatcher:
    """Polls the run log for decisions; run-level ones set `stop`, step ones go to a queue."""

    def __init__(self, log, run_id: int) -> None:
        self.log = log
        self.run_id = run_id
        self.last_id = 0
        self.stop: Decision | None = None
        self.stop_event = asyncio.Event()
        self.queue: asyncio.Queue[Decision] = asyncio.Queue()
        self._task: asyncio.Task | None = None

    async def start(self) -> None:
        existing = await self.log.decisions(self.run_id)
        self.last_id = existing[-1].id if existing else 0  # older answers are history
        self._task = asyncio.create_task(self._loop())

    async def _loop(self) -> None:
        while True:
            with contextlib.suppress(Exception):  # a busy run log: try again on the next tick
                await self.poll()
            await asyncio.sleep(POLL)

    async def poll(self) -> None:
        for d in await self.log.decisions(self.run_id, self.last_id):
            self.last_id = d.id
            if d.kind in RUN_LEVEL:
                self.stop = d
                self.stop_event.set()
            elif d.kind != DecisionKind.NOTE:
                self.queue.put_nowait(d)

    async def wait_for(self, step_id: str) -> Decision:
        """The next decision for this step (or a run-level stop, returned as is)."""
        while True:
            if self.stop is not None:
                return self.stop
            getter = asyncio.create_task(self.queue.get())
            stopper = asyncio.create_task(self.stop_event.wait())
            done, pending = await asyncio.wait({getter, stopper}, return_when=asyncio.FIRST_COMPLETED)
            for t in pending:
                t.cancel()
            if getter in done:
                d = getter.result()
                if d.step_id in (None, step_id):
                    return d
            elif self.stop is not None:
                return self.stop

    async def close(self) -> None:
        if self._task:
            self._task.cancel()
