"""The runner: executes one run of one screen, recording intent before action in the run log."""

from __future__ import annotations

import asyncio
import contextlib
import getpass
import json
import os
import socket
import time
from dataclasses import dataclass, field
from typing import Any, Protocol

import aiosqlite

from maintui.core.errors import ConfigError, GateRefused, StoreError
from maintui.core.masking import Masker
from maintui.core.run import lease
from maintui.core.run.artifacts import RunnerRecords
from maintui.core.run.gatekeeper import RunnerGates
from maintui.core.run.gates import DecisionWatcher, Prompt
from maintui.core.run.order import topo_order
from maintui.core.run.recorder import OutputRecorder
from maintui.core.run.steps import Outcome, RunContext, execute, undo, undo_json
from maintui.core.run.stepview import display_command, make_lookup
from maintui.core.run.walk import RunnerWalk
from maintui.core.site.config import SiteConfig
from maintui.core.site.screenfile import Screen, Step
from maintui.core.states import DecisionKind, RunState, StepState
from maintui.core.store.writes import StepRecords


class Reporter(Protocol):
    """Where a foreground run tells the operator what happens (silent when detached)."""

    def say(self, text: str) -> None: ...

    def lines(self, step_id: str, stream: str, lines: list[str]) -> None: ...


class Silent:
    def say(self, text: str) -> None:
        pass

    def lines(self, step_id: str, stream: str, lines: list[str]) -> None:
        pass


@dataclass
class RunOptions:
    gates: str = "log"           # yes | log | tty | none
    user: str = field(default_factory=getpass.getuser)
    client: str = field(default_factory=lambda: os.environ.get("SSH_CLIENT", "").split(" ")[0])
    vars: dict[str, str] = field(default_factory=dict)
    incident: str | None = None
    mode: str = "foreground"
    reason: str = ""             # why the run starts outside the screen's window
    only: list[str] = field(default_factory=list)  # step ids or `tag:NAME`; empty = every step


