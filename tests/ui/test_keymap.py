"""`[keys]` in config.toml: remapped bindings, the vim preset, and clear errors for bad entries."""

from __future__ import annotations

import pytest

from maintui.core.errors import ConfigError
from maintui.core.site.config import load_config
from maintui.tui.app import make_app
from maintui.tui.keymap import build
from maintui.tui.navigation import SECTIONS
from maintui.tui.widgets import ScreenList
from tests.ui.conftest import settle


def with_keys(ui_site, text: str):
    with ui_site.config.open("a") as fh:
        fh.write(f"\n[keys]\n{text}\n")
    return load_config(ui_site.config)


def test_an_unknown_binding_is_a_config_error_naming_it_with_a_did_you_mean():
    with pytest.raises(ConfigError, match=r"'rows\.cursor_dwn'.*did you mean 'rows\.cursor_down'"):
        build({"rows.cursor_dwn": "j"}, SECTIONS)


def test_a_key_that_is_no_key_is_a_config_error_naming_the_entry():
    with pytest.raises(ConfigError, match=r"rows\.cursor_down = 'down,jay'.*'jay' is not a key"):
        build({"rows.cursor_down": "down,jay"}, SECTIONS)


def test_an_unknown_preset_names_the_known_ones():
    with pytest.raises(ConfigError, match="known: vim"):
        build({"preset": "emacs"}, SECTIONS)


def test_a_key_that_is_not_a_string_is_refused_when_the_config_loads(ui_site):
    with pytest.raises(ConfigError, match=r"keys\.app\.help: expected keys as a string"):
        with_keys(ui_site, '"app.help" = 5')


async def test_the_vim_preset_moves_in_lists_with_j_and_k_and_g_and_G(ui_site, clock, run_log):
    config = with_keys(ui_site, 'preset = "vim"\n"app.help" = "question_mark,f1"')
    app = make_app(config, clock=clock, store=run_log)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot=pilot)
        screens = app.screen.query_one(ScreenList)
        screens.focus()
        start = screens.cursor_row
        await pilot.press("j")
        assert screens.cursor_row == start + 1
        await pilot.press("k")
        assert screens.cursor_row == start
        await pilot.press("G")
        assert screens.cursor_row == screens.row_count - 1
        await pilot.press("g")
        assert screens.cursor_row == 0
        await pilot.press("f1")
        assert type(app.screen).__name__ == "HelpScreen"
