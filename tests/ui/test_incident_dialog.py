"""The open-incident dialog: the default severity said in words, and 1–4 to pick one."""

from __future__ import annotations

from textual.app import App

from maintui.tui.dialogs.incident import NewIncident, OpenIncidentDialog


class Host(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.result: NewIncident | None = None

    def on_mount(self) -> None:
        self.push_screen(OpenIncidentDialog(), self._done)

    def _done(self, result: NewIncident | None) -> None:
        self.result = result


def said(app: Host) -> str:
    return str(app.screen.query_one("#severity-said").render())


async def test_the_default_severity_is_said_in_text_and_used_by_enter():
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        assert "Severity: sev3 (medium: impaired), the default" in said(app)
        await pilot.press(*"API down", "enter")
        await pilot.pause()
    assert app.result == NewIncident("API down", "sev3")


async def test_1_to_4_on_the_severity_list_pick_one_and_the_text_follows():
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"API down", "tab", "1")
        assert "Severity: sev1 (critical: outage)" in said(app)
        await pilot.press("4")
        assert "sev4" in said(app)
        await pilot.press("2", "enter")
        await pilot.pause()
    assert app.result == NewIncident("API down", "sev2")


async def test_the_hint_says_which_part_has_the_keys():
    """In the title 1–4 are text; on the list they pick a severity: the hint follows the focus."""
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        def hint() -> str:
            return str(app.screen.query_one("#incident-hint").render())
        await pilot.pause()
        assert hint().startswith("Tab: severity")
        await pilot.press("tab")
        assert hint().startswith("1–4 or ↑↓: severity")
        await pilot.press("shift+tab")
        assert hint().startswith("Tab: severity")


async def burst(app: App, *keys: str) -> None:
    """The keys queued at once, as a laggy link or a paste delivers them: none waits for the
    one before it to be handled (pilot.press would)."""
    from textual import events

    for key in keys:
        app.post_message(events.Key(key, key if len(key) == 1 else None))


async def test_tab_then_a_severity_key_in_one_burst_picks_the_severity_not_title_text():
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"payments 502")
        await burst(app, "tab", "2")
        await pilot.pause()
        assert app.screen.query_one("#incident-title").value == "payments 502"
        assert "Severity: sev2" in said(app)
        await burst(app, "shift+tab", "x")  # and back: the key adds to the title
        await pilot.pause()
        assert app.screen.query_one("#incident-title").value == "payments 502x"
        assert "Severity: sev2" in said(app)


def keys_shown(app: App) -> str:
    bar = app.screen.query_one("KeyBar")
    return " · ".join(f"{k.key_display} {k.description}" for k in bar.query("FooterKey"))


async def test_the_key_line_says_what_the_hint_says_tab_and_1_to_4_on_the_list():
    """The key line said `tab Next field` where the hint said `Tab: title`, never 1–4, and
    `esc Cancel` where the other dialogs say Not now."""
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        shown = keys_shown(app)
        assert "tab Severity" in shown and "Not now" in shown and "1–4" not in shown
        assert "Cancel" not in shown and "Next field" not in shown
        await pilot.press("tab")
        await pilot.pause()
        shown = keys_shown(app)
        assert "tab Title" in shown and "1–4 Severity" in shown and "Not now" in shown
        assert "Escape: not now" in str(app.screen.query_one("#incident-hint").render())


async def test_the_dialogs_text_fields_have_a_box_like_the_other_dialogs():
    from maintui.tui.dialogs.incident import CloseIncidentDialog
    from maintui.tui.dialogs.text import ReasonDialog
    from maintui.tui.widgets.field import Field

    for dialog in (OpenIncidentDialog(), CloseIncidentDialog("INC-1", "API down"),
                   ReasonDialog("why?")):
        app = App()
        async with app.run_test(size=(80, 24)) as pilot:
            await app.push_screen(dialog)
            await pilot.pause()
            field = dialog.query_one(Field)
            assert field.outer_size.height == 3, type(dialog).__name__  # a border round it


async def test_an_empty_enter_in_the_close_dialog_says_a_summary_is_needed():
    from maintui.tui.dialogs.incident import CloseIncidentDialog
    from maintui.tui.widgets.field_problem import FieldProblem

    results: list[str | None] = []
    app = App()
    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(CloseIncidentDialog("INC-1", "API down"), results.append)
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        problem = app.screen.query_one(FieldProblem)
        assert problem.text == "closing needs a summary: type it, then Enter"
        assert problem.region.height == 1 and results == []  # shown, in the dialog, still open
        assert "Escape: not now" in str(app.screen.query_one(".hint").render())
