"""The runner: executes one run of one screen, recording intent before action in the run log."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import time
from typing import Any, Protocol

import aiosqlite

from maintui.core.errors import GateRefused, StoreError
from maintui.core.probes.base import Probe
from maintui.core.probes.psutil import PsutilProbe
from maintui.core.run import lease
from maintui.core.run.artifacts import RunArtifacts, outside_window
from maintui.core.run.conditions import check_condition
from maintui.core.run.findingtext import detail_lines, masked, worst_first
from maintui.core.run.gates import DecisionWatcher, Gatekeeper, Prompt
from maintui.core.run.interrupted import rollback_order
from maintui.core.run.notices import notify_run
from maintui.core.run.options import RunOptions, pick_only
from maintui.core.run.orphans import new_token, start_time
from maintui.core.run.outputs import output_file, read_outputs
from maintui.core.run.recorder import OutputRecorder
from maintui.core.run.steps import Outcome, RunContext, execute, has_undo, undo, undo_json
from maintui.core.run.stepview import KEPT_LABEL, display_command, kept, make_lookup
from maintui.core.run.walk import Verdict, Walk
from maintui.core.site import paths
from maintui.core.site.config import SiteConfig
from maintui.core.site.model import Screen, Step
from maintui.core.site.order import topo_order
from maintui.core.site.secrets import run_masker, stored_vars
from maintui.core.states import RunState, StepState
from maintui.core.store.leases import LeaseLost, check_held, release_lease, renew_lease
from maintui.core.store.writes import (
    NewStep,
    StepRecords,
    add_event,
    add_steps,
    close_steps,
    create_run,
    end_run,
    set_run_state,
)


class Reporter(Protocol):
    """Where a foreground run tells the operator what happens (silent when detached)."""

    def say(self, text: str) -> None: ...

    def lines(self, step_id: str, stream: str, lines: list[str]) -> None: ...


class Silent:
    def say(self, text: str) -> None:
        pass

    def lines(self, step_id: str, stream: str, lines: list[str]) -> None:
        pass


class Runner:
    """One run: lease, step rows, execution, rollback, final state. The walk through the
    steps, the gates and what the run leaves behind are collaborators built once the run
    has its id (`create` or `adopt`)."""

    def __init__(self, config: SiteConfig, screen: Screen, log, options: RunOptions,
                 reporter: Reporter | None = None, prompt: Prompt | None = None,
                 probe: Probe | None = None) -> None:
        self.config, self.screen, self.log, self.opt = config, screen, log, options
        self.out = reporter or Silent()
        self.prompt = prompt
        self.probe = probe
        self.run_id = 0
        self.masker = run_masker(config, screen, options.vars)
        self.cancel = asyncio.Event()
        self.lost_lease = ""      # why the run may not go on: its lease lost, or fenced
        self.renewed = time.monotonic()  # the last time the lease was renewed
        self.completed: list[str] = []   # step ids in order of completion (for rollback)
        self.undo_data: dict[str, Any] = {}
        self.order: list[str] = []
        self.selection: list[str] = []  # what `--only` limited the run to, when it did
        self._tasks: list[asyncio.Task] = []
        self.final_message = ""
        self._shown_wait: int | None = None  # the last lock wait shown, in seconds

    # -- lifecycle ---------------------------------------------------------------------------

    async def create(self) -> int:
        """Take the lease and write the run and its pending steps (one transaction)."""
        async def go(db: aiosqlite.Connection) -> int:
            run_id = await create_run(db, self.screen.name, self.screen.title,
                                      pid=os.getpid(), host=socket.gethostname(),
                                      user=self.opt.user, client=self.opt.client,
                                      mode=self.opt.mode,
                                      vars=stored_vars(self.opt.vars, self.masker,
                                                       self.config.secrets),
                                      incident=self.opt.incident, selection=self.selection)
            await lease.take(db, self.screen.name, run_id, self.opt.user)
            self._bind(run_id)  # the commands stored are shown as this run will render them
            await add_steps(db, run_id, [self._new_step(self.screen.step(sid))
                                         for sid in self.order])
            await add_event(db, run_id, "run_state", None, {"state": "running"})
            return run_id

        every = topo_order([s.id for s in self.screen.steps],
                           {s.id: s.waits_for for s in self.screen.steps})
        self.order = self.select(every)
        # some of the steps only: a partial run, recorded as such (not the screen's run for
        # "last run" and "due"); an --only that picks every step is a whole run
        self.selection = list(self.opt.only) if len(self.order) < len(every) else []
        run_id = await self.log.write(go)
        await self._hold()
        return run_id

    async def _hold(self) -> None:
        """From now on every write of this run checks it still holds the lease, and a lock
        another process holds on the run log is waited out, the time shown."""
        pid, screen, run_id = os.getpid(), self.screen.name, self.run_id
        self.log.guard = lambda db: check_held(db, screen, run_id, pid, lease.STALE)
        await self.log.be_patient(lease.PATIENCE, self._locked)
        self.renewed = time.monotonic()

    def _locked(self, waited: float) -> None:
        shown = round(waited)
        if shown != self._shown_wait and (shown <= 1 or shown % 5 == 0):
            self._shown_wait = shown  # the first second, then every five
            self.out.say(f"  … the run log is locked by another process (for {shown}s); "
                         "waiting")

    def _new_step(self, step: Step) -> NewStep:
        return NewStep(step.id, step.title, step.kind, step.risk, self.masker(self.display(step)))

    def select(self, order: list[str]) -> list[str]:
        """The steps `--only` names (ids or `tag:NAME`), in order; `after` outside it is ignored."""
        return pick_only(self.screen, order, self.opt.only)

    def _bind(self, run_id: int) -> None:
        """Everything that needs the run's id: its lookup, its rows, and the collaborators."""
        self.run_id = run_id
        self.run_dir = paths.run_dir(self.config.state_dir, run_id)
        self.outputs: dict[str, dict[str, str]] = {}  # filled as steps write $MAINTUI_OUTPUT
        self.lookup = make_lookup(self.config, self.screen, run_id, self.run_dir,
                                  incident=self.opt.incident, outputs=self.outputs)
        if self.opt.vars:
            base, given = self.lookup, self.opt.vars
            # a path key's value resolves against the site folder, as in config.toml
            self.lookup = lambda n: (self.config.var_value(n, given[n]) if n in given
                                     else base(n))
        self.records = StepRecords(self.log, run_id)
        self.recorder = OutputRecorder(self.log, run_id, self.masker, self.out.lines)
        self.artifacts = RunArtifacts(self.config, self.log, self.screen, self.opt, run_id,
                                      self.out.say)
        self.ctx = RunContext(self.config, self.screen, self.log, run_id, self.run_dir,
                              self.lookup, self.recorder, self.cancel, self.artifacts.render_report,
                              spawned=self._spawned, outputs=self.outputs)
        self.watcher = DecisionWatcher(self.log, run_id)
        self.gatekeeper = Gatekeeper(
            self.config, run_id, log=self.log, records=self.records, watcher=self.watcher,
            masker=self.masker, prompt=self.prompt, options=self.opt, lookup=self.lookup,
            run_dir=self.run_dir, probe=self.probe or PsutilProbe(), say=self.out.say)
        self.ctx.admit_batch = self.gatekeeper.admit_batch  # a rollout's gate per batch
        self.walk = Walk(self.screen, self.gatekeeper, self.attempts, self.records, self.opt,
                         watcher=self.watcher, control=self, say=self.out.say)

    async def adopt(self, run_id: int) -> None:
        """Bind to an existing (interrupted or finished) run, taking its screen's lease."""
        self.order = [s.step_id for s in await self.log.steps(run_id)]

        async def go(db: aiosqlite.Connection) -> None:
            await lease.take(db, self.screen.name, run_id, self.opt.user)
            await set_run_state(db, run_id, RunState.RUNNING, ended=None, pid=os.getpid())
        # what the dead runner's step left running ends before anything of the run starts again
        await lease.end_orphans(self.log, run_id)
        await self.log.write(go)
        self._bind(run_id)
        await self._hold()
        rows = await self.log.steps(run_id)
        for row in rows:
            if row.undo is not None:
                self.undo_data[row.step_id] = row.undo
            # the values the steps that ran wrote stay in the run's private folder
            path = output_file(self.run_dir, row.step_id)
            if row.state is not StepState.PENDING and path.exists():
                self.outputs[row.step_id] = read_outputs(path)[0]
        # oldest first, as they completed: a rollback walks this list backwards
        self.completed = list(reversed(rollback_order(
            [r for r in rows if r.state in (StepState.SUCCEEDED, StepState.ROLLBACK_FAILED)])))

    def display(self, step: Step) -> str:
        return display_command(step, self.lookup)

    def outside_window(self) -> bool:
        """Whether the screen has a maintenance window and this is not in it."""
        return outside_window(self.screen)

    async def _start_tasks(self) -> None:
        run = await self.log.run(self.run_id)
        if run is not None:  # what a report.write step names its file by
            self.ctx.started = run.started
        self.recorder.start()
        await self.watcher.start()
        self._tasks = [asyncio.create_task(self._heartbeat()),
                       asyncio.create_task(self._fence()),
                       asyncio.create_task(self._watch_stop())]

    async def _heartbeat(self) -> None:
        while True:
            await asyncio.sleep(lease.HEARTBEAT)
            try:
                ok = await self.log.write(
                    lambda db: renew_lease(db, self.screen.name, self.run_id))
            except LeaseLost as exc:
                ok, why = False, str(exc)
            except StoreError:  # locked past patience, or full: not lost; the fence decides
                continue
            else:
                why = "lost the screen's lease (another runner took it over)"
            if ok:
                self.renewed = time.monotonic()
            else:
                self._stop_for(why)
                return

    async def _fence(self) -> None:
        """A runner that cannot renew its lease (the run log locked, the runner stopped) stops
        starting steps and ends its running step before the lease goes stale: after that,
        another runner may take the screen over."""
        while True:
            await asyncio.sleep(0.5)
            silent = time.monotonic() - self.renewed
            if silent >= lease.FENCE_AFTER:
                self._stop_for(f"could not renew the screen's lease for {silent:.0f}s; stopped "
                               "before it went stale (fenced)")
                return

    def _stop_for(self, why: str) -> None:
        if not self.lost_lease:
            self.lost_lease = why
            self.out.say(f"⚠ {why}: starting nothing more, ending the running step")
        self.cancel.set()  # the running step's process group (and escapees) are ended

    async def _watch_stop(self) -> None:
        await self.watcher.stop_event.wait()
        self.cancel.set()  # stops the running step: its process group is killed

    async def run(self) -> RunState:
        """Execute every step in order; returns the run's final state."""
        if not self.run_id:
            await self.create()
        return await self.drive(self.order)

    async def drive(self, order: list[str]) -> RunState:
        """Walk `order` with the gates, the heartbeat and the stop watcher; then finish."""
        await self._start_tasks()
        await self.artifacts.session_event("start")
        await notify_run(self.config, self.screen, self.run_id, self.out.say, "start")
        final = RunState.FAILED
        message = ""
        lost = False
        try:
            final, message = await self._walk(order)
        except GateRefused as exc:
            final, message = RunState.ABORTED, str(exc)
        except LeaseLost as exc:  # someone else may own the run now: write nothing more
            final, message, lost = RunState.ABORTED, str(exc), True
        except StoreError as exc:  # recorded if the run log still takes a last write, then raised
            final, message = RunState.FAILED, f"run log failure: {exc}"
            raise
        except (asyncio.CancelledError, KeyboardInterrupt):
            final, message = RunState.ABORTED, "stopped by a signal"
            await self.records.cancel_rest(message)
        finally:
            for t in self._tasks:
                t.cancel()
            await self.watcher.close()
            try:
                await self.recorder.stop()
            except LeaseLost as exc:
                final, message, lost = RunState.ABORTED, str(exc), True
            except StoreError as exc:
                final, message = RunState.FAILED, f"run log failure: {exc}"
            if lost:
                self.final_message = message
                self.out.say(f"run {self.run_id}: {message}")
            else:
                with contextlib.suppress(StoreError):  # the original error is the one to report
                    await self.artifacts.session_event("end")
                    await self.finish(final, message)
                    await self.artifacts.write_report()
                    await self.artifacts.stamp_incident()
                await notify_run(self.config, self.screen, self.run_id, self.out.say, "end",
                                 final, self.masker(message), self.artifacts.report_path)
        return final

    async def _walk(self, order: list[str]) -> Verdict:
        if self.opt.gates == "yes" and self.screen.concurrency > 1:
            return await self.walk.run_parallel(order)
        return await self.walk.run(order)

    async def finish(self, final: RunState, message: str) -> None:
        """The run's final state and message, and the screen's lease given back."""
        async def go(db: aiosqlite.Connection) -> None:
            # nothing is left running or pending once the run has ended (a refused gate, a
            # run-log failure, a crash in the walk): each step says why it stopped
            await close_steps(db, self.run_id, message or f"the run ended {final}")
            await end_run(db, self.run_id, final, message)
            await release_lease(db, self.screen.name, self.run_id)
        await self.log.write(go)
        self.log.guard = None  # the lease is given back: the report and incident still write
        self.final_message = message
        self.out.say(f"run {self.run_id} {final}" + (f": {message}" if message else ""))

    # -- what the walk asks of the run (walk.RunControl) ---------------------------------------

    def lease_lost(self) -> str:
        return self.lost_lease

    def completed_step(self, step_id: str) -> None:
        self.completed.append(step_id)

    async def condition(self, step: Step) -> tuple[StepState, str] | None:
        # the condition's own output comes before the step's ▶ line: say whose it is
        self.out.say(f"? {step.id}: only_if")
        return await check_condition(self.ctx, step)

    # -- execution ---------------------------------------------------------------------------

    async def attempts(self, step: Step) -> Outcome:
        """Run the step, retried as it says; records every attempt and the outcome."""
        outcome = Outcome(StepState.FAILED)
        for attempt in range(1, step.retries + 2):
            token = self.ctx.tokens[step.id] = new_token(self.run_id, step.id)
            await self.records.started(step.id, attempt, token)  # intent before action
            self.out.say(f"▶ {step.id}: {step.title}" + (f" (attempt {attempt})" if attempt > 1 else ""))
            outcome = await execute(self.ctx, step)
            if outcome.state is StepState.CANCELLED and self.lost_lease:
                outcome.message = f"ended by its runner: {self.lost_lease}"
            await self._findings(step, outcome)
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
        if outcome.undo is not None:  # a failed step's record is what its own undo needs
            self.undo_data[step.id] = outcome.undo
        if outcome.state is StepState.SUCCEEDED:
            self.completed.append(step.id)
        return outcome

    async def _spawned(self, step_id: str, pgid: int) -> None:
        """Where the step's processes are, so that they are found if this runner dies."""
        try:
            await self.records.spawned(step_id, pgid, await asyncio.to_thread(start_time, pgid))
        except StoreError:  # not knowing where it runs, it must not run: stop it
            self.cancel.set()

    async def _findings(self, step: Step, outcome: Outcome) -> None:
        recorded = []
        for finding in outcome.findings:
            finding = {**finding, "summary": self.masker(finding["summary"]),
                       "details": masked(finding.get("details") or {}, self.masker)}
            await self.log.add_finding(self.run_id, step.id, finding)
            recorded.append(finding)
        # also in the step's output, worst first with their details (which files, which rows),
        # so every view of the step shows what it found
        for finding in worst_first(recorded):
            self.recorder.add_now(step.id, "finding", [
                f"[{finding['status']}] {finding['summary']}",
                *(f"    {line}" for line in detail_lines(finding["details"]))])

    async def rollback(self, why: str, first: str | None = None) -> Verdict:
        """Undo `first` (the step that failed or was interrupted: it may have changed half of
        what it meant to), then the completed steps newest first; stop at the first failed undo."""
        if self.lost_lease:  # another runner may own the screen now: undo nothing
            await self.records.cancel_rest("not run: the runner lost its lease")
            return RunState.ABORTED, f"{why}; not rolled back: {self.lost_lease}"
        self.out.say(f"↺ rolling back: {why}")
        # when the rollback began: the run's page tells the run's own time from the undo's
        await self.log.add_event(self.run_id, "note", None,
                                 {"text": f"rolling back: {why}", "rollback": True})
        await self.walk.cancel_rest("not run: the run is rolling back")  # after_any steps wait
        self.cancel.clear()
        order = ([first] if first else []) + [s for s in reversed(self.completed) if s != first]
        rows = {r.step_id: r for r in await self.log.steps(self.run_id)}
        reasons = {sid: r.reason for sid, r in rows.items()}
        for sid in order:
            step = self.screen.step(sid)
            data = self.undo_data.get(sid)
            if sid == first and not has_undo(step, data):
                continue  # nothing it did can be undone: it stays as it ended
            ok, note = await undo(self.ctx, step, data)
            await self.recorder.flush()
            said = f"{reasons.get(sid)}; then " if sid == first and reasons.get(sid) else ""
            if not ok:
                await self.records.set(sid, StepState.ROLLBACK_FAILED, reason=said + note)
                self.out.say(f"  ✗ undo of {sid} FAILED: {note}")
                return RunState.ROLLBACK_FAILED, f"{why}; undo of {sid} failed: {note}"
            done = f"rolled back ({note})" if note else "rolled back"
            # a step's `took` is what it took to run, not until its undo: its end time stays
            # (a failed undo gets the time of failing: a later rollback retries it first)
            await self.records.set(sid, StepState.ROLLED_BACK,
                                   reason=said + done if said else note,
                                   ended=rows[sid].ended if sid in rows else None)
            self.out.say(f"  = {sid} {KEPT_LABEL}: its change stays" if kept(
                StepState.ROLLED_BACK, note) else f"  ↺ {sid} rolled back"
                + (f" ({note})" if note else ""))
        self.completed.clear()
        return RunState.ROLLED_BACK, why
