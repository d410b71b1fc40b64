"""RunDetailScreen: one run's steps, their output, findings, decisions and notes."""

from __future__ import annotations

from collections import Counter
from typing import Any

from rich.console import RenderableType
from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.widgets import DataTable, Log, Static

from maintui.core.ansi import visible
from maintui.core.run.attach import Attachment, Identity
from maintui.core.run.findingtext import detail_lines
from maintui.core.run.interrupted import rollback_order
from maintui.core.run.stepview import KEPT_LABEL, kept
from maintui.core.site.config import SiteConfig
from maintui.core.states import label, severity
from maintui.core.store.rows import Decision, Event, OutputLine, RunRow, StepRow
from maintui.core.units import format_duration, when
from maintui.tui import keys
from maintui.tui.screens.base import RunLogScreen
from maintui.tui.screens.report import ReportScreen
from maintui.tui.widgets.cells import fit_column, table_width
from maintui.tui.widgets.keybar import KeyBar
from maintui.tui.widgets.outcomes import OUTCOMES, OutcomeTable
from maintui.tui.widgets.problem import ProblemPanel
from maintui.tui.widgets.wrap import wrap_line

TAIL_LINES = 500      # what a step shows first: its last lines
PAGE_CHUNKS = 100     # chunks read per page of full output
MAX_LINES = 10_000    # the output view keeps at most this many lines (memory stays bounded)
TALL = 32             # rows from which a finding's details show beside the output
STEP_COLUMNS = ("#", "step", "state", "tries", "took", "note")
NOTE_COLUMNS = ("what", "step", "details", "who")
CLAIM_EVERY = 3.0    # seconds between renewals of the claim to drive, once this view holds it
ROLLED = ("rolled_back", "rollback_failed")


