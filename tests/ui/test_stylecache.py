"""CSS parsed once across Textual's reparse, and the rules are the ones Textual itself parses."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.app import App
from textual.css import stylesheet as textual_stylesheet
from textual.css.stylesheet import Stylesheet

from maintui.tui import stylecache
from maintui.tui.screens.home import HomeScreen
from maintui.tui.widgets import ProcessTable, ResourceGauges, ScreenList

SITE_CSS = Path(__file__).resolve().parents[2] / "styles" / "maintui.tcss"


def sources() -> list[tuple[str, tuple[str, str], bool]]:
    """The site's stylesheet and the DEFAULT_CSS of Textual's app and of Home's classes."""
    found = [(SITE_CSS.read_text(), (str(SITE_CSS), ""), False)]
    for cls in (App, HomeScreen, ProcessTable, ResourceGauges, ScreenList):
        found.append((cls.DEFAULT_CSS, ("test", f"{cls.__name__}.DEFAULT_CSS"), True))
    return found


def filled(variables: dict[str, str]) -> Stylesheet:
    sheet = Stylesheet(variables=variables)
    for css, read_from, default in sources():
        sheet.add_source(css, read_from=read_from, is_default_css=default)
    return sheet


def textuals_own(variables: dict[str, str]) -> list[tuple]:
    """What Textual's own `_parse_rules` makes of every source, in order."""
    sheet = Stylesheet(variables=variables)
    rules = [rule for css, read_from, default in sources()
             for rule in stylecache._textual_parse_rules(sheet, css, read_from, default)]
    return described(rules)


def described(rules: list) -> list[tuple]:
    return [(rule.css, rule.is_default_rules, rule.tie_breaker, sorted(rule.selector_names))
            for rule in rules]


def theme_variables(theme: str) -> dict[str, str]:
    app = App()
    app.theme = theme
    return app.get_css_variables()


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Every source Textual really parses (not answered from a cache)."""
    seen: list[tuple[str, str]] = []
    parse = textual_stylesheet.parse

    def counted(scope, css, read_from, **kwargs):
        seen.append(read_from)
        return parse(scope, css, read_from, **kwargs)

    monkeypatch.setattr(textual_stylesheet, "parse", counted)
    assert stylecache.install()
    return seen


def test_the_rules_are_textuals_own_for_each_theme(parses):
    dark, light = theme_variables("textual-dark"), theme_variables("textual-light")
    sheet = filled(dark)
    sheet.parse()
    assert described(sheet.rules) == textuals_own(dark)
    # a theme change (what App.refresh_css does): the other theme's colours, none kept
    sheet.set_variables(light)
    sheet.reparse()
    assert described(sheet.rules) == textuals_own(light) != textuals_own(dark)


def test_after_a_reparse_each_source_is_parsed_once_not_twice(parses):
    variables = theme_variables("nord")
    sheet = filled(variables)
    sheet.set_variables(variables)  # App.refresh_css at start-up: same colours, caches emptied
    sheet.reparse()
    sheet.add_source("Label { color: red; }", read_from=("test", "late"), is_default_css=True)
    sheet.parse()  # a class's DEFAULT_CSS came: Textual parsed every source again here
    assert sorted(parses) == sorted([read_from for _, read_from, _ in sources()]
                                    + [("test", "late")])
    assert described(sheet.rules)[:-1] == textuals_own(variables)
    assert described(sheet.rules)[-1][3] == ["Label"]


def test_a_broken_source_still_raises_textuals_error_at_every_parse():
    assert stylecache.install()
    sheet = Stylesheet(variables=theme_variables("textual-dark"))
    sheet.add_source("Label { color: nocolour; }", read_from=("test", "bad"))
    for _ in range(2):  # both times: the error is Textual's and nothing hides it
        with pytest.raises(textual_stylesheet.StylesheetParseError):
            sheet.parse()
        sheet._invalid_css.clear()
