"""Command palette entries built from the app's own actions: sections, screens, logs, runs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Protocol, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

from maintui.core.units import clock_time
from maintui.tui.navigation import SECTIONS

if TYPE_CHECKING:
    from maintui.core.clock import Clock
    from maintui.core.site.config import SiteConfig
    from maintui.tui.models.board import Board


class Navigator(Protocol):
    """What the palette needs of the app: what there is to open, and how to open it."""

    config: SiteConfig
    clock: Clock

    @property
    def board(self) -> Board: ...
    def action_section(self, mode: str) -> None: ...
    def open_screen(self, name: str) -> None: ...
    def open_run(self, run_id: int) -> None: ...
    def open_log(self, name: str) -> None: ...


@dataclass(frozen=True)
class Command:
    text: str
    help: str
    run: Callable[[], object]


class MaintuiCommands(Provider):
    """Go to a section, open a screen, follow a log, find a run."""

    def commands(self) -> list[Command]:
        app = cast(Navigator, self.app)
        out = [Command(f"Go to {s.title}", f"the {s.title.lower()} section",
                       partial(app.action_section, s.mode)) for s in SECTIONS]
        board = app.board
        for screen in board.screens:
            detail = screen.schedule or screen.kind
            out.append(Command(f"Open screen: {screen.name} ({screen.title})",
                               f"{detail}, {screen.due.state}",
                               partial(app.open_screen, screen.name)))
        for name, path in app.config.logs.items():
            out.append(Command(f"Jump to log: {name}", str(path), partial(app.open_log, name)))
        now = app.clock.now()
        for run in board.runs:
            out.append(Command(f"Find run #{run.id}: {run.screen} {run.state}",
                               f"started {clock_time(run.started, now)} by {run.user or '?'}",
                               partial(app.open_run, run.id)))
        return out

    async def discover(self) -> Hits:
        for command in self.commands():
            yield DiscoveryHit(command.text, command.run, help=command.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self.commands():
            score = matcher.match(command.text)
            if score > 0:
                yield Hit(score, matcher.highlight(command.text), command.run, help=command.help)
