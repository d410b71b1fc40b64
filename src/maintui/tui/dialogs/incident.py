"""Dialogs of incident triage: open an incident, close it with a summary, pick a quick action."""

from __future__ import annotations

from dataclasses import dataclass

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from maintui.core.incidents.model import MEANING, Severity
from maintui.tui import keys
from maintui.tui.dialogs.fields import settled
from maintui.tui.dialogs.pick import PickDialog
from maintui.tui.widgets.field import Field
from maintui.tui.widgets.field_problem import FieldProblem
from maintui.tui.widgets.keybar import KeyBar

DIALOG_CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{ width: 72; max-width: 100%; height: auto; max-height: 100%;
    border: thick $primary; background: $surface; padding: 0 1; }}
{name} .dialog--title {{ text-style: bold; margin-bottom: 1; width: 1fr; }}
{name} .hint {{ color: $text-muted; }}
"""


DEFAULT = Severity.SEV3


@dataclass(frozen=True)
class NewIncident:
    """What the operator typed to open an incident."""

    title: str
    severity: str


# Escape leaves things as they were: "not now", as in every dialog of the console
TITLE_HINT = "Tab: severity (1–4 or ↑↓) · Enter: open · Escape: not now"
LIST_HINT = "1–4 or ↑↓: severity · Enter: open · Tab: title · Escape: not now"


class OpenIncidentDialog(ModalScreen["NewIncident | None"]):
    """A title (what is wrong) and a severity (sev3 unless chosen); Enter opens it."""

    DEFAULT_CSS = DIALOG_CSS.format(name="OpenIncidentDialog") + """
    OpenIncidentDialog #severity { height: auto; margin-top: 1; }
    """
    BINDINGS = keys.for_screen("open_incident")

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Open an incident", classes="dialog--title")
            # back from the list (shift+Tab) to add words: typing must not replace the title
            yield Field(placeholder="what is wrong, e.g. API answers 502", id="incident-title",
                        select_on_focus=False)
            yield FieldProblem()  # said here, not in a toast that would outlive the dialog
            yield OptionList(*(Option(f"{n} {sev} — {MEANING[sev]}", id=str(sev))
                               for n, sev in enumerate(Severity, 1)),
                             id="severity", compact=True)
            yield Label(id="severity-said")
            yield Label(TITLE_HINT, id="incident-hint", classes="hint")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#severity", OptionList).highlighted = list(Severity).index(DEFAULT)
        self._say()
        self.query_one("#incident-title", Input).focus()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """The hint says what the focused part takes: in the title 1–4 are text."""
        on_list = isinstance(event.widget, OptionList)
        self.query_one("#incident-hint", Label).update(LIST_HINT if on_list else TITLE_HINT)
        self.refresh_bindings()  # the key line's Tab follows, and 1–4 show on the list

    @on(OptionList.OptionHighlighted, "#severity")
    def _say(self) -> None:
        """The chosen severity in words: a highlight alone is invisible without colour."""
        sev = self.severity()
        default = ", the default" if sev == DEFAULT else ""
        self.query_one("#severity-said", Label).update(
            f"Severity: {sev} ({MEANING[sev]}){default}")

    def severity(self) -> Severity:
        picked = self.query_one("#severity", OptionList).highlighted
        return list(Severity)[picked] if picked is not None else DEFAULT

    def action_severity(self, number: int) -> None:
        """1–4 pick sev1–sev4 (on the list: in the title they are text)."""
        self.query_one("#severity", OptionList).highlighted = number - 1

    @on(Input.Changed)
    def _typing(self) -> None:
        self.query_one(FieldProblem).clear()

    @on(Input.Submitted)  # Enter remapped away in [keys]
    @on(OptionList.OptionSelected, "#severity")  # a click on a severity
    async def _open(self) -> None:
        await self.action_submit()

    async def action_submit(self) -> None:
        """Enter in the title or on a severity (keys.SUBMIT, as it arrives) opens the incident."""
        await settled(self.focused)
        title = self.query_one("#incident-title", Input).value.strip()
        if not title:
            self.query_one(FieldProblem).say("an incident needs a title that says what is wrong")
            self.set_focus(self.query_one("#incident-title", Input))
            return
        self.dismiss(NewIncident(title, str(self.severity())))

    def key_description(self, action: str) -> str | None:
        """The key line in the hint's words: Enter opens, Tab goes to the other part."""
        if action == "submit":
            return "Open"  # Enter (keys.SUBMIT)
        if action == "app.focus_next":
            return "Title" if isinstance(self.focused, OptionList) else "Severity"
        return "Severity" if action.startswith("severity(") else None  # 1–4, on the list

    def action_cancel(self) -> None:
        self.dismiss(None)


class CloseIncidentDialog(ModalScreen["str | None"]):
    """The closing summary: what happened, what fixed it, what is left (required)."""

    DEFAULT_CSS = DIALOG_CSS.format(name="CloseIncidentDialog")
    BINDINGS = keys.for_screen("close_incident")

    def __init__(self, incident_id: str, title: str) -> None:
        super().__init__()
        self.incident_id, self.incident_title = incident_id, title

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Content(f"Close {self.incident_id}: {self.incident_title}"),
                        classes="dialog--title")
            yield Field(placeholder="summary: what happened, what fixed it, what is left")
            yield FieldProblem()
            yield Label("Enter: close and save the report · Escape: not now, it stays open",
                        classes="hint")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Changed)
    def _typing(self) -> None:
        self.query_one(FieldProblem).clear()

    @on(Input.Submitted)  # Enter remapped away in [keys]
    def _submitted(self, event: Input.Submitted) -> None:
        self._close(event.value)  # as it was at Enter, not with the keys behind it

    async def action_submit(self) -> None:
        """Enter (keys.SUBMIT, as it arrives): close with the summary, when there is one."""
        await settled(self.focused)
        self._close(self.query_one(Input).value)

    def _close(self, summary: str) -> None:
        if summary := summary.strip():
            self.dismiss(summary)
        else:
            self.query_one(FieldProblem).say("closing needs a summary: type it, then Enter")

    def key_description(self, action: str) -> str | None:
        return "Close it" if action == "submit" else None  # Enter (keys.SUBMIT), on the key line

    def action_cancel(self) -> None:
        self.dismiss(None)


class QuickActionDialog(PickDialog):
    """The triage screen file's quick actions; Enter picks one (its confirmation comes next)."""

    DEFAULT_CSS = DIALOG_CSS.format(name="QuickActionDialog") + """
    QuickActionDialog OptionList { height: auto; max-height: 14; }
    """
    BINDINGS = keys.for_screen("quick_action")

    def __init__(self, actions: list[tuple[str, str, str]], incident_id: str | None) -> None:
        super().__init__()
        self.actions = actions  # (step id, title, risk)
        self.incident_id = incident_id

    def compose(self) -> ComposeResult:
        where = f"recorded on {self.incident_id}" if self.incident_id else "no incident open"
        with Vertical():
            yield Label(Content(f"Quick actions · {where}"), classes="dialog--title")
            yield OptionList(*(Option(Content.assemble((f"{risk:<11}", "dim"), title), id=sid)
                               for sid, title, risk in self.actions))
            yield Label("Enter: run it (after its confirmation) · Escape: not now",
                        classes="hint")
        yield KeyBar()
