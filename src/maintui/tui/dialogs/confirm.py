"""Session dialogs: risk-tiered confirmation, a checklist item, an overrun, an interrupted run."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from textual import events, on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from maintui.core.run.stepview import StepView
from maintui.core.units import format_duration
from maintui.tui import keys
from maintui.tui.dialogs.fields import settled
from maintui.tui.dialogs.text import ReasonDialog
from maintui.tui.widgets.field import Field
from maintui.tui.widgets.field_problem import FieldProblem
from maintui.tui.widgets.keybar import KeyBar

PLAN_EVERY = 3.0  # seconds between fresh looks at what a waiting step will change
# What confirms at each risk, on the dialog's lower border: the friction is said, not found out
CONFIRMS = {"normal": "y or Enter runs it", "destructive": "Tab to Run, then Enter",
            "critical": "type the step id, then Enter"}
NAMES = {"typed": "the word", "approver": "the approver", "ticket": "the ticket"}


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
    .dialog--title { text-style: bold; margin-bottom: 1; width: 1fr; }  /* long questions wrap */
    .dialog--body { height: auto; max-height: 12; }  /* then as tall as there is room (_fit_body) */
    .dialog--buttons { height: auto; margin-top: 1; align-horizontal: right; }
    .dialog--buttons Button { margin-left: 1; min-width: 10; }
    .dialog.-destructive, .dialog.-critical { border: thick $error; }
    """
    BINDINGS = keys.for_screen("dialog")

    @on(events.Mount)
    async def _key_line(self) -> None:
        """Every dialog's own keys on its own footer line (a modal shows no others)."""
        await self.mount(KeyBar())
        self.call_after_refresh(self._fit_body)

    @on(events.Resize)
    def _resized(self) -> None:
        self.call_after_refresh(self._fit_body)

    def _body(self) -> VerticalScroll | None:
        found = self.query(".dialog--body")
        return found.first(VerticalScroll) if found else None

    def _fit_body(self) -> None:
        """The body (a plan, what a rollback undoes) gets every row the rest of the dialog and
        the key line leave: a long one is read in the room the terminal has, not a small box."""
        body = self._body()
        if body is None or not self.is_attached:
            return
        dialog = self.query_one(".dialog")
        keybar = self.query(KeyBar)
        rest = dialog.outer_size.height - body.outer_size.height
        room = self.size.height - rest - (keybar.first().outer_size.height if keybar else 1)
        # a problem line said later under the fields must not push the buttons off the screen
        room -= sum(1 for p in self.query(FieldProblem) if not p.text)
        if body.styles.max_height is None or body.styles.max_height.value != max(3, room):
            body.styles.max_height = max(3, room)
        self.call_after_refresh(self.refresh_bindings)  # PgUp/PgDn: only while it overflows

    def _overflows(self) -> bool:
        body = self._body()
        return body is not None and body.max_scroll_y > 0

    def action_scroll_body(self, pages: int) -> None:
        body = self._body()
        if body is not None:
            (body.scroll_page_down if pages > 0 else body.scroll_page_up)(animate=False)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "scroll_body":  # a body that fits has nothing to scroll: not offered
            return self._overflows()
        # Enter is the dialog's (keys.SUBMIT) only in a text field: on a button it presses it
        return isinstance(self.focused, Input) if action == "submit" else True

    SUBMIT_WORDS = "Submit"  # what Enter in a text field does, on the key line

    def key_description(self, action: str) -> str | None:
        """The key line's words for Enter in a field and for Tab (where it goes next)."""
        if action == "submit":
            return self.SUBMIT_WORDS
        if action == "app.focus_next":
            chain = self.focus_chain
            if self.focused in chain and len(chain) > 1:
                after = chain[(chain.index(self.focused) + 1) % len(chain)]
                if isinstance(after, Button):
                    return f"to {after.label}"
                return None if isinstance(after, Input) else "Next"  # the scrolling details
        return None


