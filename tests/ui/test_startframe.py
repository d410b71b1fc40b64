"""The first frame after Textual's start-up batch is the whole screen, rendered once."""

from __future__ import annotations

from textual._compositor import LayoutUpdate

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