class RunDetailScreen(RunLogScreen):
    """One run: header, steps, the highlighted step's output, findings and decisions."""

    DEFAULT_CSS = """
    RunDetailScreen #run-header { height: auto; padding: 0 1; }
    RunDetailScreen #run-steps { height: auto; max-height: 40%; overflow-x: hidden; }
    RunDetailScreen #output-title { height: auto; padding: 0 1; }
    RunDetailScreen #run-output { height: 1fr; min-height: 3; }
    RunDetailScreen #run-notes { height: auto; max-height: 30%; }
    RunDetailScreen #finding-detail { height: auto; max-height: 25%; padding: 0 1;
        overflow-y: auto; }
    RunDetailScreen.-findings #output-title, RunDetailScreen.-findings #run-output {
        display: none; }
    RunDetailScreen.-findings #finding-detail { height: 1fr; max-height: 100%; }
    """
    BINDINGS = keys.for_screen("run_detail")
    AUTO_FOCUS = "#run-steps"
    REFRESH_GROUP = "run-detail-refresh"
    POLL_SECONDS = 2.0

    def __init__(self, config: SiteConfig, run_id: int, store: Any = None,
                 me: Identity | None = None) -> None:
        super().__init__(config, store)
        self.run_id = run_id
        self.me = me or Identity.here()  # who this console is, in the run's driver claim
        self.claim: Attachment | None = None  # held once this view rolls the run back
        self._rollback_dialog: Any = None  # open while the operator weighs a rollback
        self.run: RunRow | None = None
        self.steps: dict[str, StepRow] = {}
        self.step_id: str | None = None
        self.full = False         # full output, page by page, instead of the last lines
        self._after = 0           # last chunk id shown in full mode
        self._more = False        # full mode: another page may follow
        self.findings: list[dict[str, Any]] = []  # as the run log holds them (row key f<index>)
        self._fitted = 0          # the width the tables' rows were cut to

    def compose(self) -> ComposeResult:
        yield Static(f"Run {self.run_id}", id="run-header")
        yield ProblemPanel()
        yield OutcomeTable(*STEP_COLUMNS, id="run-steps")
        yield Static("Output", id="output-title")
        yield Log(max_lines=MAX_LINES, id="run-output")
        yield OutcomeTable(*NOTE_COLUMNS, id="run-notes")
        yield Static(id="finding-detail")
        yield KeyBar()

    def on_mount(self) -> None:
        self.set_interval(CLAIM_EVERY, self._renew_claim)

    async def on_unmount(self) -> None:
        # before the base class closes the run log: a console still showing the run (its
        # session) drives it at once, without waiting for this claim to lapse
        if self.claim is not None and self._store is not None:
            claim, self.claim = self.claim, None
            try:
                await claim.release()
            except Exception:
                pass  # it lapses by itself (CLAIM_STALE)

    def wants_poll(self) -> bool:
        return self.run is None or self.run.state in OUTCOMES["live"]

    def on_resize(self) -> None:
        # the note and details columns give way to a new width (only a new one: a reload
        # that changes nothing still re-lays the tables out)
        if self.run is not None and table_width(self.query_one("#run-steps")) != self._fitted:
            self.reload()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "more":
            return self.full and self._more
        if action == "rollback":  # a live run is rolled back from the console that drives it
            # and not offered once nothing is left to undo (a run already rolled back)
            return (self.run is not None and self.run.state not in OUTCOMES["live"]
                    and bool(rollback_order(list(self.steps.values()))))
        return super().check_action(action, parameters)

    @work(exclusive=True, group="run-detail-refresh", exit_on_error=False)
    async def reload(self) -> None:
        log = await self.run_log()
        run = await log.run(self.run_id)
        if run is None:
            raise LookupError(f"run {self.run_id} is not in the run log {self.config.store_path}")
        steps, decisions, findings = (await log.steps(run.id), await log.decisions(run.id),
                                      await log.findings(run.id))
        # when a rolled-back run's rollback began: its own time is told apart from the undo's
        events = await log.events(run.id) if run.state in ROLLED else []
        was_live, self.run = self.wants_poll(), run
        undoable = bool(rollback_order(list(self.steps.values())))
        self.steps = {s.step_id: s for s in steps}
        if was_live != self.wants_poll() or undoable != bool(rollback_order(steps)):
            self.refresh_bindings()  # the roll-back key: once ended, while something is undoable
        self.query_one("#run-header", Static).update(self._header(run, steps, events))
        table = self.query_one("#run-steps", OutcomeTable)
        flagged = Counter(f["step_id"] for f in findings if f["status"] != "ok")
        rows = [(s.step_id, self._step_cells(table, s, flagged[s.step_id])) for s in steps]
        self._fitted = table_width(table)
        table.set_rows(fit_column(rows, STEP_COLUMNS, self._fitted, 5))
        self._show_notes(decisions, findings)
        if was_live and self.step_id and not self.full:
            self.load_output()  # a live step keeps printing

    def _header(self, run: RunRow, steps: list[StepRow] | None = None,
                events: list[Event] | None = None) -> Text:
        own, undoing = run_times(run, events or [])
        took = format_duration(own) if own is not None else "still running"
        if undoing is not None:  # the rollback's own time, apart from the run's
            took += f" · rollback took {format_duration(undoing)}"
        scope = f" · {run.scope}" if run.scope else ""  # a partial run: not a whole one
        text = Text.assemble((f"Run {run.id} · {run.title or run.screen} ({run.screen}){scope}  ",
                              "bold"))
        table = self.query_one(OutcomeTable)
        text.append_text(table.outcome(run.state))
        left = sum(kept(s.state, s.reason) for s in steps or [])
        if left:  # rolled back, but not all of it: the changes without an undo stay
            text.append(f" · {left} kept", style=table.outcome("warning").style)
        text.append(f" — {run.message}\n" if run.message else "\n")
        text.append(f"{run.user}@{run.host} · started {when(run.started, '%Y-%m-%d %H:%M:%S')} "
                    f"· took {took}" + (" · dry run" if run.dry_run else ""))
        return text

    def _step_cells(self, table: OutcomeTable, s: StepRow, flagged: int) -> list[RenderableType]:
        note = s.reason or (f"exit {s.exit_code}" if s.exit_code not in (None, 0) else "")
        if flagged:  # passed, but with something to look at: say so where the eye goes
            note = f"{flagged} flagged" + (f" · {note}" if note else "")
        # a step a rollback went past has no undo: its change stays, it was not rolled back
        state = (Text(KEPT_LABEL, style=table.outcome("warning").style)
                 if kept(s.state, s.reason) else table.outcome(s.state))
        return [str(s.position + 1), s.step_id, state, str(s.attempt),
                format_duration(s.duration) if s.duration is not None else "—",
                note]

    def _show_notes(self, decisions: list[Decision], findings: list[dict[str, Any]]) -> None:
        notes = self.query_one("#run-notes", OutcomeTable)
        # worst first: a critical or warning finding must not hide below a page of "ok"
        worst = sorted(enumerate(findings), key=lambda f: -severity(f[1]["status"]))
        rows = [(f"f{i}", [notes.outcome(f["status"]), f["step_id"], f["summary"], ""])
                for i, f in worst]
        rows += [(f"d{d.id}", [notes.outcome(d.kind), d.step_id or "", d.reason,
                               f"{d.user} {when(d.ts, '%H:%M')}"]) for d in decisions]
        notes.set_rows(fit_column(rows, NOTE_COLUMNS, table_width(notes), 2))
        notes.display = bool(rows)
        self.findings = findings
        self._show_finding(notes.cursor_key)

    def _show_finding(self, key: str | None) -> None:
        """The highlighted finding's details (which files, which rows) under the table; the
        worst finding's until another is highlighted."""
        panel = self.query_one("#finding-detail", Static)
        found = (self.findings[int(key[1:])] if key and key.startswith("f")
                 and int(key[1:]) < len(self.findings) else None)
        lines = detail_lines(found["details"]) if found else []
        # a short terminal shows them while the findings have the focus, in the output's place
        panel.display = bool(lines) and (self.has_class("-findings")
                                         or self.size.height >= TALL)
        if found and lines:
            text = Text.assemble((f"{found['status']} ", self.query_one(
                "#run-notes", OutcomeTable).outcome(found["status"]).style),
                (f"{found['step_id']}: ", "bold"), visible(found["summary"]))
            for line in lines:
                text.append("\n  " + visible(line))
            panel.update(text)

    @on(DataTable.RowHighlighted, "#run-notes")
    def _note_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_finding(event.row_key.value)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        findings = event.widget.id == "run-notes"
        if findings != self.has_class("-findings"):
            self.set_class(findings, "-findings")
            self._show_finding(self.query_one("#run-notes", OutcomeTable).cursor_key)

    @on(DataTable.RowHighlighted, "#run-steps")
    def _step_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key.value != self.step_id:
            self.step_id = event.row_key.value
            self.load_output()

    @on(DataTable.RowSelected, "#run-steps")
    def _step_selected(self) -> None:
        self.query_one("#run-output", Log).focus()

    @work(exclusive=True, group="run-output", exit_on_error=False)
    async def load_output(self, more: bool = False) -> None:
        """The step's last lines, or (full mode) its output from the start, a page at a time."""
        if self.step_id is None:
            return
        log, view = await self.run_log(), self.query_one("#run-output", Log)
        if self.full:
            lines = await log.output(self.run_id, after_id=self._after if more else 0,
                                     limit=PAGE_CHUNKS, step_id=self.step_id)
            self._more = len({ln.id for ln in lines}) >= PAGE_CHUNKS
            self._after = lines[-1].id if lines else self._after
        else:
            lines = await log.output_tail(self.run_id, self.step_id, TAIL_LINES)
        if not more:
            view.clear()
        view.write_lines(self._plain(lines, view.scrollable_content_region.width),
                         scroll_end=False)
        # After the next refresh, when the view knows its height: full output opens at its
        # start, the last lines at their end.
        if self.full and not more:
            self.call_after_refresh(view.scroll_home, animate=False)
        elif not self.full:
            self.call_after_refresh(view.scroll_end, animate=False)
        self._title_output(view.line_count)
        self.refresh_bindings()

    @staticmethod
    def _plain(lines: list[OutputLine], width: int = 0) -> list[str]:
        # The same gutters as `maintui run`: │ for stdout, ┊ for stderr; a long line wraps
        # under its gutter (0: the pane's width is not known yet)
        out: list[str] = []
        for ln in lines:
            gutter = "┊ " if ln.stream == "stderr" else "│ "
            out += [gutter + piece for piece in wrap_line(visible(ln.line), width - len(gutter))]
        return out

    def _title_output(self, count: int) -> None:
        step = self.steps.get(self.step_id or "")
        name = f"{self.step_id} — {step.title}" if step else str(self.step_id)
        if not count:
            mode = "no output"
        elif self.full:
            mode = f"{count} lines from the start" + (" · n: more" if self._more else " · all")
        else:
            mode = f"last {count} lines · o: full output"
        title = Text.assemble((f"Output of {name}", "bold"), f" ({mode})")
        if step and step.reason:
            title.append(f"\n{label(step.state)}: {step.reason}")
        self.query_one("#output-title", Static).update(title)

    def action_toggle_output(self) -> None:
        self.full, self._after, self._more = not self.full, 0, False
        self.load_output()

    def action_more(self) -> None:
        if self.full and self._more:
            self.load_output(more=True)

    @work(exclusive=True, group="run-detail-rollback", exit_on_error=False)
    async def action_rollback(self) -> None:
        """What rolling back undoes, in order; on confirmation a runner of its own does it,
        and this screen follows the run until it ends rolled_back or rollback_failed."""
        from maintui.tui.dialogs.rollback import RollbackDialog, start_rollback, undo_list

        if self.run is None or self.run.state in OUTCOMES["live"]:
            return
        log = await self.run_log()
        # one console drives a run, ended or not (docs/console-control.md): rolling it back
        # from here needs the claim every other control obeys
        claim = self.claim or Attachment(log, self.run_id, self.me)
        if not await claim.claim():
            self._driven_elsewhere(await claim.driver())
            return
        self.claim = claim
        undo = await undo_list(self.config, log, self.run_id)
        if not undo:
            self.notify(f"run {self.run_id} has no completed step to undo; nothing changed",
                        severity="warning")
            return
        self._rollback_dialog = RollbackDialog(self.run_id, self.run.state, undo)
        choice = await self.app.push_screen_wait(self._rollback_dialog)
        self._rollback_dialog = None
        if choice is None:
            return
        if self.claim is None or not await self.claim.claim():  # taken over meanwhile
            self._driven_elsewhere(await claim.driver())
            return
        await start_rollback(self.config, log, self.run_id, choice.reason)
        self.notify(f"rolling back run {self.run_id}…", timeout=3)
        self.reload()  # the run is live again: polled until it ends

    def _driven_elsewhere(self, driver: dict[str, Any] | None) -> None:
        who = (f"{driver['user']}@{driver['host']} (pid {driver['pid']})" if driver
               else "another console")
        self.notify(f"run {self.run_id} is driven by {who}: not rolled back. s opens its "
                    "session, where T takes it over; then b rolls it back",
                    title="Driven elsewhere", severity="warning", timeout=10)

    async def _renew_claim(self) -> None:
        """Keep the claim this view took to roll the run back; another console that took
        the run over meanwhile closes an open rollback dialog, unanswered."""
        if self.claim is None or self._store is None:
            return
        if await self.claim.claim():
            return
        self.claim = None
        dialog, closed = self._rollback_dialog, False
        if dialog is not None and dialog in self.app.screen_stack:
            dialog.dismiss(None)  # nothing is undone
            closed = True
        driver = await Attachment(await self.run_log(), self.run_id, self.me).driver()
        who = (f"{driver['user']}@{driver['host']} (pid {driver['pid']})" if driver
               else "another console")
        self.notify(f"{who} took run {self.run_id} over; this view no longer drives it"
                    + (" (its rollback dialog was closed, nothing undone)" if closed else ""),
                    title="Taken over", severity="warning", timeout=10)

    def action_report(self) -> None:
        self.app.push_screen(ReportScreen(self.config, run_id=self.run_id, store=self._store))

    @work(exclusive=True, group="run-detail-session", exit_on_error=False)
    async def action_open_session(self) -> None:
        """The run in its screen's session, as `maintui attach RUN`: followed live or shown
        ended, with its hosts; it drives the run unless another console does (then T)."""
        from maintui.core.errors import ConfigError
        from maintui.core.site.screenfile import load_screen
        from maintui.tui.screens.session import SessionScreen

        if self.run is None:
            return
        try:  # the screen file may have changed or gone since the run
            load_screen(self.config, self.run.screen)
        except ConfigError as exc:
            self.notify(f"run {self.run_id}'s screen {self.run.screen!r} does not load: {exc}",
                        title="no session", severity="error", timeout=10)
            return
        self.app.push_screen(SessionScreen(self.config, self.run.screen, run_id=self.run_id,
                                           store=await self.run_log()))


def run_times(run: RunRow, events: list[Event]) -> tuple[float | None, float | None]:
    """The run's own duration (None while it runs) and its rollback's (None if none began):
    a finished run rolled back later ends again, but what it took is what it took then."""
    began = next((e.ts for e in events if e.kind == "note" and e.data.get("rollback")), None)
    if run.ended is None:
        return None, None
    if began is None:
        return run.ended - run.started, None
    # it ended before (a finished run rolled back later), or it was stopped to roll back
    ended = next((e.ts for e in events if e.kind == "run_state" and e.ts <= began
                  and e.data.get("state") not in OUTCOMES["live"]), began)
    return ended - run.started, run.ended - began
