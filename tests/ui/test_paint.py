"""A sample's changed lines are written in the call that drew them (`tui.paint`), and the poll
takes a sample on its own thread only when the probe says nothing in it can block."""

from __future__ import annotations

import dataclasses
import threading

from maintui.core.probes.fake import fake_snapshot
from maintui.tui.paint import refresh_lines, together
from maintui.tui.widgets import ProcessTable, ResourceGauges
from tests.ui.conftest import settle


def watch_display(app) -> list:
    """The updates the app writes, noted as they are written."""
    written: list = []
    display = app._display

    def noted(screen, update):
        if update is not None:
            written.append(update)
        return display(screen, update)

    app._display = noted
    return written


async def test_a_sample_is_written_in_the_call_that_draws_it(build):
    app = build()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot=pilot)
        home, written = app.screen, watch_display(app)
        gauges, table = home.query_one(ResourceGauges), home.query_one(ProcessTable)
        procs = tuple(dataclasses.replace(p, cpu=p.cpu + 1) for p in fake_snapshot().processes)
        home.show_snapshot(fake_snapshot(cpu=91.0, cores=(91.0,) * 4, processes=procs))
        # written before returning: no prompt to the widgets, nothing left for Textual's timer
        assert len(written) == 1
        assert not gauges._repaint_required and not table._repaint_required
        assert not home._dirty_widgets
        await pilot.pause()
        assert len(written) == 1  # and not written again later
        assert "91%" in "".join(s.text for s in gauges.render_line(0))


async def test_a_refresh_outside_a_block_goes_textual_s_way(build):
    app = build()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot=pilot)
        gauges, written = app.screen.query_one(ResourceGauges), watch_display(app)
        from textual.geometry import Region

        refresh_lines(gauges, Region(0, 0, 5, 1))
        assert not written and gauges._repaint_required  # prompted, as `refresh` does
        await pilot.pause()
        await pilot.pause()
        assert written  # Textual's update timer wrote it


async def test_inside_the_start_up_batch_the_lines_are_left_to_textual(build):
    app = build()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot=pilot)
        home, written = app.screen, watch_display(app)
        with app.batch_update():
            with together(home):
                home.query_one(ResourceGauges).show(fake_snapshot(cpu=77.0), app.poller.history
                                                    .series)
            assert not written  # nothing is written inside a batch
            assert home.query_one(ResourceGauges)._repaint_required
        await pilot.pause()
        await pilot.pause()
        assert written and "77" in str(home.query_one(ResourceGauges).render_line(0).text)


class ThreadNoting:
    """A probe that says whether it may sample on the caller's thread, and notes where it did."""

    def __init__(self, quick: bool) -> None:
        self._quick, self.threads = quick, []

    def quick(self, processes: bool = True) -> bool:
        return self._quick

    def sample(self, processes: bool = True):
        self.threads.append(threading.current_thread())
        return fake_snapshot()

    def disk_usage(self, path: str):
        raise OSError(path)


async def test_a_quick_sample_is_taken_on_the_loop_s_thread_and_a_slow_one_in_a_worker(build):
    for quick in (True, False):
        probe = ThreadNoting(quick)
        app = build(probe=probe)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(app, polls=3, pilot=pilot)
        # the first sample is always taken in a thread (the probe is built there)
        on_main = [t is threading.main_thread() for t in probe.threads[1:]]
        assert on_main and all(on_main) == quick and any(on_main) == quick, (quick, on_main)
