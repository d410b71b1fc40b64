"""Navigation: the SECTIONS table (key, mode, title, screen), and opening screens, runs and logs.

Home is the app's default mode; Logs, Runs and Triage are modes added on first use, so their
modules (and what they import) load after the first frame. Triage works on a screen file of
`kind = "triage"`: the only one, or the one the operator picks from a chooser. Every screen
is named as "module:Class" under `maintui.tui.screens` and imported when first opened; a
clear notification stands in for one that is missing or broken.
"""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

from textual.app import App
from textual.screen import ModalScreen, Screen

if TYPE_CHECKING:
    from maintui.core.site.config import SiteConfig
    from maintui.core.site.listing import ScreenEntry, StepEntry
    from maintui.tui.models.board import Board
    from maintui.tui.poller import Poller
    from maintui.tui.widgets import RecentRuns, ScreenList

SCREENS = "maintui.tui.screens"


class Section(NamedTuple):
    """One row of the section table: its key, mode, title, screen and how to build it."""

    key: str
    mode: str
    title: str  # the footer's and the palette's word for it
    screen: str  # "module:Class" under maintui.tui.screens
    build: Callable[[type[Screen], Sections], Screen]
    name: str = ""  # what a notification calls it, when not its title
    kind: str = ""  # the screen-file kind it works on (the operator picks one of several)

    @property
    def label(self) -> str:
        return self.name or self.title


HOME = "home"
SECTIONS: tuple[Section, ...] = (
    Section("h", HOME, "Home", "home:HomeScreen", lambda cls, app: cls(app.config, app.poller)),
    Section("l", "logs", "Logs", "logs:LogsScreen", lambda cls, app: cls(app.config.logs,
                                                         formats=app.config.log_formats)),
    Section("r", "history", "Runs", "runs:HistoryScreen",
            lambda cls, app: cls(app.config, app.poller.store), name="Run history"),
    Section("t", "triage", "Triage", "triage:TriageScreen",
            lambda cls, app: cls(app.config, app.poller, app.chosen.get("triage")),
            kind="triage"),
)
BY_MODE = {section.mode: section for section in SECTIONS}


