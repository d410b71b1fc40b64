"""Command palette entries built from the app's own actions: sections, screens, logs, runs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

from maintui.tui.format import clock_time

if TYPE_CHECKING:
    from maintui.tui.app import MaintuiApp


@dataclass(frozen=True)
class Command:
    text: str
    help: str
    run: Callable[[], object]


class MaintuiCommands(Provider):
    """Go to a section, open a screen, follow a log, find a run."""

    def commands(self) -> list[Command]:
        app = cast("MaintuiApp", self.app)
        out = [Command(f"Go to {title}", f"the {title.lower()} section",
                       partial(app.action_section, section))
               for section, title in (("home", "Home"), ("logs", "Logs"), ("history", "Runs"),
                                      ("triage", "Triage"))]
        for s in app.poller.board.screens:
            detail = s.schedule or s.kind
            out.append(Command(f"Open screen: {s.name} ({s.title})", f"{detail}, {s.due.state}",
                               partial(app.action_open_screen, s.name)))
        for name, path in app.config.logs.items():
            out.append(Command(f"Jump to log: {name}", str(path), partial(app.open_log, name)))
        now = app.poller.clock.now()
        for run in app.poller.board.runs:
            out.append(Command(f"Find run #{run.id}: {run.screen} {run.state}",
                               f"started {clock_time(run.started, now)} by {run.user or '?'}",
                               partial(app.action_open_run, run.id)))
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
