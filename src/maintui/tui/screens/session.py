"""The session screen: a screen file's steps as a queue, driven through a detached runner.

The console never runs steps itself. It starts `maintui run SCREEN --detached` in a new
session (so a dropped SSH link or a closed console leaves it going), then follows the run
through the run log and writes the operator's decisions there. What it shows is kept in a
`SessionModel`; this screen draws it and turns the operator's keys into decisions.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widget import AwaitMount
from textual.widgets import Static

from maintui.core.ansi import visible
from maintui.core.errors import StoreError
from maintui.core.run.attach import Attachment, Identity
from maintui.core.run.interrupted import interrupted_run, start_anew
from maintui.core.run.stepview import StepView, kept
from maintui.core.site.config import SiteConfig
from maintui.core.site.model import Screen as ScreenFile
from maintui.core.states import RunState, label, worst_by_step
from maintui.core.store.hosts import host_lines, host_results
from maintui.core.store.rows import StepRow
from maintui.core.units import format_duration as fmt
from maintui.tui import keys
from maintui.tui.dialogs.confirm import ChecklistDialog, Choice, ConfirmDialog, OverrunDialog
from maintui.tui.dialogs.text import ReasonDialog
from maintui.tui.models.hosts import HostBoard
from maintui.tui.models.session import ACTIVE, SessionModel
from maintui.tui.models.subrow import split_key
from maintui.tui.widgets.keybar import KeyBar
from maintui.tui.widgets.output import OutputPane
from maintui.tui.widgets.steps import StepDetail, StepQueue

POLL = 0.25         # seconds between looks at the run log
CLAIM_EVERY = 3.0   # seconds between renewals of this console's claim to drive
OUTPUT_LINES = 2000  # lines kept on screen; the run log keeps them all
OUTPUT_EVERY = 0.5  # seconds between writes of new output to the pane (two paints a second)


class SessionScreen(Screen):
    """Opened from the home screen (or `maintui attach`): run, confirm, skip, roll back.

    Every action writes a decision the runner picks up; a step past its usual p95 asks.
    """

    DEFAULT_CSS = """
    SessionScreen #session-head { height: 1; padding: 0 1; }
    SessionScreen.-watching #session-head { height: 2; text-wrap: nowrap; text-overflow: ellipsis; }
    SessionScreen #session-body { height: 1fr; }
    SessionScreen StepQueue { width: auto; min-width: 30; max-width: 50%; }
    SessionScreen #session-right { width: 1fr; }
    SessionScreen OutputPane { height: 1fr; border-top: solid $panel; }
    SessionScreen.-output-only StepQueue, SessionScreen.-output-only StepDetail { display: none; }
    """
    BINDINGS = keys.for_screen("session")

    def __init__(self, config: SiteConfig, screen_name: str, *, run_id: int | None = None,
                 store: Any = None, me: Identity | None = None) -> None:
        super().__init__()
        self.me = me or Identity.here()  # who this console is, in the run's driver claim
        self._driving_dialog: Screen | None = None  # a dialog that would change the run
        self._rolling_back = False  # a rollback started here: say how it ended
        self.config = config
        self.screen_name = screen_name
        self.store = store
        self._own_store = store is None
        self.model = SessionModel(config, run_id)
        self.hosts: HostBoard | None = None  # per-host rows of fleet steps (docs/fleet.md)
        self._hosts_read = False  # the followed run's host rows were read once since it ended
        self.attachment: Attachment | None = None
        self._intro_width = 0  # the width the introduction was wrapped to (0: not shown)
        self._polling = False
        self._unshown: list[str] = []  # output lines not yet written to the pane (batched)
        self._shown_at = 0.0  # when output was last written to the pane
        self._closed = False
        self._phase: tuple[object, ...] | None = None  # what the offered keys depend on

    # what the app (its quit dialog) and the tests read of a session
    @property
    def run_id(self) -> int | None:
        return self.model.run_id

    @property
    def run_state(self) -> str:
        return self.model.run_state

    @property
    def driving(self) -> bool:
        return self.model.driving

    @property
    def driver_text(self) -> str:
        return self.model.driver_text

    @property
    def drives_live_run(self) -> bool:
        return self.model.drives_live_run

    @property
    def screen_file(self) -> ScreenFile:
        return self.model.file

    def compose(self) -> ComposeResult:
        yield Static(id="session-head")
        with Horizontal(id="session-body"):
            yield StepQueue(id="queue")
            with Vertical(id="session-right"):
                yield StepDetail(id="detail")
                yield OutputPane(id="output", max_lines=OUTPUT_LINES)
        yield KeyBar()

    async def on_mount(self) -> None:
        from maintui.core.site.screenfile import load_screen

        model = self.model
        model.load(load_screen(self.config, self.screen_name))
        if any(s.hosts or s.action == "ansible.playbook" for s in model.file.steps):
            self.hosts = HostBoard(model.file)
        self.title = self.screen_file.title
        if self.store is None:
            from maintui.core.store.db import RunLog

            self.store = await RunLog.for_site(self.config)
        self._load_plan()
        from maintui.core.run.lease import recover_interrupted

        await recover_interrupted(self.store)  # a run whose runner died is not live any more
        if model.run_id is None:
            live = [r for r in await self.store.live_runs() if r.screen == self.screen_file.name]
            model.run_id = live[-1].id if live else None
        if model.run_id is not None:
            await self._attach_run(model.run_id)
        else:
            past = await self.store.runs(1, screen=self.screen_file.name)
            # the screen's last run is its last run of every step: a partial one (`--only`,
            # the palette's one-step commands) is not; an interrupted one is offered all the same
            whole = past if not past or not past[0].partial else await self.store.runs(
                1, screen=self.screen_file.name, whole=True)
            model.last_run = whole[0] if whole else None
            self._show_pending()
            if past and past[0].state == "interrupted":
                await self._offer_resume(past[0].id)
        self.set_interval(POLL, self._tick)
        self.set_interval(CLAIM_EVERY, self._renew_claim)

    async def on_unmount(self) -> None:
        self._closed = True
        self.app.workers.cancel_node(self)  # their queries would meet a closed connection
        for _ in range(100):  # let an in-flight poll finish before its connection goes
            if not self._polling:
                break
            await asyncio.sleep(0.02)
        if self.attachment is not None and self.model.driving:
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
        self.model.set_plan(items)
        self.query_one(StepQueue).estimates = {  # the queue shows them before a step runs
            i.step_id: i.estimate for i in items if i.estimate is not None}
        if not self.model.steps:
            self._show_pending()
        self._show_detail()

    def _show_pending(self) -> None:
        self.query_one(StepQueue).show(self.model.pending_rows())
        self._head()
        self._intro()

    def _intro(self) -> None:
        """Before a run, the output pane says what the screen is and how to begin."""
        log = self.query_one(OutputPane)
        if self.model.run_id is not None or (log.line_count and not self._intro_width):
            return
        # a Log does not wrap: fit the description to the pane, and again when it is resized
        width = max(20, log.scrollable_content_region.width - 1) if log.size.width else 60
        if width == self._intro_width:
            return
        log.clear()
        self._intro_width = width
        # read from its first line: a Log follows its end, and on a short pane (80x24) the
        # description's first lines were scrolled off above the pane
        log.write_lines(self.model.intro_lines(width), scroll_end=False)
        log.scroll_home(animate=False, immediate=True)

    def on_resize(self) -> None:
        if self.model.run_id is None and self._intro_width:
            self.call_after_refresh(self._intro)

    def _head(self) -> None:
        model = self.model
        name = self.screen_file.title
        if model.run_id is None:
            last = model.last_run
            before = (f"  last run {last.id} {label(last.state)}" if last else "  no run yet")
            text = Content.assemble((name, "bold"), (before + " — press r to start", "$text-muted"))
        else:
            # an ended run is driven too (R, b): a watcher of one, live or not, says who
            # drives it on a line of its own (at 80 columns one line cut the name off)
            role = "read-only, T takes over" if model.watch_only else (
                "driving" if model.live else "")
            flagged = len(self.query_one(StepQueue).levels)
            scope = f"· {model.run_scope} · " if model.run_scope else ""
            # a rollback went past the steps without an undo: their changes stay, said here
            left = sum(kept(r.state, r.reason) for r in model.steps.values())
            text = Content.assemble((name, "bold"), f"  run {model.run_id} {scope}",
                                    (label(model.run_state) if model.run_state else "…",
                                     _state_style(model.run_state)),
                                    (f" · {left} kept" if left else "", "$warning"),
                                    (f" · {flagged} flagged (!)" if flagged else "", "$warning"),
                                    ("  " + role, "$text-muted"))
            if model.watch_only:
                text = Content.assemble(text, "\n", (model.watcher_line(), "$text-muted"))
        self.set_class(model.watch_only, "-watching")
        self.query_one("#session-head", Static).update(text)
        phase = (model.run_id, model.run_state, model.gate is not None, model.undoable)
        if phase != self._phase:  # check_action's answers change with these
            self._phase = phase
            self.refresh_bindings()

    def _show_detail(self) -> None:
        if (info := self.model.detail()) is not None:
            hosts = self.hosts
            counts = hosts.counts(info.view.step_id) if hosts and hosts.hosts(
                info.view.step_id) else ""
            self.query_one(StepDetail).show(info.view, info.usual, info.reason, counts,
                                            info.state)

    def on_step_queue_step_selected(self, event: StepQueue.StepSelected) -> None:
        moved = self.model.select(event.step_id)
        if moved:
            self._show_detail()
        # a host's sub-row narrows the output to that host; the step's own row shows them all
        narrowed = self.hosts is not None and self.hosts.choose(event.step_id, event.host)
        if moved or narrowed:
            self._reload_output()

    # -- attaching and following ---------------------------------------------------------------

    async def _offer_resume(self, run_id: int) -> None:
        from maintui.tui.dialogs.confirm import InterruptedDialog

        rows = await self.store.steps(run_id)
        unfinished = next((r.step_id for r in rows if r.state in ACTIVE), None)
        has_verify = bool(unfinished and self.screen_file.step(unfinished).verify)

        def chosen(choice: Any) -> None:
            if choice is not None:
                self._resume(run_id, choice.kind)

        self.app.push_screen(InterruptedDialog(run_id, unfinished, has_verify), chosen)

    @work(exclusive=True, group="session-start")
    async def _resume(self, run_id: int, choice: str) -> None:
        from maintui.core.run.launch import spawn_runner

        if choice == "new":  # it stays interrupted, no longer resumable; nothing is undone
            await start_anew(self.store, run_id, self.me.user)
            self.model.last_run = await self.store.run(run_id)
            self._start_run()
            return
        try:
            await asyncio.to_thread(spawn_runner, self.config.path, str(run_id),
                                    ["--choice", choice], command="resume")
        except Exception as exc:
            self.notify(str(exc), title="could not resume", severity="error", timeout=10)
            return
        self.query_one(OutputPane).clear()
        await self._attach_run(run_id)

    async def _attach_run(self, run_id: int) -> None:
        if not self.model.durations:
            await self._load_durations()
        self.model.run_id = run_id
        self.attachment = Attachment(self.store, run_id, self.me)
        self.model.driving = await self.attachment.claim()
        if not self.model.driving:
            self.model.describe_driver(await self.attachment.driver())
        await self._poll()

    async def _load_durations(self) -> None:
        """Each step's past successful durations, for the detail and the overrun checks."""
        for step in self.screen_file.steps:
            self.model.learn(step.id, await self.store.step_durations(self.screen_file.name,
                                                                      step.id))

    async def _renew_claim(self) -> None:
        """Keep this console's claim to drive the run it shows, live or ended (an ended run is
        still driven: retrying a host, rolling it back), or take a lapsed one over."""
        model = self.model
        if self._closed or self.attachment is None:
            return
        from maintui.core.run.lease import recover_interrupted

        if RunState(model.run_state or "running").live and model.run_id in \
                await recover_interrupted(self.store):
            model.run_state = RunState.INTERRUPTED  # known now: r must not wait for a poll
            await self._runner_gone(model.run_id)  # type: ignore[arg-type]
            return
        if model.driving:
            if not await self.attachment.claim():  # taken over (polls see it only while live)
                await self._check_still_driving()
                self._head()
            return
        claim = await self.attachment.driver()
        if claim is None and await self.attachment.claim():
            # the console that drove it is gone (killed, SSH dropped): this one takes over
            model.took_over()
            self.notify("no other console drives this run: this one does now")
            self.refresh_bindings()
        else:
            model.describe_driver(claim)
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
            self._ended(update.run)
            self.model.run_state = update.run.state
            self.model.run_scope = update.run.scope
        if self.model.driving and self.model.live:
            await self._check_still_driving()
        if update.steps is not None:
            self._apply_steps(update.steps)
        if self.hosts is not None:
            await self._poll_hosts()
        self._append_output(update.lines)
        gate = self.model.take_gate(update.gate)
        self._head()
        if gate is not None:
            self._open_gate(StepView.from_dict(gate.data))
        elif self.model.driving:
            self._check_overrun()

    def _apply_steps(self, rows: list[StepRow]) -> None:
        follow = self.model.apply_steps(rows)
        queue = self.query_one(StepQueue)
        queue.show([(r.step_id, r.state, r.risk, r.started, r.ended) for r in rows])
        if any(r.ended for r in rows):  # a finished step may have found something
            self._load_levels()
        if follow is not None:
            queue.select(follow)
            self._reload_output()
        self._show_detail()

    async def _poll_hosts(self) -> None:
        """Each host's row of the run's fleet steps: sub-rows and counts under the step (read
        while the run lives, and once more after it ended)."""
        if self.hosts is None or self.model.run_id is None or (
                self._hosts_read and not self.model.live):
            return
        try:
            rows = await host_results(self.store, self.model.run_id)
        except StoreError:
            return
        self._hosts_read = not self.model.live
        queue = self.query_one(StepQueue)
        changed = self.hosts.apply(rows)
        for step_id in changed:
            queue.show_hosts(step_id, self.hosts.sub_rows(step_id))
        if self.model.selected in changed:
            self._show_detail()
            self._output_title()

    @work(exclusive=True, group="session-levels")
    async def _load_levels(self) -> None:
        """The worst finding per step, so a step that passed with a warning stands out."""
        try:
            found = await self.store.findings(self.model.run_id)
        except StoreError:
            return
        if not self._closed:
            self.query_one(StepQueue).mark(worst_by_step(found))
            self.query_one(StepDetail).set_findings(found)  # with their details, worst first
            self._show_detail()
            self._head()

    def _append_output(self, lines: list) -> None:
        if not lines:
            return
        selected = self.model.selected
        # a Log writes what it is given raw: escapes from a step are shown, never sent
        shown = [visible(ln.line) for ln in lines if selected is None or (
            ln.step_id == selected and (self.hosts is None or self.hosts.keeps(selected, ln.line)))]
        if not shown:
            return
        # Batched: each write scrolls the whole pane, and over SSH every repaint of it costs
        # ~1 KB; at most OUTPUT_EVERY apart, a busy step's output is a few times its text.
        self._unshown += shown
        wait = self._shown_at + OUTPUT_EVERY - time.monotonic()
        if wait <= 0:
            self._show_output()
        elif len(self._unshown) == len(shown):  # the first held back: see that it comes
            self.set_timer(wait, self._show_output)

    def _show_output(self) -> None:
        if self._unshown and not self._closed:
            log = self.query_one(OutputPane)
            # wrapped: a path or a long line is read whole, not cut at the pane's edge (and
            # wrapped again when the pane's width changes)
            log.write_output(self._unshown)
            self._shown_at = time.monotonic()
        self._unshown = []

    def _output_title(self) -> None:
        """Above the output: which host it shows, when the selected step runs on hosts."""
        sid, hosts = self.model.selected, self.hosts
        host = hosts.shown(sid) if hosts is not None else None
        many = hosts is not None and sid is not None and bool(hosts.hosts(sid))
        self.query_one(OutputPane).border_title = (f"{sid}: {host} only · f next host" if host else
                                            f"{sid}: all hosts · f one host" if many else "")

    @work(exclusive=True, group="session-output")
    async def _reload_output(self) -> None:
        run_id, selected = self.model.run_id, self.model.selected
        if run_id is None or selected is None:
            return  # before a run the pane keeps its introduction
        log = self.query_one(OutputPane)
        log.clear()
        self._unshown = []  # held back lines of the step shown before: the tail has them
        host = self.hosts.shown(selected) if self.hosts is not None else None
        self._output_title()
        try:
            if host is not None:  # that host's events, not a filtered tail: none crowd it out
                text = await host_lines(self.store, run_id, selected, host, OUTPUT_LINES)
            else:
                text = [ln.line for ln in await self.store.output_tail(run_id, selected,
                                                                       OUTPUT_LINES)]
        except StoreError:
            if self._closed:  # the screen went away while this read was queued
                return
            raise
        if (run_id, selected) != (self.model.run_id, self.model.selected):
            return  # another run or step was chosen while this read waited: its lines are due
        log.write_output([visible(line) for line in text])

    # -- the operator's keys -------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        watching = self.model.watch_only
        if action in ("host_filter", "retry_host"):  # only where a step runs on hosts
            # R is not dimmed for a watcher: it says which key takes the run over first
            return self.hosts is not None
        if action == "take_over":  # offered only where another console drives the run
            return watching
        if action in ("skip", "abort", "rollback") and watching:
            return None  # shown dimmed: this console only watches
        # keys that cannot apply yet are not offered (the footer has no room for them at 80)
        model = self.model
        live = model.run_id is not None and RunState(model.run_state or "running").live
        if action == "skip":
            return model.gate is not None
        if action == "note":
            return model.run_id is not None
        if action == "rollback":  # not offered once nothing is left to undo
            return model.undoable
        if action == "abort":
            return live
        return True

    async def action_run(self) -> None:
        if self.model.watch_only and self.model.live:
            # not dimmed in check_action: a disabled r would fall through to the app's r (Runs)
            self.notify("this console watches: T takes the run over", severity="warning")
            return
        interrupted = self.model.run_id if self.model.run_state == RunState.INTERRUPTED else None
        if self.model.run_id is None and (found := await interrupted_run(
                self.store, self.screen_file.name)) is not None:
            interrupted = found.id
        if interrupted is not None:  # resume, roll back or start anew: never passed over
            await self._offer_resume(interrupted)
            return
        if self.model.can_start and self._ended_run():
            from maintui.tui.dialogs.newrun import NewRunDialog

            def again(choice: Choice | None) -> None:
                if choice is not None:
                    self._start_in_window()

            # r on a run that ended starts another: say so, and which run ended how, first;
            # awaited (r is a priority key): the keys typed behind r reach the mounted dialog
            await self.app.push_screen(NewRunDialog(self.screen_file.name,
                                                    self.model.run_id or 0,
                                                    self.model.run_state, self._outside_window()),
                                       again)
        elif self.model.can_start:
            if (asking := self._start_in_window()) is not None:
                await asking  # the reason typed right behind r lands in its field
        elif (gate := self.model.reopen_gate()) is not None:
            self._open_gate(StepView.from_dict(gate.data))
        else:
            self.notify("the run is going; it stops at the next step that needs you")

    def _ended_run(self) -> bool:
        """The session shows a run that has ended: `r` would start a new one."""
        state = self.model.run_state
        return self.model.run_id is not None and bool(state) and not RunState(state).live

    def key_description(self, action: str) -> str | None:
        """The key bar's words for `r` where it starts a new run (KeyBar asks)."""
        if action != "run" or self.model.run_state == RunState.INTERRUPTED:
            return None  # r on an interrupted run offers resume, roll back or start anew
        return "New run" if self._ended_run() else None

    def _outside_window(self) -> str:
        """The screen's window when now is outside it, else ""."""
        from maintui.core.site.schedule import in_window

        window = self.screen_file.window
        return window if window and not in_window(window, time.time()) else ""

    def _start_in_window(self) -> AwaitMount | None:
        """Start a run; outside the screen's window only with a reason (the question's
        mounting returned: an action awaits it so that the keys behind reach it)."""
        if window := self._outside_window():
            def go(reason: str | None) -> None:
                if reason:
                    self._start_run(reason)

            return self.app.push_screen(ReasonDialog(
                f"Outside the window ({window}): why start now?"), go)
        self._start_run()
        return None

    def action_skip(self) -> None:
        if self.model.gate is None:
            self.notify("only a step waiting at its gate can be skipped", severity="warning")
            return
        step = self.model.gate.data["step_id"]
        self._ask(f"Skip {step}: why?", "skip", step)

    def action_note(self) -> None:
        if self.model.run_id is None:
            self.notify("notes belong to a run: start one with r", severity="warning")
            return
        self._ask("Note for the run log", "note", self.model.selected)

    def action_abort(self) -> None:
        if self.model.run_id is None or not RunState(self.model.run_state).live:
            self.notify("no live run to abort", severity="warning")
            return
        running = self.model.running_step
        self._ask("Abort the run: why?" + (f" ({running}, running now, is stopped)" if running
                                           else " (no step runs now: the run just stops)"),
                  "abort", None)

    def action_rollback(self) -> None:
        if self.model.run_id is None:
            self.notify("nothing to roll back yet", severity="warning")
        elif RunState(self.model.run_state).live:
            self._rollback_live()
        else:
            self._rollback_finished()

    def action_dry_run(self) -> None:
        from maintui.tui.dialogs.plan import PlanDialog

        self.app.push_screen(PlanDialog(self.screen_file.title, list(self.model.plan.values())))

    def action_host_filter(self) -> None:
        """The selected step's output, one host at a time; after the last, all hosts again."""
        sid = self.model.selected
        if self.hosts is None or sid is None or not self.hosts.hosts(sid):
            self.notify("the selected step has no hosts (yet)", severity="warning")
            return
        host = self.hosts.cycle(sid)
        self.query_one(StepQueue).select(sid, host)  # the cursor on that host's row
        self._reload_output()

    def action_retry_host(self) -> None:
        """Run the step again on the failed or unreachable host under the cursor, alone: a new
        run of that step with --limit HOST, followed here; both runs note it."""
        key = self.query_one(StepQueue).cursor_key
        if self.hosts is None or key is None or self.model.run_id is None:
            self.notify("no host to retry: run the screen first", severity="warning")
            return
        sid, host = split_key(key)
        why = self.hosts.why_not_retry(sid, host, self.model.live)
        if why:
            self.notify(why, severity="warning")
            return
        if self.model.watch_only:  # one console drives a run, ended or not: take it over first
            self.notify(f"run {self.model.run_id} is {self.model.driver_text}: T takes it over, "
                        f"then R retries {host}", severity="warning", timeout=8)
            return

        def go(reason: str | None) -> None:
            if reason is not None:
                self._retry_host(sid, host, reason)

        self._push_driving(ReasonDialog(f"Retry {sid} on {host} alone: why? (optional)",
                                        optional=True), go)

    @work(exclusive=True, group="session-start")
    async def _retry_host(self, step_id: str, host: str, reason: str) -> None:
        from maintui.core.run.launch import spawn_runner

        before = self.model.run_id
        if self.model.watch_only:  # taken over while the reason was typed: not ours to retry
            self.notify(f"not retried: run {before} is {self.model.driver_text}",
                        severity="warning")
            return
        try:
            run_id = await asyncio.to_thread(spawn_runner, self.config.path,
                                             self.screen_file.name,
                                             ["--only", step_id, "--limit", host])
        except Exception as exc:
            self.notify(str(exc), title="could not retry", severity="error", timeout=10)
            return
        why = f": {reason}" if reason else ""
        await self.store.add_decision(before, "note", step_id,
                                      f"{host} retried alone in run {run_id}{why}",
                                      self.me.user, self.me.client)
        await self.store.add_decision(run_id, "note", step_id,
                                      f"retry of {host} alone, from run {before}{why}",
                                      self.me.user, self.me.client)
        self.notify(f"retrying {step_id} on {host} (run {run_id})", timeout=3)
        await self._let_go()
        self._follow_new_run()
        await self._attach_run(run_id)

    async def _let_go(self) -> None:
        """This console leaves the run it drove for another (a retry, a new start): its claim
        goes at once, so a console still showing that run drives it without waiting for the
        claim to lapse."""
        if self.attachment is not None and self.model.driving:
            try:
                await self.attachment.release()
            except StoreError:
                pass  # it lapses by itself (CLAIM_STALE)

    def _follow_new_run(self) -> None:
        """A run started here: the last one's steps, hosts and output go (and nothing still
        reading the last run writes into the pane: it follows no run until attached)."""
        self.model.new_run()
        self.model.run_id, self.attachment = None, None
        queue = self.query_one(StepQueue)
        queue.show(self.model.pending_rows())  # a retry runs one step: the others are not in it
        if self.hosts is not None:
            self.hosts.clear()
            self._hosts_read = False
            queue.clear_hosts()
        log = self.query_one(OutputPane)
        log.clear()
        self._unshown = []  # held back lines of the last run
        log.border_title = ""

    def action_toggle_output(self) -> None:
        self.toggle_class("-output-only")

    def action_take_over(self) -> None:
        if self.attachment is None or not self.model.watch_only:
            return
        from maintui.tui.dialogs.takeover import TakeOverDialog

        def chosen(choice: Choice | None) -> None:
            if choice is not None:
                self._take_over()

        self.app.push_screen(TakeOverDialog(self.model.run_id or 0, self.model.driver_text),
                             chosen)

    @work(exclusive=True, group="session-takeover")
    async def _take_over(self) -> None:
        if self.attachment is None:
            return
        before = self.model.driver_text.removeprefix("driven by ")
        if await self.attachment.claim(force=True):
            self.model.took_over()
            self.notify(f"this console drives run {self.model.run_id} now; {before} watches",
                        title="Taken over")
        self._head()
        self.refresh_bindings()
        await self._poll()  # the open gate, if any, is this console's to answer now

    async def _check_still_driving(self) -> None:
        """Another console took the run over: watch from now on, and close what would
        change the run, saying why."""
        claim = await self.attachment.driver()  # type: ignore[union-attr]
        if not self.model.lost_drive(claim, self.me.pid, self.me.host):
            return
        closed = self._close_driving_dialog()
        self.notify(f"{self.model.driver_text.removeprefix('driven by ')} took this run over; "
                    "this console watches now" + (" (its open dialog was closed)" if closed
                                                  else ""),
                    title="Taken over", severity="warning", timeout=10)
        self.refresh_bindings()

    def _close_driving_dialog(self) -> bool:
        dialog, self._driving_dialog = self._driving_dialog, None
        stack = self.app.screen_stack
        if dialog is None or dialog not in stack:
            return False
        while self.app.screen is not dialog and self.app.screen is not self:
            self.app.pop_screen()  # a skip reason asked on top of the gate goes with it
        if self.app.screen is dialog:
            self.app.pop_screen()  # popped, not dismissed: no answer is sent
        return True

    def _push_driving(self, dialog: Screen, callback: Any) -> None:
        self._driving_dialog = dialog
        self.app.push_screen(dialog, callback)

    # -- starting, gates and decisions ---------------------------------------------------------

    @work(exclusive=True, group="session-start")
    async def _start_run(self, reason: str = "") -> None:
        from maintui.core.run.launch import spawn_runner

        self.notify(f"starting {self.screen_file.name}…", timeout=2)
        extra = ["--reason", reason] if reason else []
        try:
            run_id = await asyncio.to_thread(spawn_runner, self.config.path,
                                             self.screen_file.name, extra)
        except Exception as exc:
            self.notify(str(exc), title="could not start the run", severity="error", timeout=10)
            return
        await self._let_go()
        self._follow_new_run()  # the intro goes; the run's output comes
        await self._attach_run(run_id)

    def _open_gate(self, view: StepView) -> None:
        dialog = ChecklistDialog(view) if view.manual else ConfirmDialog(
            view, self.model.recheck(view.step_id),
            None if view.blocked else self.model.replan(view.step_id))  # blocked: it says why
        step_id = view.step_id

        def answered(choice: Choice | None) -> None:
            if choice is not None:
                self.model.answered()  # before a key typed behind Enter reaches action_run
                self._decide(choice.kind, step_id, choice.reason)

        self._push_driving(dialog, answered)

    @work(group="session-decide")
    async def _decide(self, kind: str, step_id: str | None, reason: str = "") -> None:
        if self.attachment is None:
            self.notify("no run yet: press r to start one", severity="warning")
            return
        if kind != "note" and not self.model.driving:  # answered after a takeover: not ours
            self.model.answered(sent=False)
            self.notify(f"not sent: {self.model.driver_text}; this console watches",
                        severity="warning")
            return
        try:
            await self.attachment.decide(kind, step_id, reason)
        except BaseException:
            self.model.answered(sent=False)  # not in the run log: r asks again
            raise
        self.notify(f"{kind}" + (f" {step_id}" if step_id else "") + " sent", timeout=2)

    def _ask(self, title: str, kind: str, step_id: str | None, optional: bool = False) -> None:
        def done(text: str | None) -> None:
            if text is not None:
                self._decide(kind, step_id, text)

        dialog = ReasonDialog(title, optional=optional)
        if kind == "note":
            self.app.push_screen(dialog, done)
        else:
            self._push_driving(dialog, done)

    @work(exclusive=True, group="session-rollback")
    async def _rollback_live(self) -> None:
        """The run stops and its runner undoes what it did: the dialog lists it first, newest
        first, the risky undos marked; the reason goes to the runner as a decision."""
        from maintui.tui.dialogs.rollback import RollbackDialog, undo_list

        run_id = self.model.run_id
        if run_id is None:
            return
        undo = await undo_list(self.config, self.store, run_id)
        if not undo:
            self.notify(f"run {run_id} has no step to undo yet: a aborts it", severity="warning")
            return

        def chosen(choice: Choice | None) -> None:
            if choice is not None:
                self._decide("rollback", None, choice.reason)

        self._push_driving(RollbackDialog(run_id, self.model.run_state, undo, self._risky()),
                           chosen)

    def _risky(self) -> frozenset[str]:
        """Steps whose undo is itself risky: that of a destructive or critical change (a
        database restore)."""
        return frozenset(s.id for s in self.screen_file.steps
                         if s.risk in ("destructive", "critical"))

    @work(exclusive=True, group="session-rollback")
    async def _rollback_finished(self) -> None:
        """A finished run is rolled back by a runner of its own on the same run, after the
        operator saw what it undoes; this screen follows it like any run."""
        from maintui.tui.dialogs.rollback import RollbackDialog, start_rollback, undo_list

        run_id = self.model.run_id
        if run_id is None:
            return
        undo = await undo_list(self.config, self.store, run_id)
        if not undo:
            self.notify(f"run {run_id} has no completed step to undo; nothing changed",
                        severity="warning")
            return
        dialog = RollbackDialog(run_id, self.model.run_state, undo, self._risky())
        self._driving_dialog = dialog
        choice = await self.app.push_screen_wait(dialog)
        if choice is None or self._closed:
            return
        try:
            await start_rollback(self.config, self.store, run_id, choice.reason)
        except Exception as exc:
            self.notify(str(exc), title="could not start the rollback", severity="error",
                        timeout=10)
            return
        self._rolling_back = True
        self.notify(f"rolling back run {run_id}…", timeout=3)
        await self._poll()

    async def _runner_gone(self, run_id: int) -> None:
        """The run's runner died: a gate (or any dialog that would change the run) still open
        answers nobody, so it closes, and what can be done with an interrupted run is offered."""
        self.model.gate = None
        closed = self._close_driving_dialog()
        self._head()
        self.notify(f"the runner of run {run_id} is gone"
                    + (" (its open dialog was closed)" if closed else ""),
                    severity="error", timeout=10)
        await self._offer_resume(run_id)

    def _ended(self, run: Any) -> None:
        """The followed run changed state: a run found interrupted (by whichever process saw
        its runner gone) is offered for resume, rollback or a new start; a rollback started
        here that ended says how, and why."""
        if self.model.live and run.state == RunState.INTERRUPTED:
            self.run_worker(self._runner_gone(run.id), group="session-offer", exclusive=True)
        if self._rolling_back and not RunState(run.state).live:
            self._rolling_back = False
            ok = run.state == RunState.ROLLED_BACK
            self.notify(f"run {run.id} {label(run.state)}" + (f": {run.message}" if run.message else ""),
                        title="Rollback", severity="information" if ok else "error", timeout=15)

    # -- a step that runs far longer than usual ------------------------------------------------

    def _check_overrun(self) -> None:
        """Ask once a running step passes its usual p95 (the model says which, and when)."""
        found = self.model.overrun(time.time())
        if found is None:
            return

        def answered(choice: Choice | None, sid: str = found.step_id) -> None:
            self._overrun(choice.kind if choice else "wait", sid)

        self.app.push_screen(OverrunDialog(found.step_id, fmt(found.elapsed), fmt(found.usual.p50),
                                           fmt(found.usual.p95)), answered)

    def _overrun(self, kind: str, sid: str) -> None:
        if kind == "extend":
            self.model.extend(sid)
        elif kind == "abort":
            self._decide("abort", None, f"{sid} ran past its usual duration")
        elif kind == "incident":
            self._open_incident(sid)

    @work(group="session-incident")
    async def _open_incident(self, sid: str) -> None:
        from maintui.core.incidents.model import add_timeline, open_incident

        incident = await open_incident(self.store, f"{self.screen_file.name}: {sid} runs far "
                                       "longer than usual", "sev3")
        run_id = self.model.run_id
        await add_timeline(self.store, incident.id, "run",
                           f"run {run_id} step {sid} overran", {"run_id": run_id})
        self.notify(f"incident {incident.id} opened", title="Incident", timeout=8)


def _state_style(state: str) -> str:
    return {"succeeded": "bold $success", "failed": "bold $error", "waiting": "bold $warning",
            "running": "bold $accent", "rollback_failed": "bold reverse $error",
            "interrupted": "bold $error", "aborted": "$warning",
            "rolled_back": "$warning"}.get(state, "")