class Sections(App[int]):
    """The app's navigation: section switching, and opening screens, runs and logs."""

    config: SiteConfig
    poller: Poller

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.chosen: dict[str, str | None] = {}  # section mode -> its screen file (Section.kind)

    @property
    def board(self) -> Board:
        """What the dashboard shows: the site's screens and the latest runs."""
        return self.poller.board

    def load_screen(self, screen: str, title: str) -> type[Screen] | None:
        """The class named "module:Class" under maintui.tui.screens, imported on first use;
        None after telling the operator why it is not there."""
        module, name = screen.split(":")
        path = f"{SCREENS}.{module}"
        try:
            return getattr(importlib.import_module(path), name)
        except ModuleNotFoundError as exc:
            if exc.name != path:
                raise
            self.notify(f"{title} is not available in this version yet.",
                        title=title, severity="warning")
        except (ImportError, AttributeError) as exc:
            self.notify(f"{title} could not be loaded: {exc}", title=title,
                        severity="error")
        return None

    def add_section(self, section: Section) -> bool:
        """Add the section's mode, its screen imported now; False after saying why it cannot be."""
        cls = self.load_screen(section.screen, section.label)
        if cls is not None:
            self.add_mode(section.mode, lambda: section.build(cls, self))
        return cls is not None

    def action_section(self, mode: str) -> None:
        """Switch to a section, creating it on first use."""
        if mode == self.current_mode:
            self._to_section_itself()
            return
        section = BY_MODE[mode]
        if mode in self._modes:
            self.switch_mode(mode)
            # the key named Home shows the dashboard, not the session left open on it (as in
            # k9s or lazygit); that session's run goes on, and its screen on Home rejoins it
            self._to_section_itself()
        elif section.kind:  # which screen file it works on: asked first when there are several
            self.run_worker(self._open_choosing(section), name=f"open {mode}",
                            exit_on_error=False)
        elif self.add_section(section):
            self.switch_mode(mode)

    def _to_section_itself(self) -> None:
        """From a session or a run opened on top of the section: back to the section itself
        (a dialog keeps its keys; its own buttons or Escape close it)."""
        while len(self.screen_stack) > 1 and not isinstance(self.screen, ModalScreen):
            self.pop_screen()

    async def _open_choosing(self, section: Section, name: str | None = None) -> None:
        """Open a section on one screen file of its kind: `name`, else the only one, else the
        one the operator picks (Escape: stay where you are)."""
        if name is None:
            picked, name = await self.choose_screen(section.kind,
                                                    f"{section.title}: which screen?")
            if not picked:
                return
        if section.mode in self._modes and self.chosen.get(section.mode) == name:
            self.action_section(section.mode)
            return
        if section.mode in self._modes:  # on another screen file: built again for this one
            if self.current_mode == section.mode:
                self.switch_mode(HOME)
            await self.remove_mode(section.mode)
        self.chosen[section.mode] = name
        if self.add_section(section):
            self.switch_mode(section.mode)

    async def choose_screen(self, kind: str, title: str) -> tuple[bool, str | None]:
        """(picked, name) of the site's screen files with `kind = KIND`: the only one as it is,
        one of several from a chooser (picked False when it is cancelled); None when none."""
        await asyncio.to_thread(self.poller.catalog.refresh)  # the files as they are now
        found = [(s.name, s.title) for s in self.poller.catalog.screens if s.kind == kind]
        if len(found) < 2:
            return True, found[0][0] if found else None
        name = await self.push_screen_wait(self.screen_chooser(title, kind, found))
        return name is not None, name

    def known_screens(self, kind: str) -> list[tuple[str, str]] | None:
        """(name, title) of the screen files with `kind = KIND` as the poller last read them
        (at every board read, ~6 s, while Home or Triage shows); None before the first read."""
        if not self.poller.board_read:
            return None
        return [(s.name, s.title) for s in self.poller.catalog.screens if s.kind == kind]

    def screen_chooser(self, title: str, kind: str, found: list[tuple[str, str]]) -> Screen:
        """The dialog that picks one of several screen files of a kind (dismissed with its
        name, or None)."""
        from maintui.tui.dialogs.choose import ScreenChooserDialog

        return ScreenChooserDialog(title, found, f"{len(found)} screens have kind = \"{kind}\" · "
                                   "Enter: open it · Escape: cancel")

    def open_kind(self, mode: str, name: str) -> None:
        """Open a section on the named screen file of its kind (Home's list, the palette)."""
        self.run_worker(self._open_choosing(BY_MODE[mode], name), name=f"open {mode}",
                        exit_on_error=False)

    def section_enabled(self, mode: str) -> bool | None:
        """False (not shown: it would do nothing) for the section the operator is on; a screen
        opened on top of it (a session, a run) goes back to it."""
        return not (mode == self.current_mode and len(self.screen_stack) <= 1)

    def open_screen(self, name: str) -> None:
        """Open one of the site's screens on top of Home: a session, or the triage console on
        a screen file of kind triage."""
        found = next((s for s in self.poller.catalog.screens if s.name == name), None)
        if found is None:
            self.notify(f"No usable screen named {name!r}", severity="error")
            return
        section = next((s for s in SECTIONS if s.kind and s.kind == found.kind), None)
        if section is not None:
            self.open_kind(section.mode, name)
            return
        cls = self.load_screen("session:SessionScreen", "Sessions")
        if cls is not None:
            self.action_section(HOME)
            self.push_screen(cls(self.config, name, store=self.poller.store))

    def open_run(self, run_id: int) -> None:
        """Open a past run: its steps, outcomes and output."""
        cls = self.load_screen("run_detail:RunDetailScreen", "Run details")
        if cls is not None:
            self.push_screen(cls(self.config, run_id, self.poller.store))

    def open_log(self, name: str) -> None:
        """Follow one of the site's logs."""
        cls = self.load_screen("logs:LogsScreen", "Logs")
        if cls is not None and name in self.config.logs:
            self.push_screen(cls({name: self.config.logs[name]},
                                 formats=self.config.log_formats))

    def maintenance_steps(self, state: str) -> list[tuple[ScreenEntry, StepEntry]]:
        """Each of the site's steps that turns maintenance mode `state`, with its screen."""
        return [(screen, step) for screen in self.poller.catalog.screens
                for step in screen.steps
                if step.action == "maintenance.mode" and step.with_.get("state") == state]

    def start_step(self, screen: str, step: str) -> None:
        """Run one step of a screen alone (a partial run, `--only`: detached, recorded, not the
        screen's run) and open its session, whose gate asks. Outside the screen's window the
        reason is asked first, as for any run started there."""
        import time

        from maintui.core.site.schedule import in_window

        found = next((s for s in self.poller.catalog.screens if s.name == screen), None)
        window = found.window if found is not None else None
        if not window or in_window(window, time.time()):
            self._run_step(screen, step, "")
            return
        from maintui.tui.dialogs.text import ReasonDialog

        def go(reason: str | None) -> None:
            if reason:
                self._run_step(screen, step, reason)

        self.push_screen(ReasonDialog(f"{screen} runs in its window ({window}); it is outside "
                                      f"it now. Why run {step} now?"), go)

    def _run_step(self, screen: str, step: str, reason: str) -> None:
        self.run_worker(self._start_step(screen, step, reason), name=f"start {screen}:{step}",
                        exit_on_error=False)

    async def _start_step(self, screen: str, step: str, reason: str = "") -> None:
        from maintui.core.errors import MaintuiError
        from maintui.core.run.launch import spawn_runner

        extra = ["--only", step] + (["--reason", reason] if reason else [])
        try:
            run_id = await asyncio.to_thread(spawn_runner, self.config.path, screen, extra)
        except MaintuiError as exc:
            self.notify(str(exc), title=f"could not start {screen}: {step}", severity="error",
                        timeout=10)
            return
        await self.attach_run(run_id)

    # the same two, as actions (bindings, `run_action`)
    action_open_screen = open_screen
    action_open_run = open_run

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
        cls = self.load_screen("session:SessionScreen", "Sessions")
        if cls is not None:
            self.push_screen(cls(self.config, run.screen, run_id=run.id, store=store))

    # by Textual's handler names, not `@on(ScreenList.ScreenSelected)`: the lists' modules load
    # with Home's lower half, after the first frame
    def on_screen_list_screen_selected(self, event: ScreenList.ScreenSelected) -> None:
        self.open_screen(event.screen_name)

    def on_recent_runs_run_selected(self, event: RecentRuns.RunSelected) -> None:
        self.open_run(event.run_id)
