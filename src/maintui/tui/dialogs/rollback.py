"""RollbackDialog: what rolling back a finished run undoes, in order, before anything runs."""

from __future__ import annotations

import asyncio
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Input, Label, Static

from maintui.core.errors import MaintuiError
from maintui.core.site.config import SiteConfig
from maintui.core.states import label
from maintui.tui import keys
from maintui.tui.dialogs.confirm import Choice, _Dialog
from maintui.tui.dialogs.fields import settled
from maintui.tui.widgets.field import Field
from maintui.tui.widgets.field_problem import FieldProblem


class RollbackDialog(_Dialog):
    """Each step to undo with its undo command, newest first, and the reason it is undone."""

    # the undo list scrolls: at 24 rows a long run's list must leave the reason and buttons in
    # view; it then takes the rows the screen has (_Dialog._fit_body)
    DEFAULT_CSS = """
    RollbackDialog { align: center middle; }
    RollbackDialog .dialog--body { max-height: 7; }
    """
    BINDINGS = keys.for_screen("rollback")
    SUBMIT_WORDS = "Roll back"

    def __init__(self, run_id: int, state: str, undo: list[tuple[str, str]],
                 risky: frozenset[str] = frozenset()) -> None:
        super().__init__()
        self.run_id, self.state, self.undo = run_id, state, undo
        self.risky = risky  # steps whose undo is itself a risky change (a database restore)

    def compose(self) -> ComposeResult:
        # "risky" in words too: a marker in colour alone is lost without colour
        lines = [Content.assemble((f"{n}. {sid}  ", "bold"),
                                  ("! risky: ", "bold $error") if sid in self.risky else "", text)
                 for n, (sid, text) in enumerate(self.undo, 1)]
        with Vertical(classes="dialog -destructive"):
            yield Label(Content(f"Roll back run {self.run_id} ({label(self.state)})?"),
                        classes="dialog--title")
            who = ("the run stops and its runner undoes them" if self.state in ("running", "waiting")
                   else "by a runner of its own that this console follows")
            yield Static(Content(f"Undone in this order, newest first, {who}; the run ends "
                                 f"{label('rolled_back')}, or {label('rollback_failed')} at the "
                                 "first undo that fails. A step without an undo is kept: its "
                                 "change stays."), id="explain")
            with VerticalScroll(classes="dialog--body"):
                yield Static(Content("\n").join(lines), id="undo")
            yield Field(placeholder="why (required; recorded in the run log)", id="reason")
            yield FieldProblem()
            with Horizontal(classes="dialog--buttons"):
                yield Button("Not now", id="cancel")
                yield Button("Roll back", id="rollback", variant="error")

    def on_mount(self) -> None:
        # nothing is undone until a reason is typed: Enter on the empty field only asks why
        self.query_one("#reason").focus()
        self.query_one(".dialog").border_subtitle = "type why, then Enter rolls back"

    @on(Input.Changed, "#reason")
    def _typing(self) -> None:
        self.query_one(FieldProblem).clear()

    @on(Input.Submitted, "#reason")  # Enter remapped away in [keys]
    async def _submitted(self) -> None:
        await self.action_submit()

    async def action_submit(self) -> None:
        await settled(self.focused)
        self.action_roll_back()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "rollback":
            self.action_roll_back()
        else:
            self.dismiss(None)

    def action_roll_back(self) -> None:
        reason = self.query_one("#reason", Input).value.strip()
        if not reason:
            self.query_one(FieldProblem).say("say why the run is rolled back, then Enter")
            self.set_focus(self.query_one("#reason", Input))
            return
        self.dismiss(Choice("rollback", reason))


async def undo_list(config: SiteConfig, log: Any, run_id: int) -> list[tuple[str, str]]:
    """What rolling back the run would undo now, in order, each with its undo command."""
    from maintui.core.run.plan import undo_plan
    from maintui.core.site.screenfile import load_screen

    run = await log.run(run_id)
    if run is None:
        raise MaintuiError(f"no run {run_id} in the run log")
    rows = await log.steps(run_id)
    screen = await asyncio.to_thread(load_screen, config, run.screen)
    return await asyncio.to_thread(undo_plan, config, screen, run_id, rows)


async def start_rollback(config: SiteConfig, log: Any, run_id: int, reason: str) -> None:
    """`maintui rollback RUN --yes` in a session of its own (it survives the console), then
    the operator's reason in the run log, once the runner holds the run."""
    from maintui.core.run.attach import Identity
    from maintui.core.run.launch import spawn_runner

    await asyncio.to_thread(spawn_runner, config.path, str(run_id), ["--yes"],
                            command="rollback")
    me = Identity.here()
    await log.add_decision(run_id, "note", None, f"rollback started from the console: {reason}",
                           me.user, me.client)
