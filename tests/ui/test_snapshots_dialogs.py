"""Snapshots of every dialog at 80x24 and 120x40, over a plain screen, from fixed data: each
shows its own keys in its own footer line, and only those (`y` only where it confirms)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.app import App, ComposeResult
from textual.screen import ModalScreen
from textual.widgets import Static

from maintui.core.run.stepview import StepView
from maintui.tui.dialogs.choose import ScreenChooserDialog
from maintui.tui.dialogs.confirm import (
    ChecklistDialog,
    ConfirmDialog,
    InterruptedDialog,
    OverrunDialog,
)
from maintui.tui.dialogs.incident import CloseIncidentDialog, OpenIncidentDialog, QuickActionDialog
from maintui.tui.dialogs.newrun import NewRunDialog
from maintui.tui.dialogs.plan import PlanDialog
from maintui.tui.dialogs.problems import ProblemsDialog
from maintui.tui.dialogs.quit import QuitDialog
from maintui.tui.dialogs.rollback import RollbackDialog
from maintui.tui.dialogs.takeover import TakeOverDialog
from maintui.tui.dialogs.text import ReasonDialog

SIZES = [(80, 24), (120, 40)]
IDS = ["80x24", "120x40"]
VACUUM = StepView(
    "vacuum", "Compact the database", "destructive",
    command="sqlite3 /srv/app/data/production/app.db 'VACUUM'",
    plan=["rewrite /srv/app/data/production/app.db (1.2 GB) in place; writes wait"],
    rollback="restore /srv/backups/app-20240601.db.gz",
    description="Reclaims the space deleted rows left; the app pauses writes meanwhile.",
    gate="typed", impact="writes pause for about a minute")
PLAN = [
    StepView("check-disk", "Check disk usage", "safe", command="df -h /srv",
             plan=["changes nothing (read-only check)"], gate="runs without asking"),
    VACUUM,
    StepView("review", "Review last month's alerts", "normal", manual=True,
             command="(a checklist item)", gate="one key"),
]

DIALOGS: dict[str, Callable[[], ModalScreen]] = {
    "confirm-normal": lambda: ConfirmDialog(StepView(
        "rotate-logs", "Rotate the application logs", "normal",
        command="logrotate -f /etc/logrotate.d/app", rollback="")),
    "confirm-destructive": lambda: ConfirmDialog(VACUUM),
    "confirm-critical": lambda: ConfirmDialog(StepView(
        "drop-cache", "Drop the page cache", "critical",
        command="sync; echo 3 > /proc/sys/vm/drop_caches",
        requires=[{"ok": True, "text": "maintenance mode is on"},
                  {"ok": False, "text": "no backup newer than 24 h"}])),
    "checklist": lambda: ChecklistDialog(StepView(
        "review", "Review last month's alerts", manual=True,
        description="Look through the alerts of the last month; note any to tune.")),
    "overrun": lambda: OverrunDialog("vacuum", "4m 10s", "1m 05s", "2m 30s"),
    "interrupted": lambda: InterruptedDialog(7, "vacuum", has_verify=True),
    "rollback": lambda: RollbackDialog(7, "failed", [
        ("vacuum", "restore /srv/backups/app-20240601.db.gz"),
        ("maintenance-on", "maintenance.notice stop")]),
    "takeover": lambda: TakeOverDialog(7, "driven by ops@db1 (pid 4242) since 12:00"),
    "new-run": lambda: NewRunDialog("monthly", 7, "failed", "Sat 02:00-06:00"),
    "reason": lambda: ReasonDialog("Skip vacuum: why?"),
    "quit": lambda: QuitDialog([7]),
    "plan": lambda: PlanDialog("Monthly maintenance", PLAN),
    "problems": lambda: ProblemsDialog((
        "/srv/maintui/screens/broken.toml:1:8: TOML syntax error: Expected ']]' at the end of "
        "an array declaration",
        "/srv/maintui/screens/badkey.toml:3:1: bogus_key: unknown key",
        "run log read-only, nothing can be recorded: /srv/maintui/state/runlog.db: disk is full")),
    "open-incident": OpenIncidentDialog,
    "close-incident": lambda: CloseIncidentDialog("INC-20240601-120000", "API answers 502"),
    "quick-action": lambda: QuickActionDialog(
        [("restart-app", "Restart the application", "normal"),
         ("failover", "Fail over to the standby database", "critical")],
        "INC-20240601-120000"),
    "choose-screen": lambda: ScreenChooserDialog(
        "Which triage screen?", [("triage", "Incident triage"),
                                 ("triage-db", "Database triage: locks, replication, disk")],
        "Enter opens it · Escape cancels"),
}


class DialogApp(App[None]):
    """A plain screen with one dialog on top, as the console opens it."""

    def __init__(self, dialog: ModalScreen) -> None:
        super().__init__()
        self.dialog = dialog

    def compose(self) -> ComposeResult:
        yield Static("the screen under the dialog")

    def on_mount(self) -> None:
        self.push_screen(self.dialog)


async def settle(pilot) -> None:
    await pilot.pause()
    await pilot.pause()  # the key line comes a frame after the dialog (mounted, then fitted)
    await pilot.wait_for_scheduled_animations()


@pytest.mark.parametrize("size", SIZES, ids=IDS)
@pytest.mark.parametrize("name", list(DIALOGS))
def test_dialog(snap_compare, name, size):
    assert snap_compare(DialogApp(DIALOGS[name]()), terminal_size=size, run_before=settle)


def footer_text(app: App) -> str:
    from maintui.tui.widgets.keybar import KeyBar

    bar = app.screen.query_one(KeyBar)
    return " ".join(f"{key.key_display} {key.description}" for key in bar.query("FooterKey"))


@pytest.mark.parametrize("name", list(DIALOGS))
async def test_every_dialog_shows_its_own_keys_at_80_columns(name):
    """Escape (or its dialog's answer to it) is in view; nothing of the screen beneath is."""
    app = DialogApp(DIALOGS[name]())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        shown = footer_text(app)
        assert "esc" in shown
        assert "^p" not in shown
        assert "Quit" not in shown or name == "quit"


@pytest.mark.parametrize(("name", "offered"), [("confirm-normal", True),
                                               ("confirm-destructive", False),
                                               ("confirm-critical", False)])
async def test_y_is_offered_only_where_it_confirms(name, offered):
    app = DialogApp(DIALOGS[name]())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert ("y Run" in footer_text(app)) is offered
        await pilot.press("y")
        await pilot.pause()
        assert (app.screen is not app.dialog) is offered  # y answered the dialog, or did nothing


async def test_letter_keys_leave_the_bar_while_a_text_field_has_focus():
    """The checklist's note field takes d, n and a as typing: the bar offers them only once the
    focus is on the buttons, where they pick; in the note it says what Enter and Tab do."""
    app = DialogApp(DIALOGS["checklist"]())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert footer_text(app) == "esc Not now ⏎ Done tab to Done"
        await pilot.press("n")
        assert app.screen.query_one("#note").value == "n"  # typed, not picked
        await pilot.press("tab")
        await settle(pilot)
        assert footer_text(app) == "esc Not now ⏎ Done tab to Not done d Done n Not done a N/A"


async def test_a_long_rollback_list_scrolls_and_leaves_the_reason_and_buttons_in_view():
    """A monthly run undoes 19 steps: at 80x24 the list scrolls, the Roll back button and the
    reason field stay on screen, and the border says how to confirm."""
    from textual.widgets import Button, Input

    undo = [(f"step-{n:02}", "nothing to run: this step has no undo, its change stays")
            for n in range(19)]
    app = DialogApp(RollbackDialog(2, "failed", undo))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen.region
        for widget in (app.screen.query_one("#rollback", Button),
                       app.screen.query_one("#reason", Input)):
            assert screen.contains_region(widget.region), widget
        assert "Enter" in str(app.screen.query_one(".dialog").border_subtitle)


async def test_a_reason_dialogs_hint_says_enter_confirms_not_saves():
    """It asks why a run is aborted or a step skipped: Enter does that, it does not "save"."""
    from textual.widgets import Label

    app = DialogApp(ReasonDialog("Abort the run: why? (the running step is stopped)"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        hint = str(app.screen.query_one(".hint", Label).render())
        assert hint == "Enter to confirm · Escape: not now, nothing changes"
