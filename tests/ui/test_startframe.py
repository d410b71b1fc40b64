"""The first frame after Textual's start-up batch is the whole screen, rendered once."""

from __future__ import annotations

from textual._compositor import LayoutUpdate
from textual.app import App
from textual.css.stylesheet import Stylesheet
from textual.screen import Screen
from textual.widgets import Static

from maintui.tui import startframe
from tests.ui.conftest import settle


async def test_nothing_is_rendered_in_the_start_up_batch_and_the_first_update_is_whole(build):
    app = build()
    updates: list[tuple[int, object]] = []
    display = type(app)._display

    def watched(self, screen, update) -> None:
        if update is not None and screen is self.screen:
            updates.append((self._batch_count, update))
        display(self, screen, update)

    type(app)._display = watched
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(app, pilot=pilot)
    finally:
        type(app)._display = display
    assert updates, "nothing was drawn"
    assert all(batch == 0 for batch, _ in updates)  # none rendered only to be dropped
    first = updates[0][1]
    assert isinstance(first, LayoutUpdate)
    assert (first.region.width, first.region.height) == (80, 24)


class Scoped(Static):
    """A widget class whose CSS (scoped to it, as Textual's default) comes with its first mount."""

    DEFAULT_CSS = "Scoped { color: red; }"


class Unscoped(Static):
    """A widget class whose CSS reaches beyond it: nodes styled before it came must restyle."""

    SCOPED_CSS = False
    DEFAULT_CSS = "#early { text-style: bold; }"


class Composing(Screen):
    def __init__(self, late: type[Static]) -> None:
        super().__init__()
        self.late = late

    def compose(self):
        yield Static("early", id="early")
        yield self.late("late")


class Pushing(App):
    def __init__(self, late: type[Static]) -> None:
        super().__init__()
        self.late = late

    def on_mount(self) -> None:
        self.push_screen(Composing(self.late))


async def test_a_screen_s_first_resume_restyles_only_when_css_added_meanwhile_can_matter():
    startframe.install()
    for late, restyled in ((Scoped, False), (Unscoped, True)):
        app, updates = Pushing(late), []
        update_nodes = Stylesheet.update_nodes

        def noted(self, nodes, animate=False, _notes=updates, _update=update_nodes):
            nodes = list(nodes)
            _notes.append([type(n).__name__ for n in nodes])
            return _update(self, nodes, animate=animate)

        Stylesheet.update_nodes = noted
        try:
            async with app.run_test(size=(40, 10)) as pilot:
                await pilot.pause()
                early = app.screen.query_one("#early")
                # whichever way, every node has the style its rules give it
                assert bool(early.styles.text_style.bold) == restyled
                assert app.screen.query_one(late).styles.color.rgb == (255, 0, 0) or not \
                    issubclass(late, Scoped)
        finally:
            Stylesheet.update_nodes = update_nodes
        whole = [names for names in updates if names[:1] == ["Composing"] and "Static" in names]
        assert bool(whole) == restyled, (late.__name__, updates)
