"""Session dialogs: risk-tiered confirmation, a checklist item, an overrun, an interrupted run."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from maintui.core.run.stepview import StepView
from maintui.tui import keys
from maintui.tui.dialogs.text import ReasonDialog

PLAN_EVERY = 3.0  # seconds between fresh looks at what a waiting step will change


@dataclass(frozen=True)
class Choice:
    """What the operator chose in a dialog: a decision kind and its reason or note."""

    kind: str
    reason: str = ""


class _Dialog(ModalScreen["Choice | None"]):
    DEFAULT_CSS = """
    _Dialog, ConfirmDialog, ReasonDialog, ChecklistDialog {
        align: center middle;
    }
    .dialog {
        width: 76; max-width: 100%; height: auto; max-height: 100%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    .dialog--title { text-style: bold; margin-bottom: 1; }
    .dialog--body { height: auto; max-height: 12; }
    .dialog--buttons { height: auto; margin-top: 1; align-horizontal: right; }
    .dialog--buttons Button { margin-left: 1; min-width: 10; }
    .dialog.-destructive, .dialog.-critical { border: thick $error; }
    """
    BINDINGS = keys.for_screen("dialog")

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmDialog(_Dialog):
    """Run a step? Friction by risk: normal one key, destructive shows the plan with focus on
    Cancel, critical asks for the step id to be typed."""

    BINDINGS = keys.for_screen("confirm")

    def __init__(self, view: StepView, recheck: Callable[[], list[dict]] | None = None,
                 replan: Callable[[], list[str]] | None = None) -> None:
        super().__init__()
        self.view = view
        self.risk = view.risk
        self.recheck = recheck  # live preconditions, refreshed while the dialog is open
        # what the step will change, computed again on opening and while open: the gate's
        # copy is from when the runner reached it, maybe long before this dialog opened
        self.replan = replan

    def compose(self) -> ComposeResult:
        v = self.view
        verb = "Blocked" if v.blocked else "Run"
        with Vertical(classes=f"dialog -{self.risk}"):
            yield Label(Content(f"{verb} {v.step_id}: {v.title}" + ("" if v.blocked else "?")),
                        classes="dialog--title")
            if v.requires:
                yield Static(_checks(v.requires), id="requires")
            with VerticalScroll(classes="dialog--body"):
                yield Static(Content.assemble(("risk ", "dim"), (self.risk, "bold")))
                if v.description:
                    yield Static(Content(v.description))
                yield Static(Content.assemble(("command  ", "dim"), v.command))
                plan = Static(_plan(v.plan), id="plan")
                plan.display = bool(v.plan)
                yield plan
                yield Static(Content.assemble(("rollback ", "dim"),
                                              v.rollback or "none: this cannot be undone"))
            if self.risk == "critical":
                yield Input(placeholder=f"type {v.step_id} to run it", id="typed")
            with Horizontal(classes="dialog--buttons"):
                yield Button("Skip…", id="skip")
                yield Button("Cancel", id="cancel")
                yield Button("Retry" if v.blocked else "Run", id="run",
                             variant="error" if self.risk != "normal" else "primary",
                             disabled=self.risk == "critical")

    def on_mount(self) -> None:
        target = {"normal": "#run", "destructive": "#cancel", "critical": "#typed"}
        self.query_one(target.get(self.risk, "#cancel")).focus()
        if self.recheck is not None and self.view.requires:
            self.set_interval(1.0, self._refresh_checks)
        if self.replan is not None:
            self._refresh_plan()
            self.set_interval(PLAN_EVERY, self._refresh_plan)

    @work(thread=True, exclusive=True, group="dialog-replan")
    def _refresh_plan(self) -> None:
        lines = self.replan() if self.replan else []
        self.app.call_from_thread(self._show_plan, lines)

    def _show_plan(self, lines: list[str]) -> None:
        if self.is_attached:
            self.view = replace(self.view, plan=lines)
            plan = self.query_one("#plan", Static)
            plan.update(_plan(lines))
            plan.display = bool(lines)

    @work(thread=True, exclusive=True, group="dialog-recheck")
    def _refresh_checks(self) -> None:
        checks = self.recheck() if self.recheck else []
        self.app.call_from_thread(self.query_one("#requires", Static).update, _checks(checks))

    @on(Input.Changed, "#typed")
    def _typed(self, event: Input.Changed) -> None:
        self.query_one("#run", Button).disabled = event.value.strip() != self.view.step_id

    @on(Input.Submitted, "#typed")
    def _submitted(self, event: Input.Submitted) -> None:
        if event.value.strip() == self.view.step_id:
            self.dismiss(Choice("confirm"))

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "run":
            self.dismiss(Choice("confirm"))
        elif event.button.id == "skip":
            self.action_skip()
        else:
            self.dismiss(None)

    def action_confirm(self) -> None:
        if self.risk == "normal":  # only the lowest risk confirms with a bare key
            self.dismiss(Choice("confirm"))

    def action_skip(self) -> None:
        def done(reason: str | None) -> None:
            if reason:
                self.dismiss(Choice("skip", reason))

        self.app.push_screen(ReasonDialog(f"Skip {self.view.step_id}: why?"), done)


def _plan(lines: list[str]) -> Content:
    return Content("\n").join([Content.assemble(("will     ", "dim"), line) for line in lines])


def _checks(checks: list[dict]) -> Content:
    lines = [Content.assemble(("✓ " if c["ok"] else "✗ ", "$success" if c["ok"] else "bold $error"),
                              c["text"]) for c in checks]
    return Content("\n").join([Content.styled("requires (live)", "$text-muted"), *lines])


class ChecklistDialog(_Dialog):
    """A manual item: done, not done (with a note), or not applicable."""

    BINDINGS = keys.for_screen("checklist")

    def __init__(self, view: StepView) -> None:
        super().__init__()
        self.view = view

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Content(f"Checklist: {self.view.title}"), classes="dialog--title")
            if self.view.description:
                yield Static(Content(self.view.description))
            yield Input(placeholder="note; Enter = done (a note is required for not done)",
                        id="note")
            with Horizontal(classes="dialog--buttons"):
                yield Button("Done", id="done", variant="success")
                yield Button("Not done", id="not_done", variant="warning")
                yield Button("N/A", id="na")

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.action_pick(event.button.id or "")

    @on(Input.Submitted, "#note")
    def _note_submitted(self) -> None:
        self.action_pick("done")  # Enter in the note: the common case

    def action_pick(self, kind: str) -> None:
        note = self.query_one("#note", Input).value.strip()
        if kind == "not_done" and not note:
            self.notify("say why it was not done", severity="warning")
            self.query_one("#note", Input).focus()
            return
        self.dismiss(Choice(kind, note))


class OverrunDialog(_Dialog):
    """A step runs longer than it usually does: wait, extend, abort, or open an incident."""

    BINDINGS = keys.for_screen("overrun")

    def __init__(self, step_id: str, elapsed: str, p50: str, p95: str) -> None:
        super().__init__()
        self.text = (f"{step_id} has run for {elapsed}; it usually takes {p50} "
                     f"(95% of runs within {p95}).")

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog -destructive"):
            yield Label("Taking longer than usual", classes="dialog--title")
            yield Static(Content(self.text))
            with Horizontal(classes="dialog--buttons"):
                yield Button("Wait", id="wait", variant="primary")
                yield Button("Extend", id="extend")
                yield Button("Abort", id="abort", variant="error")
                yield Button("Incident", id="incident", variant="warning")

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.action_pick(event.button.id or "wait")

    def action_pick(self, kind: str) -> None:
        self.dismiss(Choice(kind))


class InterruptedDialog(_Dialog):
    """The last run stopped without finishing (its runner died): resume, mark done, roll back,
    or leave it and start anew."""

    BINDINGS = keys.for_screen("interrupted")

    def __init__(self, run_id: int, step_id: str | None, has_verify: bool) -> None:
        super().__init__()
        self.run_id, self.step_id, self.has_verify = run_id, step_id, has_verify

    def compose(self) -> ComposeResult:
        where = f" during step {self.step_id}" if self.step_id else ""
        check = (" Its verify check runs first; its result is in the step's output."
                 if self.has_verify else "")
        with Vertical(classes="dialog -destructive"):
            yield Label(Content(f"Run {self.run_id} was interrupted{where}"),
                        classes="dialog--title")
            yield Static(Content("Its runner stopped without finishing. Nothing is re-run by "
                                 "itself: choose what happens to the unfinished step." + check))
            with Horizontal(classes="dialog--buttons"):
                yield Button("Later", id="later")
                yield Button("Resume", id="resume", variant="primary")
                yield Button("Mark done", id="done")
                yield Button("Roll back", id="rollback", variant="error")
                yield Button("Start anew", id="new")

    def on_mount(self) -> None:
        self.query_one("#later").focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "later":
            self.dismiss(None)
        else:
            self.action_pick(event.button.id or "")

    def action_pick(self, kind: str) -> None:
        self.dismiss(Choice(kind))