class ConfirmDialog(_Dialog):
    """Run a step? Friction by risk: normal one key, destructive shows the plan with focus on
    Cancel, critical asks for the step id to be typed. The step's class policy may ask for a
    typed word, an approver and a ticket (recorded with the decision)."""

    BINDINGS = keys.for_screen("confirm")
    SUBMIT_WORDS = "Run"

    def __init__(self, view: StepView, recheck: Callable[[], list[dict]] | None = None,
                 replan: Callable[[], list[str]] | None = None) -> None:
        super().__init__()
        self.view = view
        self.risk = view.risk
        self.recheck = recheck  # live preconditions, refreshed while the dialog is open
        # what the step will change, computed again on opening and while open: the gate's
        # copy is from when the runner reached it, maybe long before this dialog opened
        self.replan = replan
        # what must be typed to run it: the class policy's word, or the id of a critical step
        self.typed = "" if view.blocked else (
            view.typed or (view.step_id if view.risk == "critical" else ""))
        self.inputs = [] if view.blocked else (
            ["typed"] * bool(self.typed) + ["approver"] * view.approver + ["ticket"] * view.ticket)

    def compose(self) -> ComposeResult:
        v = self.view
        verb = "Blocked" if v.blocked else "Run"
        with Vertical(classes=f"dialog -{self.risk}"):
            yield Label(Content(f"{verb} {v.step_id}: {v.title}" + ("" if v.blocked else "?")),
                        classes="dialog--title")
            if v.requires:
                yield Static(_checks(v.requires), id="requires")
            with VerticalScroll(classes="dialog--body"):
                yield Static(Content.assemble(("risk ", "dim"), (self.risk, "bold"),
                                              *_weighed(v)))
                if v.impact:
                    yield Static(Content.assemble(("impact ", "dim"), v.impact))
                if v.policy:  # "corrective policy: approver, ticket" names itself
                    yield Static(Content(v.policy))
                if v.description:
                    yield Static(Content(v.description))
                yield Static(Content.assemble(("command  ", "dim"), v.command))
                plan = Static(_plan(v.plan), id="plan")
                plan.display = bool(v.plan)
                yield plan
                yield Static(Content.assemble(("rollback ", "dim"),
                                              v.rollback or "none: this cannot be undone"))
            if self.typed:
                yield Field(placeholder=f"type {self.typed} to run it", id="typed")
            if "approver" in self.inputs:
                yield Field(placeholder="approved by (name) — the class policy asks",
                            id="approver")
            if "ticket" in self.inputs:
                yield Field(placeholder="change ticket id — the class policy asks", id="ticket")
            yield FieldProblem()  # a wrong word or a bad approver, said under the fields
            with Horizontal(classes="dialog--buttons"):
                yield Button("Skip…", id="skip")
                # it only closes the dialog: the run keeps waiting at the gate (r asks again)
                yield Button("Not now", id="cancel")
                yield Button("Retry" if v.blocked else "Run", id="run",
                             variant="error" if self.risk != "normal" else "primary",
                             disabled=bool(self.inputs))

    def on_mount(self) -> None:
        target = {"normal": "#run", "destructive": "#cancel"}
        self.query_one(f"#{self.inputs[0]}" if self.inputs
                       else target.get(self.risk, "#cancel")).focus()
        self.query_one(".dialog").border_subtitle = (
            "fill in " + ", ".join(NAMES[n] for n in self.inputs) + ", then Enter"
            if self.inputs else CONFIRMS.get(self.risk, ""))
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
            self.call_after_refresh(self._fit_body)  # a longer plan may overflow now

    @work(thread=True, exclusive=True, group="dialog-recheck")
    def _refresh_checks(self) -> None:
        checks = self.recheck() if self.recheck else []
        self.app.call_from_thread(self.query_one("#requires", Static).update, _checks(checks))

    def _value(self, name: str) -> str:
        return self.query_one(f"#{name}", Input).value.strip() if name in self.inputs else ""

    def _missing(self) -> list[str]:
        """The inputs still empty or wrong, in the order they are shown."""
        from maintui.core.run.policy import answer_problem

        # a ';' or line break in the approver or ticket would forge the other in the reason
        return [n for n in self.inputs
                if (self._value(n) != self.typed if n == "typed"
                    else not self._value(n) or answer_problem(n, self._value(n)))]

    def _problem(self, name: str) -> str:
        """What is wrong with a field Enter found lacking, in words (shown in the dialog)."""
        from maintui.core.run.policy import answer_problem

        value = self._value(name)
        if name == "typed":
            return (f"type {self.typed} exactly (you typed {value})" if value
                    else f"type {self.typed} to run it")
        return answer_problem(name, value) or f"fill in {NAMES[name]}, then Enter"

    def _choice(self) -> Choice:
        from maintui.core.run.policy import answer_reason

        return Choice("confirm", answer_reason(self._value("approver"), self._value("ticket")))

    @on(Input.Changed, "#typed, #approver, #ticket")
    def _typed(self) -> None:
        self.query_one("#run", Button).disabled = bool(self._missing())
        self.query_one(FieldProblem).clear()  # answered by typing: the last problem is stale

    @on(Input.Submitted, "#typed, #approver, #ticket")  # Enter remapped away in [keys]
    async def _submitted(self) -> None:
        await self.action_submit()

    async def action_submit(self) -> None:
        """Enter in a field: run it when all is filled in, else on to what is still needed."""
        await settled(self.focused)
        lacking = self._missing()
        if not lacking:
            self.dismiss(self._choice())
        else:  # Enter moves on to what is still needed
            self.query_one(FieldProblem).say(self._problem(lacking[0]))
            # now, not after a refresh as focus() does: the keys behind Enter go there
            self.set_focus(self.query_one(f"#{lacking[0]}", Input))

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "run":
            if not self._missing():
                self.dismiss(self._choice())
        elif event.button.id == "skip":
            self.action_skip()
        else:
            self.dismiss(None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # `y` is offered (and works) only where it confirms: the footer says which key does
        if action == "confirm":
            return self._bare_key_confirms()
        return super().check_action(action, parameters)

    def _bare_key_confirms(self) -> bool:
        # only the lowest risk confirms with a bare key, and only when nothing must be entered
        return self.risk == "normal" and not self.inputs

    def action_confirm(self) -> None:
        if self._bare_key_confirms():
            self.dismiss(Choice("confirm"))

    def action_skip(self) -> None:
        def done(reason: str | None) -> None:
            if reason:
                self.dismiss(Choice("skip", reason))

        self.app.push_screen(ReasonDialog(f"Skip {self.view.step_id}: why?"), done)


def _weighed(view: StepView) -> list[tuple[str, str] | str]:
    """Class, estimate and tags after the risk (what an operator weighs), when given."""
    out: list[tuple[str, str] | str] = []
    if view.class_:
        out += [("  class ", "dim"), view.class_]
    if view.estimate is not None:
        out += [("  takes about ", "dim"), format_duration(view.estimate)]
    if view.tags:
        out += [("  tags ", "dim"), ", ".join(view.tags)]
    return out


def _plan(lines: list[str]) -> Content:
    return Content("\n").join([Content.assemble(("will ", "dim"), line) for line in lines])


def _checks(checks: list[dict]) -> Content:
    lines = [Content.assemble(("✓ " if c["ok"] else "✗ ", "$success" if c["ok"] else "bold $error"),
                              c["text"]) for c in checks]
    return Content("\n").join([Content.styled("requires (live)", "$text-muted"), *lines])


class ChecklistDialog(_Dialog):
    """A manual item: done, not done (with a note), or not applicable."""

    BINDINGS = keys.for_screen("checklist")
    SUBMIT_WORDS = "Done"

    def __init__(self, view: StepView) -> None:
        super().__init__()
        self.view = view

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Content(f"Checklist: {self.view.title}"), classes="dialog--title")
            if self.view.description:
                yield Static(Content(self.view.description))
            yield Field(placeholder="note; Enter = done (a note is required for not done)",
                        id="note")
            yield FieldProblem()
            with Horizontal(classes="dialog--buttons"):
                yield Button("Done", id="done", variant="success")
                yield Button("Not done", id="not_done", variant="warning")
                yield Button("N/A", id="na")

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.action_pick(event.button.id or "")

    @on(Input.Changed, "#note")
    def _noted(self) -> None:
        self.query_one(FieldProblem).clear()

    @on(Input.Submitted, "#note")  # Enter remapped away in [keys]
    async def _note_submitted(self) -> None:
        await self.action_submit()

    async def action_submit(self) -> None:
        await settled(self.focused)
        self.action_pick("done")  # Enter in the note: the common case

    def action_pick(self, kind: str) -> None:
        note = self.query_one("#note", Input).value.strip()
        if kind == "not_done" and not note:
            self.query_one(FieldProblem).say("not done needs a note: type why, then Tab and n")
            self.set_focus(self.query_one("#note", Input))
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
                yield Button("Not now", id="later")
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