class Runner(RunnerWalk, RunnerGates, RunnerRecords):
    """One run: lease, step rows, gates, execution, rollback, final state."""

    def __init__(self, config: SiteConfig, screen: Screen, log, options: RunOptions,
                 reporter: Reporter | None = None, prompt: Prompt | None = None) -> None:
        self.config, self.screen, self.log, self.opt = config, screen, log, options
        self.out = reporter or Silent()
        self.prompt = prompt
        self.run_id = 0
        self.masker = Masker.for_site(config.data, config.mask_patterns)
        self.cancel = asyncio.Event()
        self.lost_lease = False
        self.completed: list[str] = []   # step ids in order of completion (for rollback)
        self.undo_data: dict[str, Any] = {}
        self._tasks: list[asyncio.Task] = []
        self.final_message = ""

    # -- lifecycle ---------------------------------------------------------------------------

    async def create(self) -> int:
        """Take the lease and write the run and its pending steps (one transaction)."""
        async def go(db: aiosqlite.Connection) -> int:
            cur = await db.execute(
                "INSERT INTO runs(screen, title, state, started, pid, host, user, client, mode, "
                "vars, incident) VALUES(?,?,?,?,?,?,?,?,?,?,?)",
                (self.screen.name, self.screen.title, RunState.RUNNING, time.time(), os.getpid(),
                 socket.gethostname(), self.opt.user, self.opt.client, self.opt.mode,
                 json.dumps(self.opt.vars), self.opt.incident))
            run_id = cur.lastrowid or 0
            await lease.take(db, self.screen.name, run_id, self.opt.user)
            self._bind(run_id)
            for pos, sid in enumerate(self.order):
                step = self.screen.step(sid)
                await db.execute(
                    "INSERT INTO steps(run_id, step_id, position, title, kind, risk, state, command)"
                    " VALUES(?,?,?,?,?,?,?,?)", (run_id, sid, pos, step.title, step.kind, step.risk,
                                                 StepState.PENDING, self.masker(self.display(step))))
            await db.execute("INSERT INTO events(run_id, ts, kind, data) VALUES(?,?,?,?)",
                             (run_id, time.time(), "run_state", json.dumps({"state": "running"})))
            return run_id

        self.order = self.select(topo_order([s.id for s in self.screen.steps],
                                            {s.id: s.after for s in self.screen.steps}))
        return await self.log.write(go)

    def select(self, order: list[str]) -> list[str]:
        """The steps `--only` names (ids or `tag:NAME`), in order; `after` outside it is ignored."""
        if not self.opt.only:
            return order
        ids = {o for o in self.opt.only if not o.startswith("tag:")}
        tags = {o[4:] for o in self.opt.only if o.startswith("tag:")}
        unknown = ids - set(order)
        if unknown:
            raise ConfigError(f"--only: no step {', '.join(sorted(unknown))} in {self.screen.path}")
        picked = [sid for sid in order
                  if sid in ids or tags & set(self.screen.step(sid).tags)]
        if not picked:
            raise ConfigError(f"--only {','.join(self.opt.only)}: no step of {self.screen.name} "
                              "matches")
        return picked

    def _bind(self, run_id: int) -> None:
        self.run_id = run_id
        self.run_dir = self.config.state_dir / "runs" / str(run_id)
        self.lookup = make_lookup(self.config, self.screen, run_id, self.run_dir)
        if self.opt.vars:
            base = self.lookup
            self.lookup = lambda n: self.opt.vars[n] if n in self.opt.vars else base(n)
        self.records = StepRecords(self.log, run_id)
        self.recorder = OutputRecorder(self.log, run_id, self.masker, self.out.lines)
        self.ctx = RunContext(self.config, self.screen, self.log, run_id, self.run_dir,
                              self.lookup, self.recorder, self.cancel, self._render_report)

    async def adopt(self, run_id: int) -> None:
        """Bind to an existing (interrupted or finished) run, taking its screen's lease."""
        self.order = [s.step_id for s in await self.log.steps(run_id)]

        async def go(db: aiosqlite.Connection) -> None:
            await lease.take(db, self.screen.name, run_id, self.opt.user)
            await db.execute("UPDATE runs SET state = ?, ended = NULL, pid = ? WHERE id = ?",
                             (RunState.RUNNING, os.getpid(), run_id))
        await self.log.write(go)
        self._bind(run_id)
        for row in await self.log.steps(run_id):
            if row.state == StepState.SUCCEEDED:
                self.completed.append(row.step_id)
                self.undo_data[row.step_id] = row.undo

    def display(self, step: Step) -> str:
        return display_command(step, self.lookup)

    async def _start_tasks(self) -> DecisionWatcher:
        self.recorder.start()
        watcher = DecisionWatcher(self.log, self.run_id)
        await watcher.start()
        self.watcher = watcher
        self._tasks = [asyncio.create_task(self._heartbeat()),
                       asyncio.create_task(self._watch_stop(watcher))]
        return watcher

    async def _heartbeat(self) -> None:
        while True:
            await asyncio.sleep(lease.HEARTBEAT)
            try:
                ok = await self.log.write(lambda db: lease.renew(db, self.screen.name, self.run_id))
            except Exception:
                ok = False
            if not ok:
                self.lost_lease = True

    async def _watch_stop(self, watcher: DecisionWatcher) -> None:
        await watcher.stop_event.wait()
        self.cancel.set()  # stops the running step: its process group is killed

    async def run(self) -> RunState:
        """Execute every step in order; returns the run's final state."""
        if not self.run_id:
            await self.create()
        return await self._drive(self.order)

    async def _drive(self, order: list[str]) -> RunState:
        await self._start_tasks()
        await self._session_event("start")
        final = RunState.FAILED
        message = ""
        try:
            final, message = await self._walk(order)
        except GateRefused as exc:
            final, message = RunState.ABORTED, str(exc)
        except StoreError as exc:  # recorded if the run log still takes a last write, then raised
            final, message = RunState.FAILED, f"run log failure: {exc}"
            raise
        except (asyncio.CancelledError, KeyboardInterrupt):
            final, message = RunState.ABORTED, "stopped by a signal"
            await self._cancel_rest(message)
        finally:
            for t in self._tasks:
                t.cancel()
            await self.watcher.close()
            try:
                await self.recorder.stop()
            except StoreError as exc:
                final, message = RunState.FAILED, f"run log failure: {exc}"
            with contextlib.suppress(StoreError):  # the original error is the one to report
                await self._session_event("end")
                await self._finish(final, message)
                await self._export_report()
                await self._stamp_incident()
        return final


    async def _finish(self, final: RunState, message: str) -> None:
        async def go(db: aiosqlite.Connection) -> None:
            await db.execute("UPDATE runs SET state = ?, ended = ?, message = ? WHERE id = ?",
                             (final, time.time(), message, self.run_id))
            await db.execute("INSERT INTO events(run_id, ts, kind, data) VALUES(?,?,?,?)",
                             (self.run_id, time.time(), "run_state",
                              json.dumps({"state": str(final), "message": message})))
            await lease.release(db, self.screen.name, self.run_id)
        await self.log.write(go)
        self.final_message = message
        self.out.say(f"run {self.run_id} {final}" + (f": {message}" if message else ""))


    async def _check_stop(self) -> tuple[RunState, str] | None:
        if self.lost_lease:
            await self._cancel_rest("not run: the runner lost its lease")
            return RunState.ABORTED, "lost the screen's lease (another runner took it over)"
        stop = self.watcher.stop
        if stop is not None:
            return await self._stopped(DecisionKind(stop.kind), stop.reason or f"by {stop.user}")
        return None

    async def _stopped(self, kind: DecisionKind, reason: str) -> tuple[RunState, str]:
        if kind is DecisionKind.ROLLBACK:
            return await self.rollback(f"rollback requested: {reason}")
        await self._cancel_rest("not run: the run was aborted")
        return RunState.ABORTED, reason

    async def _cancel_rest(self, reason: str) -> None:
        for row in await self.log.steps(self.run_id):
            if not StepState(row.state).finished:
                await self.records.set(row.step_id, StepState.CANCELLED, reason=reason)

    async def _skip(self, step: Step, reason: str, kind: DecisionKind = DecisionKind.SKIP) -> StepState:
        await self.records.set(step.id, StepState.SKIPPED, reason=reason)
        self.out.say(f"  ⤼ {step.id} skipped: {reason}")
        return StepState.SKIPPED

    async def _complete_manual(self, step: Step, note: str) -> StepState:
        await self.records.set(step.id, StepState.SUCCEEDED, reason=note or "done",
                               started=time.time(), ended=time.time())
        self.completed.append(step.id)
        self.out.say(f"  ✓ {step.id} done" + (f": {note}" if note else ""))
        return StepState.SUCCEEDED


    # -- execution ---------------------------------------------------------------------------

    async def _attempts(self, step: Step) -> Outcome:
        outcome = Outcome(StepState.FAILED)
        for attempt in range(1, step.retries + 2):
            await self.records.started(step.id, attempt)  # intent before action
            self.out.say(f"▶ {step.id}: {step.title}" + (f" (attempt {attempt})" if attempt > 1 else ""))
            outcome = await execute(self.ctx, step)
            for finding in outcome.findings:
                finding = {**finding, "summary": self.masker(finding["summary"])}
                await self.log.add_finding(self.run_id, step.id, finding)
                # also in the step's output, so every view of the step shows what it found
                self.recorder.add_now(step.id, "finding",
                                      [f"[{finding['status']}] {finding['summary']}"])
            await self.recorder.flush()
            if outcome.state is StepState.SUCCEEDED or outcome.state is StepState.CANCELLED:
                break
            if attempt <= step.retries:
                self.out.say(f"  ↻ {step.id} {outcome.state}: {outcome.message}; retrying")
                await asyncio.sleep(step.retry_delay)
        await self.records.set(step.id, outcome.state, exit_code=outcome.exit_code,
                               reason=self.masker(outcome.message), ended=time.time(),
                               undo=undo_json(outcome.undo))
        mark = "✓" if outcome.state is StepState.SUCCEEDED else "✗"
        self.out.say(f"  {mark} {step.id} {outcome.state}" + (f": {outcome.message}" if outcome.message else ""))
        if outcome.state is StepState.SUCCEEDED:
            self.completed.append(step.id)
            self.undo_data[step.id] = outcome.undo
        return outcome

    async def rollback(self, why: str, extra: list[str] | None = None) -> tuple[RunState, str]:
        """Undo completed steps in reverse order of completion; stop at the first failed undo."""
        self.out.say(f"↺ rolling back: {why}")
        await self._cancel_rest("not run: the run is rolling back")
        self.cancel.clear()
        for sid in reversed((extra or []) + self.completed):
            step = self.screen.step(sid)
            ok, note = await undo(self.ctx, step, self.undo_data.get(sid))
            await self.recorder.flush()
            if not ok:
                await self.records.set(sid, StepState.ROLLBACK_FAILED, reason=note)
                self.out.say(f"  ✗ undo of {sid} FAILED: {note}")
                return RunState.ROLLBACK_FAILED, f"{why}; undo of {sid} failed: {note}"
            await self.records.set(sid, StepState.ROLLED_BACK, reason=note)
            self.out.say(f"  ↺ {sid} rolled back" + (f" ({note})" if note else ""))
        self.completed.clear()
        return RunState.ROLLED_BACK, why

