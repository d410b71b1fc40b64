"""The app's wiring: sections, help, palette, quitting, small terminals, polling, attach."""

from __future__ import annotations

import gc
import sys
import types

import pytest
from textual.screen import Screen
from textual.widgets._footer import FooterKey

from maintui.core.errors import ConfigError
from maintui.core.probes.fake import FakeProbe
from maintui.core.store.rows import RunRow
from maintui.tui.app import MaintuiApp
from maintui.tui.commands import MaintuiCommands
from maintui.tui.poller import GC_YOUNG
from maintui.tui.screens.help import HelpScreen
from maintui.tui.screens.home import HomeScreen
from maintui.tui.screens.too_small import TooSmallScreen
from tests.ui.conftest import settle


class Opened(Screen):
    """Stands in for a screen another module provides; remembers how it was built."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__()
        self.args, self.kwargs = args, kwargs


@pytest.fixture
def provide(monkeypatch):
    """`provide("logs", "LogsScreen")` makes `maintui.tui.screens.logs.LogsScreen` the Opened stand-in."""
    def install(module: str, name: str) -> None:
        fake = types.ModuleType(f"maintui.tui.screens.{module}")
        setattr(fake, name, Opened)
        monkeypatch.setitem(sys.modules, f"maintui.tui.screens.{module}", fake)

    return install


def messages(app: MaintuiApp) -> list[str]:
    return [n.message for n in app._notifications]


async def test_the_app_opens_on_the_home_dashboard(build):
    app = build()
    async with app.run_test(size=(80, 24)):
        assert isinstance(app.screen, HomeScreen)
        assert not app.has_class("-production")


async def test_a_production_site_gets_the_production_skin(build, ui_site):
    ui_site.config.write_text(ui_site.config.read_text().replace('name = "test"',
                                                                 'name = "test"\nproduction = true'))
    app = build()
    async with app.run_test(size=(80, 24)):
        assert app.has_class("-production")
        assert "PRODUCTION" in app.sub_title


def test_an_unknown_theme_is_refused_with_the_names_of_the_known_ones(build):
    with pytest.raises(ConfigError, match="textual-dark"):
        build(theme="no-such-theme")


def test_a_known_theme_is_applied(build):
    assert build(theme="textual-light").theme == "textual-light"


async def test_question_mark_lists_global_and_screen_keys_and_closes_again(build):
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        rows = {(key, where) for where, keys in app.screen.groups for key, _ in keys}
        assert {("?", "Everywhere"), ("l", "Everywhere"), ("/", "View"),
                ("1–9", "View")} <= rows
        await pilot.press("question_mark")
        assert isinstance(app.screen, HomeScreen)


async def test_help_names_the_screen_in_words_its_own_keys_first_then_global_then_more(build):
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        help_screen = app.screen
        assert help_screen.query_one("#help").border_title == "Help · Home: the dashboard"
        headings = [heading for heading, _ in help_screen.groups]
        assert headings[0] == "View" and headings[-1] == "Everywhere"
        assert "docs/console.md" in str(help_screen.query_one("#help-keys").render())


async def test_help_says_keys_in_words_without_textuals_defaults_and_end_reaches_the_end(build):
    """Review: the help listed footer labels (`c CPU`), Textual's own keys (`super+c`, Scroll
    Left/Right) and End did not scroll it."""
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot=pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        help_screen = app.screen
        rows = {key: does for _, keys in help_screen.groups for key, does in keys}
        assert rows["c"] == "Sort processes by CPU" and rows["m"] == "Sort processes by memory"
        assert rows["Ctrl+P"].startswith("Commands") and rows["?"].startswith("This help")
        assert "h" not in rows  # the section you are on: it would do nothing
        words = " ".join(rows.values()) + " ".join(rows)
        assert "Scroll Left" not in words and "super" not in words and "Copy" not in words
        box = help_screen.query_one("#help")
        assert app.focused is box and box.max_scroll_y > 0
        await pilot.press("end")
        await pilot.pause()
        assert box.scroll_y == box.max_scroll_y


def test_a_long_description_in_the_help_goes_on_under_itself_not_under_its_key():
    """Review: a description longer than the box wrapped to column 0, under the keys."""
    from maintui.tui.screens.help import TEXT_WIDTH, help_text

    does = "The run in its session: its hosts (R retries one), watch or take it over " * 2
    lines = help_text([("Run", [("s", does), ("Ctrl+P", "Commands")])]).plain.splitlines()
    at = lines.index(next(line for line in lines if line.startswith("  s ")))
    block = lines[at:at + 3]
    start = block[0].index("The run")
    assert all(len(line) <= TEXT_WIDTH for line in block)
    assert all(line[:start].isspace() and line[start] != " " for line in block[1:])
    assert " ".join(line.strip() for line in block).removeprefix("s ").split() == does.split()


def test_a_session_is_named_by_its_screen_file_in_the_help():
    from maintui.tui.screens.help import screen_words

    class SessionScreen:  # only the name and attributes matter
        screen_name, run_id = "monthly", None

    assert screen_words(SessionScreen()) == "Guided session: monthly"  # type: ignore[arg-type]


async def test_a_section_that_is_not_installed_says_so_and_stays_home(build, monkeypatch):
    monkeypatch.setitem(sys.modules, "maintui.tui.screens.logs", None)  # import fails: not there
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("l")
        assert isinstance(app.screen, HomeScreen)
        assert any("not available" in m for m in messages(app))


async def test_a_section_whose_screen_is_missing_says_it_could_not_be_loaded(build, monkeypatch):
    monkeypatch.setitem(sys.modules, "maintui.tui.screens.runs",
                        types.ModuleType("maintui.tui.screens.runs"))  # no HistoryScreen in it
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("r")
        assert isinstance(app.screen, HomeScreen)
        assert any(m.startswith("Run history could not be loaded") for m in messages(app))


async def test_l_opens_the_logs_section_with_the_sites_logs_and_h_returns(build, provide, ui_site):
    provide("logs", "LogsScreen")
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("l")
        assert isinstance(app.screen, Opened)
        assert app.screen.args == ({"app": ui_site.root / "app.log"},)
        await pilot.press("h")
        assert isinstance(app.screen, HomeScreen)


async def test_the_key_of_the_current_section_is_not_shown(build):
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.check_action("section", ("home",)) is False
        assert app.check_action("section", ("logs",)) is True
        await pilot.pause()
        footer = [k.description for k in app.screen.query(FooterKey)]
        assert "Home" not in footer and "Logs" in footer


async def test_a_number_key_opens_that_screen_as_a_session(build, provide):
    provide("session", "SessionScreen")
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot=pilot)
        await pilot.press("2")  # screens are listed by name: daily, monthly, triage, weekly
        assert isinstance(app.screen, Opened)
        assert app.screen.args[1] == "monthly"
        assert app.check_action("section", ("home",)) is True  # h leads back from the session
        await pilot.press("h")
        await settle(app, pilot=pilot)
        assert not isinstance(app.screen, Opened) and app.current_mode == "home"
        assert app.check_action("section", ("home",)) is False


async def test_h_from_another_section_shows_the_dashboard_not_the_session_left_on_home(
        build, provide):
    """The key named Home goes to the dashboard (k9s, lazygit): not first to the session left
    open there, with a second h for the dashboard."""
    provide("session", "SessionScreen")
    provide("logs", "LogsScreen")
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot=pilot)
        await pilot.press("2")
        assert isinstance(app.screen, Opened) and app.screen.args[1] == "monthly"
        await pilot.press("l")
        assert isinstance(app.screen, Opened) and app.current_mode == "logs"
        await pilot.press("h")
        await settle(app, pilot=pilot)
        assert isinstance(app.screen, HomeScreen) and app.current_mode == "home"
        assert app.check_action("section", ("home",)) is False


async def test_enter_on_a_run_opens_its_details(build, provide):
    provide("run_detail", "RunDetailScreen")
    app = build()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot=pilot)
        app.screen.query_one("#runs").focus()
        await pilot.press("enter")
        assert isinstance(app.screen, Opened)
        assert app.screen.args[1] == 3  # the newest run is first


async def test_the_screen_list_cursor_follows_keys_and_clicks_and_enter_opens(build, provide):
    provide("session", "SessionScreen")
    app = build()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot=pilot)
        screens = app.screen.query_one("#screens")
        assert app.focused is screens and screens.selected_key == "daily"
        await pilot.press("down", "down", "up")
        assert screens.selected_key == "monthly"
        await pilot.press("end")
        assert screens.selected_key == "weekly"
        await pilot.click(screens, offset=(3, 2))  # border, header, then the first row
        assert screens.selected_key == "daily" and app.screen.query_one("#screens") is screens
        await pilot.click(screens, offset=(3, 2))  # a click on the highlighted row opens it
        assert isinstance(app.screen, Opened) and app.screen.args[1] == "daily"
        app.pop_screen()
        await pilot.pause()
        await pilot.press("down", "enter")
        assert isinstance(app.screen, Opened) and app.screen.args[1] == "monthly"


async def test_attach_opens_the_newest_live_run(build, provide, run_log, clock):
    provide("session", "SessionScreen")
    run_log.live = [RunRow(9, "weekly", "Weekly", "waiting", clock.now(), None, "ops", "db1")]
    app = build(attach=-1)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, Opened)
        assert app.screen.args[1:] == ("weekly",) and app.screen.kwargs["run_id"] == 9


async def test_the_palette_offers_screens_logs_and_runs(build):
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot=pilot)
        texts = [c.text for c in MaintuiCommands(app.screen).commands()]
        assert "Open screen: daily (Daily health checks)" in texts
        assert "Jump to log: app" in texts
        assert "Find run #2: weekly failed" in texts
        assert [t for t in texts if t.startswith("Go to ")] == [
            "Go to Home", "Go to Logs", "Go to Runs", "Go to Triage"]


async def test_the_palette_says_when_a_screen_is_due_in_the_dashboards_words(build, run_log,
                                                                            clock):
    """`never` in the due state means never succeeded: a screen whose only run failed is
    not "never" run, it is due now."""
    run_log.rows.append(RunRow(4, "monthly", "Monthly", "failed", clock.now() - 600,
                               clock.now() - 500, "ops", "db1"))
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot=pilot)
        helps = {c.text.split(" (")[0]: c.help for c in MaintuiCommands(app.screen).commands()}
        assert helps["Open screen: monthly"] == "start a session: monthly, due now (never succeeded)"
        assert helps["Open screen: daily"] == "start a session: daily, next due in 22h"
        assert helps["Open screen: weekly"].startswith("start a session: weekly, due ")


async def test_the_palette_offers_real_commands_maintenance_and_themes(build, ui_site):
    ui_site.screen("change", 'title = "Change"\n\n[[steps]]\nid = "maint-on"\ntitle = "On"\n'
                   'action = "maintenance.mode"\nwith = { state = "on" }\n')
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot=pilot)
        commands = {c.text: c for c in MaintuiCommands(app.screen).commands()}
        assert "Maintenance mode on (change: maint-on)" in commands
        assert "Switch theme: textual-light" in commands
        assert f"Switch theme: {app.theme}" not in commands
        commands["Switch theme: textual-light"].run()
        assert app.theme == "textual-light"


async def test_quitting_while_driving_says_how_to_come_back_with_this_sites_config(build,
                                                                                   ui_site):
    """Started with --config, the way back (`maintui attach N`) needs the same --config: in
    another folder a bare `maintui` finds another site, or none."""
    from maintui.tui.dialogs.quit import QuitDialog

    app = build()
    app.driven_runs = lambda: [7]  # type: ignore[method-assign]  # a run this console drives
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot=pilot)
        assert app.confirm_quit() is False
        await pilot.pause()
        assert isinstance(app.screen, QuitDialog)
        said = str(app.screen.query_one("#quit-how").render())
        assert f"maintui --config {ui_site.config} attach 7" in " ".join(said.split())


async def test_the_chosen_theme_is_remembered_for_the_next_start(build, tmp_path):
    prefs = tmp_path / "state" / "console.json"
    app = build(prefs=prefs)
    async with app.run_test(size=(80, 24)) as pilot:
        app.switch_theme("nord")
        await pilot.pause()
    assert build(prefs=prefs).theme == "nord"
    assert build(prefs=prefs, theme="textual-light").theme == "textual-light"  # the flag wins


async def test_a_too_small_terminal_says_so_until_it_is_enlarged(build):
    app = build()
    async with app.run_test(size=(60, 20)) as pilot:
        assert isinstance(app.screen, TooSmallScreen)
        assert "60x20" in str(app.screen.query_one("#too-small").render())
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_ctrl_q_quits_only_when_confirm_quit_allows_it(build):
    app = build()
    app.confirm_quit = lambda: False
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+q")
        assert app.is_running
        app.confirm_quit = lambda: True
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.return_code == 0


async def test_polling_pauses_while_another_screen_covers_home(build):
    probe = FakeProbe()
    app = build(probe=probe)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.poller.polled.wait()
        app.push_screen(Screen())
        await pilot.pause()
        before = probe.calls
        await pilot.wait_for_scheduled_animations()
        await pilot.pause(1.5)
        assert probe.calls == before


async def test_a_failing_probe_is_reported_and_polling_goes_on(build):
    class Broken:
        calls = 0

        def sample(self):
            self.calls += 1
            raise OSError("no /proc")

    probe = Broken()
    app = build(probe=probe)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(1.8)  # past one interval (1.5 s)
        assert any("no /proc" in m for m in messages(app))
        assert probe.calls >= 2


async def test_a_run_log_the_app_opened_is_closed_at_exit(build, ui_site):
    app = build(store=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot=pilot)
        store = app.poller.store
        assert store is not None and (ui_site.db).exists()
    assert app.poller.store is None
    assert store.db._connection is None  # aiosqlite's connection is gone


async def test_what_the_first_poll_leaves_is_kept_out_of_full_collections_until_exit(build):
    """Full cycle collections walked the whole startup heap (~25-35 ms, about once a minute
    on an idle dashboard); after the first poll it is frozen, and closing gives it back."""
    app = build()
    before = gc.get_threshold()
    async with app.run_test(size=(80, 24)) as pilot:
        await app.poller.polled.wait()  # the poller's own first poll, then the freeze
        await pilot.pause()
        assert gc.get_freeze_count() > 0
        # young collections less often: a sample's short-lived strips no longer trigger them
        assert gc.get_threshold() == (max(before[0], GC_YOUNG), *before[1:])
    assert gc.get_freeze_count() == 0
    assert gc.get_threshold() == before


def test_the_key_line_keeps_the_way_back_and_help_first_and_drops_whole_keys_that_do_not_fit():
    from maintui.tui.widgets.keybar import fit

    def key(k: str, words: str) -> tuple[str, str, str, str, bool, str]:
        return (k, k, words, words, True, "")

    ranked = [(3, key("h", "Home")), (2, key("c", "CPU")), (4, key("^q", "Quit")),
              (1, key("?", "Help")), (0, key("esc", "Back")), (2, key("/", "Filter"))]
    assert [s[0] for s in fit(ranked, 80)] == ["esc", "?", "c", "/", "h", "^q"]
    assert [s[0] for s in fit(ranked, 24)] == ["esc", "?", "c"]  # 9+7+6; "/ Filter" would not fit


def test_numbered_keys_are_one_help_row():
    from maintui.tui.screens.help import numbered

    rows = [("/", "Filter"), *((str(n), f"Open screen {n}") for n in range(1, 10))]
    assert numbered(rows) == [("/", "Filter"), ("1–9", "Open screen by number")]
