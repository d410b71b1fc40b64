"""The session screen: a screen file's steps as a queue, driven through a detached runner.

The console never runs steps itself. It starts `maintui run SCREEN --detached` in a new
session (so a dropped SSH link or a closed console leaves it going), then follows the run
through the run log and writes the operator's decisions there.
"""

from __future__ import annotations

import asyncio
import textwrap
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Log, Static

from maintui.core.errors import StoreError
from maintui.core.run.attach import Attachment
from maintui.core.site.config import SiteConfig
from maintui.core.states import RunState, worst_by_step
from maintui.tui.screens.session_actions import SessionActions
from maintui.tui.screens.session_timing import SessionTiming
from maintui.tui.widgets.steps import StepDetail, StepQueue

POLL = 0.25         # seconds between looks at the run log
CLAIM_EVERY = 3.0   # seconds between renewals of this console's claim to drive
OUTPUT_LINES = 2000  # lines kept on screen; the run log keeps them all


class SessionScreen(SessionActions, SessionTiming, Screen):
    """Opened from the home screen (or `maintui attach`): run, confirm, skip, roll back."""

    DEFAULT_CSS = """
    SessionScreen #session-head { height: 1; padding: 0 1; }
    SessionScreen #session-body { height: 1fr; }
    SessionScreen StepQueue { width: auto; min-width: 30; max-width: 50%; }
    SessionScreen #session-right { width: 1fr; }
    SessionScreen Log { height: 1fr; border-top: solid $panel; }
    SessionScreen.-output-only StepQueue, SessionScreen.-output-only StepDetail { display: none; }
    """
    BINDINGS = [
        Binding("r", "run", "Run/confirm"),
        Binding("s", "skip", "Skip"),
        Binding("n", "note", "Note"),
        Binding("a", "abort", "Abort"),
        Binding("b", "rollback", "Roll back"),
        Binding("d", "dry_run", "Dry run"),
        Binding("o", "toggle_output", "Output"),
        Binding("T", "take_over", "Take over", show=False),
        Binding("escape", "app.pop_screen", "Back"),
    ]

    def __init__(self, config: SiteConfig, screen_name: str, *, run_id: int | None = None,
                 store: Any = None) -> None:
        super().__init__()
        self.config = config
        self.screen_name = screen_name
        self.run_id = run_id
        self.store = store
        self._own_store = store is None
        self.attachment: Attachment | None = None
        self.driving = False
        self.driver_text = ""
        self.run_state = ""
        self._intro_width = 0  # the width the introduction was wrapped to (0: not shown)
        self.steps: dict[str, dict] = {}
        self.plan: dict[str, dict] = {}
        self.selected: str | None = None
        self.follow = True  # the selection follows the running step until the operator moves it
        self._gate_shown: int | None = None
        self._gate: Any = None
        self._polling = False
        self._closed = False
        self.last_run: Any = None
        self.durations: dict[str, tuple[float, float, int]] = {}  # step: (p50, p95, samples)
        self._overrun_after: dict[str, float] = {}  # step: elapsed seconds before asking (again)

    def compose(self) -> ComposeResult:
        yield Static(id="session-head")
        with Horizontal(id="session-body"):
            yield StepQueue(id="queue")
            with Vertical(id="session-right"):
                yield StepDetail(id="detail")
                yield Log(id="output", max_lines=OUTPUT_LINES, highlight=False)
        yield Footer()

    async def on_mount(self) -> None:
        from maintui.core.site.screenfile import load_screen

        self.screen_file = load_screen(self.config, self.screen_name)
        self.title = self.screen_file.title
        if self.store is None:
            from maintui.core.store.db import RunLog

            self.store = await RunLog.for_site(self.config)
        self._load_plan()
        from maintui.core.run.lease import recover_interrupted

        await recover_interrupted(self.store)  # a run whose runner died is not live any more
        if self.run_id is None:
            live = [r for r in await self.store.live_runs() if r.screen == self.screen_file.name]
            self.run_id = live[-1].id if live else None
        if self.run_id is not None:
            await self._attach_run(self.run_id)
        else:
            past = await self.store.runs(1, screen=self.screen_file.name)
            self.last_run = past[0] if past else None
            self._show_pending()
            if self.last_run is not None and self.last_run.state == "interrupted":
                await self._offer_resume(self.last_run.id)
        self.set_interval(POLL, self._tick)
        self.set_interval(CLAIM_EVERY, self._renew_claim)

    async def on_unmount(self) -> None:
        self._closed = True
        self.app.workers.cancel_node(self)  # their queries would meet a closed connection
        for _ in range(100):  # let an in-flight poll finish before its connection goes
            if not self._polling:
                break
            await asyncio.sleep(0.02)
        if self.attachment is not None and self.driving:
            try:
                await self.attachment.release()
            except Exception:
                pass
        if self._own_store and self.store is not None:
            await self.store.close()

    # -- plan and display ----------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="session-plan")
    def _load_plan(self) -> None:
        from maintui.core.run.plan import plan_screen

        items = plan_screen(self.config, self.screen_file)
        self.app.call_from_thread(self._plan_loaded, items)

    def _plan_loaded(self, items: list) -> None:
        self.plan = {i.step_id: {"id": i.step_id, "title": i.title, "risk": i.risk, "gate": i.gate,
                                 "command": i.command, "changes": i.changes,
                                 "rollback": i.rollback} for i in items}
        if not self.steps:
            self._show_pending()
        self._show_detail()

    def _show_pending(self) -> None:
        rows = [(s.id, "pending", s.risk, None, None) for s in self._ordered()]
        self.query_one(StepQueue).show(rows)
        self._head()
        self._intro()

    def _intro(self) -> None:
        """Before a run, the output pane says what the screen is and how to begin."""
        log = self.query_one(Log)
        if self.run_id is not None or (log.line_count and not self._intro_width):
            return
        # a Log does not wrap: fit the description to the pane, and again when it is resized
        width = max(20, log.scrollable_content_region.width - 1) if log.size.width else 60
        if width == self._intro_width:
            return
        log.clear()
        self._intro_width = width
        sf = self.screen_file
        gates = sum(1 for s in sf.steps if s.manual or s.needs_confirm)
        paragraphs = sf.description.strip().split("\n\n") if sf.description.strip() else [sf.title]
        lines = [*(line for i, p in enumerate(paragraphs)
                   for line in ([" "] if i else []) + textwrap.wrap(" ".join(p.split()), width)),
                 " ", f"{len(sf.steps)} steps; {gates} ask before running"]
        if sf.schedule:
            lines += textwrap.wrap(f"schedule: {sf.schedule}"
                                   + (f" · window {sf.window}" if sf.window else ""), width)
        lines += [" ", "r  start the run", "d  dry run: commands and changes"]
        log.write_lines(lines)

    def on_resize(self) -> None:
        if self.run_id is None and self._intro_width:
            self.call_after_refresh(self._intro)

    def _ordered(self) -> list:
        from maintui.core.run.order import topo_order

        order = topo_order([s.id for s in self.screen_file.steps],
                           {s.id: s.after for s in self.screen_file.steps})
        return [self.screen_file.step(i) for i in order]

    def _head(self) -> None:
        name = self.screen_file.title
        if self.run_id is None:
            last = self.last_run
            before = (f"  last run {last.id} {last.state}" if last else "  no run yet")
            text = Content.assemble((name, "bold"), (before + " — press r to start", "$text-muted"))
        else:
            live = bool(self.run_state) and RunState(self.run_state).live
            role = ("driving" if self.driving else f"watching read-only: {self.driver_text}"
                    ) if live else ""
            flagged = len(self.query_one(StepQueue).levels)
            text = Content.assemble((name, "bold"), f"  run {self.run_id} ",
                                    (self.run_state or "…", _state_style(self.run_state)),
                                    (f" · {flagged} flagged (!)" if flagged else "", "$warning"),
                                    ("  " + role, "$text-muted"))
        self.query_one("#session-head", Static).update(text)

    def _show_detail(self) -> None:
        sid = self.selected or (self._ordered()[0].id if self.screen_file.steps else None)
        if sid is None:
            return
        step = self.screen_file.step(sid)
        info = {"id": sid, "title": step.title, "description": step.description,
                "risk": step.risk, **self.plan.get(sid, {})}
        if sid in self.steps:
            info["reason"] = self.steps[sid].get("reason", "")
        if sid in self.durations:
            from maintui.core.units import format_duration as fmt

            p50, p95, n = self.durations[sid]
            info["usual"] = f"usually {fmt(p50)}, 95% within {fmt(p95)} ({n} runs)"
        self.query_one(StepDetail).show(info)

    def on_step_queue_step_selected(self, event: StepQueue.StepSelected) -> None:
        if event.step_id == self.selected:
            return
        running = [k for k, v in self.steps.items() if v["state"] in ("running", "waiting")]
        self.follow = not running or event.step_id in running
        self.selected = event.step_id
        self._show_detail()
        self._reload_output()

    # -- attaching and following ---------------------------------------------------------------

    async def _offer_resume(self, run_id: int) -> None:
        from maintui.tui.dialogs.confirm import InterruptedDialog

        rows = await self.store.steps(run_id)
        unfinished = next((r.step_id for r in rows if r.state in ("running", "waiting")), None)
        has_verify = bool(unfinished and self.screen_file.step(unfinished).verify)

        def chosen(choice: Any) -> None:
            if choice is not None:
                self._resume(run_id, choice.kind)

        self.app.push_screen(InterruptedDialog(run_id, unfinished, has_verify), chosen)

    @work(exclusive=True, group="session-start")
    async def _resume(self, run_id: int, choice: str) -> None:
        from maintui.core.run.launch import spawn_runner

        try:
            await asyncio.to_thread(spawn_runner, self.config.path, str(run_id),
                                    ["--choice", choice], command="resume")
        except Exception as exc:
            self.notify(str(exc), title="could not resume", severity="error", timeout=10)
            return
        self.query_one(Log).clear()
        await self._attach_run(run_id)

    async def _attach_run(self, run_id: int) -> None:
        if not self.durations:
            await self._load_durations()
        self.run_id = run_id
        self.attachment = Attachment(self.store, run_id)
        self.driving = await self.attachment.claim()
        if not self.driving:
            self._describe_driver(await self.attachment.driver())
        await self._poll()

    def _describe_driver(self, claim: dict | None) -> None:
        if claim:
            self.driver_text = f"driven by {claim['user']}@{claim['host']} (pid {claim['pid']})"
        else:
            self.driver_text = "no console drives it"

    async def _renew_claim(self) -> None:
        if self._closed or self.attachment is None or not RunState(self.run_state or "running").live:
            return
        from maintui.core.run.lease import recover_interrupted

        if self.run_id in await recover_interrupted(self.store):
            self.notify(f"the runner of run {self.run_id} is gone", severity="error", timeout=10)
            await self._offer_resume(self.run_id)  # type: ignore[arg-type]
            return
        if self.driving:
            await self.attachment.claim()
            return
        claim = await self.attachment.driver()
        if claim is None and await self.attachment.claim():
            # the console that drove it is gone (killed, SSH dropped): this one takes over
            self.driving = True
            self._gate_shown = None
            self.notify("no other console drives this run: this one does now")
            self.refresh_bindings()
        else:
            self._describe_driver(claim)
        self._head()

    async def _tick(self) -> None:
        if self._closed or self._polling or self.attachment is None or not self.is_current:
            return  # one poll at a time; none while another screen covers this one
        await self._poll()

    async def _poll(self) -> None:
        self._polling = True
        try:
            update = await self.attachment.poll()  # type: ignore[union-attr]
        except Exception as exc:
            self.notify(f"run log: {exc}", severity="error", timeout=8)
            return
        finally:
            self._polling = False
        if update.run is not None:
            self.run_state = update.run.state
        if update.steps is not None:
            self._apply_steps(update.steps)
        self._append_output(update.lines)
        gate = update.gate or (self._gate if self.run_state == "waiting" else None)
        self._gate = gate
        self._head()
        if gate is not None and self.driving and gate.id != self._gate_shown:
            self._gate_shown = gate.id
            self._open_gate(gate.data)
        elif self.driving:
            self._check_overrun()

    def _apply_steps(self, rows: list) -> None:
        for row in rows:
            self.steps[row.step_id] = {"state": row.state, "reason": row.reason,
                                       "started": row.started, "ended": row.ended}
        self.query_one(StepQueue).show([(r.step_id, r.state, r.risk, r.started, r.ended) for r in rows])
        if any(r.state == "succeeded" for r in rows):
            self._load_levels()
        active = [r.step_id for r in rows if r.state in ("running", "waiting")]
        if self.follow and active and active[0] != self.selected:
            self.selected = active[0]
            self.query_one(StepQueue).select(active[0])
            self._reload_output()
        self._show_detail()

    @work(exclusive=True, group="session-levels")
    async def _load_levels(self) -> None:
        """The worst finding per step, so a step that passed with a warning stands out."""
        try:
            found = await self.store.findings(self.run_id)
        except StoreError:
            return
        if not self._closed:
            self.query_one(StepQueue).mark(worst_by_step(found))
            self._head()

    def _append_output(self, lines: list) -> None:
        if not lines:
            return
        log = self.query_one(Log)
        shown = [ln.line for ln in lines if self.selected is None or ln.step_id == self.selected]
        if shown:
            log.write_lines(shown)

    @work(exclusive=True, group="session-output")
    async def _reload_output(self) -> None:
        if self.run_id is None or self.selected is None:
            return  # before a run the pane keeps its introduction
        log = self.query_one(Log)
        log.clear()
        try:
            tail = await self.store.output_tail(self.run_id, self.selected, OUTPUT_LINES)
        except StoreError:
            if self._closed:  # the screen went away while this read was queued
                return
            raise
        log.write_lines([ln.line for ln in tail])

    @property
    def drives_live_run(self) -> bool:
        return self.driving and bool(self.run_state) and RunState(self.run_state).live


def _state_style(state: str) -> str:
    return {"succeeded": "bold $success", "failed": "bold $error", "waiting": "bold $warning",
            "running": "bold $accent", "rollback_failed": "bold reverse $error",
            "interrupted": "bold $error", "aborted": "$warning",
            "rolled_back": "$warning"}.get(state, "")
