"""The console app, wiring only, and `make_app`, the factory that the CLI and the tests use."""

from __future__ import annotations

import gc
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import events, on
from textual.app import App
from textual.binding import Binding, BindingType
from textual.command import Provider
from textual.driver import Driver
from textual.theme import Theme
from textual.worker import Worker, WorkerState

from maintui.core.clock import Clock, SystemClock
from maintui.core.errors import ConfigError
from maintui.core.site.config import SiteConfig
from maintui.tui import keys, preferences, startframe, stylecache, updates
from maintui.tui.navigation import BY_MODE, HOME, SECTIONS, Sections
from maintui.tui.poller import Poller
from maintui.tui.screens.too_small import TooSmallScreen, guard_size

if TYPE_CHECKING:
    from maintui.core.probes.base import Probe
    from maintui.tui.models.board import RunSource


def palette_commands() -> type[Provider]:
    """The palette's commands, loaded when the palette first opens (not for the first frame)."""
    from maintui.tui.commands import MaintuiCommands

    return MaintuiCommands


def default_probe() -> Probe:
    from maintui.core.probes.psutil import PsutilProbe

    return PsutilProbe()


class MaintuiApp(Sections):
    """Wiring: the poller, the sections, global keys, the production skin."""

    TITLE = "maintui"
    DEFAULT_MODE = HOME
    COMMANDS = App.COMMANDS | {palette_commands}
    BINDINGS: ClassVar[list[BindingType]] = keys.for_app(SECTIONS)
    # A dialog does not dim the screen under it: the dim changed every cell's colour on open
    # and again on close (~7 KB each way at 80x24); the dialog's thick border sets it apart.
    CSS = "ModalScreen { background: $background 0%; }"

    def __init__(self, config: SiteConfig, *, probe: Probe | None, clock: Clock,
                 store: RunSource | None, attach: int | None = None,
                 prefs: Path | None = None) -> None:
        styles = sorted(config.styles_dir.glob("*.tcss")) if config.styles_dir.is_dir() else []
        super().__init__(css_path=list(styles))
        updates.install()  # write what changed on the terminal, not what was re-rendered
        keys.install()  # key names without the Unicode name table: ~0.7 MiB it would keep
        stylecache.install()  # each CSS source parsed once, not again after the reparse
        startframe.install()  # the first frame rendered once, whole, after the start-up batch
        self.config, self.clock, self.attach = config, clock, attach
        self.prefs = prefs  # the operator's console.json; None (tests): nothing remembered
        self.poller = Poller(self, config, clock, store=store,
                             probe_factory=(lambda: probe) if probe else default_probe)
        self.sub_title = f"{config.name} · PRODUCTION" if config.production else config.name
        self.add_section(BY_MODE[HOME])

    def get_key_display(self, binding: Binding) -> str:
        # Textual looks most keys up in the Unicode name table (~0.6 MiB kept): ours are known
        shown = keys.display(binding)
        return super().get_key_display(binding) if shown is None else shown

    def get_driver_class(self) -> type[Driver]:
        driver = super().get_driver_class()
        if driver.__name__ == "LinuxDriver":  # not one chosen through TEXTUAL_DRIVER
            from maintui.tui.driver import QuietLinuxDriver

            return QuietLinuxDriver
        return driver

    def on_mount(self) -> None:
        self.set_class(self.config.production, "-production")
        guard_size(self, self.size)
        self.theme_changed_signal.subscribe(self, self._remember_theme)

    def _remember_theme(self, theme: Theme) -> None:
        preferences.save(self.prefs, theme=theme.name)

    def switch_theme(self, name: str) -> None:
        """Use a theme now and next time (the palette's "Switch theme")."""
        self.theme = name

    def on_ready(self) -> None:
        gc.enable()  # off from the command line to the first frame (cli.main): ~40 ms of it
        # After the first frame: psutil, pydantic and aiosqlite load in the first poll.
        self.poller.start()
        # a run still going (this console was closed, or the SSH link dropped): reattach to it
        target, quiet = (self.attach, False) if self.attach is not None else (-1, True)
        # the coroutine is made when the worker starts: a console quit before then (keys typed
        # ahead) leaves no never-awaited coroutine to warn about on the terminal
        self.run_worker(partial(self.attach_run, target, quiet=quiet), name="attach",
                        exit_on_error=False)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        # A blinking text cursor repaints twice a second (~80 B/s with a dialog open and the
        # operator away): text boxes keep a steady one, as htop's and less's prompts do.
        if getattr(event.widget, "cursor_blink", False):
            event.widget.cursor_blink = False  # type: ignore[attr-defined]

    def on_resize(self, event: events.Resize) -> None:
        guard_size(self, event.size)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if isinstance(self.screen, TooSmallScreen) and action in ("section", "help"):
            return False
        if action == "section" and parameters:
            return self.section_enabled(str(parameters[0]))
        return True

    def action_help(self) -> None:
        from maintui.tui.screens.help import (
            HelpScreen,  # on first use: not needed for the first frame
        )

        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss()
        else:
            self.push_screen(HelpScreen(self.screen.active_bindings, self.screen))

    def driven_runs(self) -> list[int]:
        """Live runs this console drives (their sessions are somewhere in the screen stacks)."""
        from maintui.tui.screens.session import SessionScreen

        stacks = list(self._screen_stacks.values())  # every mode's stack, not only the current
        return sorted({s.run_id for stack in stacks for s in stack
                       if isinstance(s, SessionScreen) and s.drives_live_run and s.run_id})

    def confirm_quit(self) -> bool:
        """Quit at once unless this console drives a live run; then ask first."""
        runs = self.driven_runs()
        if not runs:
            return True
        from maintui.tui.dialogs.quit import QuitDialog

        def answered(yes: bool | None) -> None:
            if yes:
                self.call_later(self._quit_now)

        chosen = str(self.config.path) if self.config.found_by == "--config" else ""
        self.push_screen(QuitDialog(runs, chosen), answered)
        return False

    async def _quit_now(self) -> None:
        await self.poller.close()
        self.exit(0)

    async def action_quit(self) -> None:
        from maintui.tui.dialogs.quit import QuitDialog

        if isinstance(self.screen, QuitDialog):  # Ctrl+Q again on the question: quit
            self.screen.dismiss(True)
            return
        if self.confirm_quit():
            await self._quit_now()

    async def on_unmount(self) -> None:
        await self.poller.close()  # an aiosqlite connection left open hangs the process at exit

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        """Every worker failure ends here: say what failed, keep the console running."""
        if event.state == WorkerState.ERROR:
            error = event.worker.error
            self.notify(f"{event.worker.name or 'background task'} failed: {error}",
                        title="Error", severity="error", timeout=10)


def make_app(config: SiteConfig, *, probe: Probe | None = None, clock: Clock | None = None,
             store: RunSource | None = None, theme: str | None = None,
             attach: int | None = None, prefs: Path | None = None) -> MaintuiApp:
    """Build the console for a site; tests pass a fake probe, clock and store. `theme` wins
    over the one remembered in `prefs` (the CLI passes the user's state folder)."""
    app = MaintuiApp(config, probe=probe, clock=clock or SystemClock(), store=store,
                     attach=attach, prefs=prefs)
    if config.keys:  # [keys]: checked before the console starts, applied to every binding
        from maintui.tui.keymap import build as build_keymap

        try:
            app.set_keymap(build_keymap(config.keys, SECTIONS))
        except ConfigError as exc:  # which file holds the entry: the site's config.toml
            raise ConfigError(f"{config.path}: {exc}") from None
    remembered = preferences.load(prefs).get("theme")
    if not theme and remembered in app.available_themes:
        app.theme = remembered
    if theme:
        if theme not in app.available_themes:
            names = ", ".join(sorted(app.available_themes))
            raise ConfigError(f"unknown theme {theme!r}; available: {names}")
        app.theme = theme
    return app
