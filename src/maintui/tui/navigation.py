"""Navigation between the console's sections, each loaded only when first opened.

Home is the app's default mode (`home`); Logs, Runs (history) and Triage are modes added on first
use, so their modules (and what they import) load after the first frame. Screens that
other parts of maintui provide are imported by name, and a clear notification replaces
them until they exist.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import on
from textual.app import App
from textual.screen import Screen

from maintui.tui.widgets import RecentRuns, ScreenList

if TYPE_CHECKING:
    from maintui.core.site.config import SiteConfig
    from maintui.tui.poller import Poller

HOME = "home"
SECTIONS = {"home": "Home", "logs": "Logs", "history": "Runs", "triage": "Triage"}


class Sections(App[int]):
    """The app's navigation: section switching, and opening screens, runs and logs."""

    config: SiteConfig
    poller: Poller

    def load_screen_class(self, module: str, name: str, title: str) -> type[Screen] | None:
        """`maintui.tui.screens.<module>.<name>`, or None after telling the operator why not."""
        try:
            return getattr(importlib.import_module(f"maintui.tui.screens.{module}"), name)
        except ModuleNotFoundError as exc:
            if exc.name != f"maintui.tui.screens.{module}":
                raise
            self.notify(f"{title} is not available in this version yet.",
                        title=title, severity="warning")
        except (ImportError, AttributeError) as exc:
            self.notify(f"{title} could not be loaded: {exc}", title=title,
                        severity="error")
        return None

    def _section_factory(self, section: str) -> Callable[[], Screen] | None:
        config, poller = self.config, self.poller
        if section == "logs":
            cls = self.load_screen_class("logs", "LogsScreen", "Logs")
            return cls and (lambda: cls(config.logs))
        if section == "history":
            cls = self.load_screen_class("runs", "HistoryScreen", "Run history")
            return cls and (lambda: cls(config, poller.store))
        cls = self.load_screen_class("triage", "TriageScreen", "Triage")
        return cls and (lambda: cls(config, poller))

    def action_section(self, section: str) -> None:
        """Switch to a section, creating it on first use."""
        mode = section
        if mode == self.current_mode:
            # from a session or a run opened on top of the section: back to the section itself
            # (a dialog keeps its keys; its own buttons or Escape close it)
            from textual.screen import ModalScreen

            while len(self.screen_stack) > 1 and not isinstance(self.screen, ModalScreen):
                self.pop_screen()
            return
        if mode not in self._modes:
            factory = self._section_factory(section)
            if factory is None:
                return
            self.add_mode(mode, factory)
        self.switch_mode(mode)

    def section_enabled(self, section: str) -> bool | None:
        """None (shown dimmed) for the section the operator is on; a screen opened on top of it
        (a session, a run) goes back to it."""
        return None if section == self.current_mode and len(self.screen_stack) <= 1 else True

    def action_open_screen(self, name: str) -> None:
        """Open one of the site's screens (a session) on top of Home."""
        if not any(s.name == name for s in self.poller.catalog.screens):
            self.notify(f"No usable screen named {name!r}", severity="error")
            return
        cls = self.load_screen_class("session", "SessionScreen", "Sessions")
        if cls is not None:
            self.action_section("home")
            self.push_screen(cls(self.config, name, store=self.poller.store))

    def action_open_run(self, run_id: int) -> None:
        """Open a past run: its steps, outcomes and output."""
        cls = self.load_screen_class("run_detail", "RunDetailScreen", "Run details")
        if cls is not None:
            self.push_screen(cls(self.config, run_id, self.poller.store))

    async def attach_run(self, run_id: int, *, quiet: bool = False) -> None:
        """Open the session of a run (the newest live one when `run_id` < 0), as `maintui attach`;
        `quiet` (on start-up) says nothing when no run is live."""
        store = await self.poller.open_store()
        if store is None:
            return
        runs = await store.live_runs() if run_id < 0 else [await store.run(run_id)]
        run = runs[-1] if runs else None
        if run is None:
            if quiet:
                return
            self.notify("No live run to attach to" if run_id < 0 else f"No run #{run_id}",
                        severity="warning")
            return
        cls = self.load_screen_class("session", "SessionScreen", "Sessions")
        if cls is not None:
            self.push_screen(cls(self.config, run.screen, run_id=run.id, store=store))

    def open_log(self, name: str) -> None:
        """Follow one of the site's logs."""
        cls = self.load_screen_class("logs", "LogsScreen", "Logs")
        if cls is not None and name in self.config.logs:
            self.push_screen(cls({name: self.config.logs[name]}))

    @on(ScreenList.ScreenSelected)
    def _screen_selected(self, event: ScreenList.ScreenSelected) -> None:
        self.action_open_screen(event.screen_name)

    @on(RecentRuns.RunSelected)
    def _run_selected(self, event: RecentRuns.RunSelected) -> None:
        self.action_open_run(event.run_id)
