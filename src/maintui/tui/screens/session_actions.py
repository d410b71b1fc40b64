"""The operator's keys in a session: start, confirm, skip, note, abort, roll back, dry run."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from typing import TYPE_CHECKING

from textual import work
from textual.widgets import Log

from maintui.core.states import RunState
from maintui.tui.dialogs.confirm import ChecklistDialog, Choice, ConfirmDialog, ReasonDialog

if TYPE_CHECKING:
    from maintui.tui.screens.session import SessionScreen

    _Base = SessionScreen
else:
    _Base = object


class SessionActions(_Base):
    """Mixed into SessionScreen: every action writes a decision the runner picks up."""

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action in ("skip", "abort", "rollback") and self.run_id is not None and not self.driving:
            return None  # shown dimmed: this console only watches
        return True

    async def action_run(self) -> None:
        if self.run_id is None or not RunState(self.run_state or "running").live:
            window = self.screen_file.window
            from maintui.core.site.schedule import in_window

            if window and not in_window(window, time.time()):
                def go(reason: str | None) -> None:
                    if reason:
                        self._start_run(reason)

                self.app.push_screen(ReasonDialog(
                    f"Outside the window ({window}): why start now?"), go)
            else:
                self._start_run()
        elif self._gate is not None:
            self._gate_shown = self._gate.id
            self._open_gate(self._gate.data)
        else:
            self.notify("the run is going; it stops at the next step that needs you")

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
        self.steps.clear()
        self.follow = True
        self.query_one(Log).clear()  # the intro goes; the run's output comes
        await self._attach_run(run_id)

    def _open_gate(self, gate: dict) -> None:
        dialog = ChecklistDialog(gate) if gate.get("manual") else ConfirmDialog(
            gate, self._recheck(gate["step_id"]))
        step_id = gate["step_id"]

        def answered(choice: Choice | None) -> None:
            if choice is not None:
                self._decide(choice.kind, step_id, choice.reason)

        self.app.push_screen(dialog, answered)

    def _recheck(self, step_id: str):
        """A function giving the step's preconditions now, for the dialog to show live."""
        step = self.screen_file.step(step_id)
        if step.requires is None:
            return None
        from maintui.core.run.preconditions import evaluate
        from maintui.core.run.stepview import make_lookup
        from maintui.core.site.template import substitute

        run_dir = self.config.state_dir / "runs" / str(self.run_id)
        path = str(substitute(step.requires.disk_path,
                              make_lookup(self.config, self.screen_file, self.run_id or 0, run_dir)))
        return lambda: [{"name": c.name, "ok": c.ok, "text": c.text}
                        for c in evaluate(step.requires, self.config.state_dir, path)]

    @work(group="session-decide")
    async def _decide(self, kind: str, step_id: str | None, reason: str = "") -> None:
        if self.attachment is None:
            self.notify("no run yet: press r to start one", severity="warning")
            return
        await self.attachment.decide(kind, step_id, reason)
        self.notify(f"{kind}" + (f" {step_id}" if step_id else "") + " sent", timeout=2)

    def _ask(self, title: str, kind: str, step_id: str | None, optional: bool = False) -> None:
        def done(text: str | None) -> None:
            if text is not None:
                self._decide(kind, step_id, text)

        self.app.push_screen(ReasonDialog(title, optional=optional), done)

    def action_skip(self) -> None:
        if self._gate is None:
            self.notify("only a step waiting at its gate can be skipped", severity="warning")
            return
        step = self._gate.data["step_id"]
        self._ask(f"Skip {step}: why?", "skip", step)

    def action_note(self) -> None:
        if self.run_id is None:
            self.notify("notes belong to a run: start one with r", severity="warning")
            return
        self._ask("Note for the run log", "note", self.selected)

    def action_abort(self) -> None:
        if self.run_id is None or not RunState(self.run_state).live:
            self.notify("no live run to abort", severity="warning")
            return
        self._ask("Abort the run: why? (the running step is stopped)", "abort", None)

    def action_rollback(self) -> None:
        if self.run_id is None:
            self.notify("nothing to roll back yet", severity="warning")
        elif RunState(self.run_state).live:
            self._ask("Roll back: why? (completed steps are undone, newest first)", "rollback", None)
        else:
            self._rollback_finished()

    def _rollback_finished(self) -> None:
        """A finished run is rolled back by a new detached runner on the same run."""
        def done(reason: str | None) -> None:
            if reason is None:
                return
            self._decide("note", None, f"rollback requested: {reason}")
            subprocess.Popen([sys.executable, "-m", "maintui", "rollback", str(self.run_id),
                              "--config", str(self.config.path)], stdin=subprocess.DEVNULL,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             start_new_session=True)

        self.app.push_screen(ReasonDialog(f"Roll back run {self.run_id}: why?"), done)

    def action_dry_run(self) -> None:
        from maintui.tui.dialogs.plan import PlanDialog

        self.app.push_screen(PlanDialog(self.screen_file.title, list(self.plan.values())))

    def action_toggle_output(self) -> None:
        self.toggle_class("-output-only")

    async def action_take_over(self) -> None:
        if self.attachment is not None:
            self.driving = await self.attachment.claim(force=True)
            self.notify("this console now drives the run")
            self._head()
            self.refresh_bindings()
