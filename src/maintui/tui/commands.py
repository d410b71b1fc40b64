"""Command palette entries from the app's own actions: sections, screens, logs, runs, themes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Protocol, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

from maintui.core.states import label
from maintui.core.units import ago, clock_time, span
from maintui.tui.navigation import SECTIONS

if TYPE_CHECKING:
    from maintui.core.clock import Clock
    from maintui.core.site.config import SiteConfig
    from maintui.core.site.listing import ScreenEntry, StepEntry
    from maintui.tui.models.board import Board, ScreenStatus


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
    def switch_theme(self, name: str) -> None: ...
    def start_step(self, screen: str, step: str) -> None: ...
    def maintenance_steps(self, state: str) -> list[tuple[ScreenEntry, StepEntry]]: ...
    @property
    def available_themes(self) -> dict[str, object]: ...
    @property
    def theme(self) -> str: ...


@dataclass(frozen=True)
class Command:
    text: str
    help: str
    run: Callable[[], object]


def _due(screen: ScreenStatus, now: float) -> str:
    """Whether it is due, in the dashboard's words: the due state `never` means never
    succeeded, not never run (a failed or rolled-back run is still a run)."""
    due = screen.due
    if due.state == "never":
        return "due now (never succeeded)" if screen.schedule else "never succeeded"
    if due.next_due is None:
        return f"last succeeded {ago(due.last, now)}"
    if due.state == "ok":
        return f"next due {ago(due.next_due, now)}"
    return f"{due.state} {span(now - due.next_due)}"


def pick_maintenance(found: list[tuple[ScreenEntry, StepEntry]]) -> tuple[ScreenEntry, StepEntry]:
    """Which screen's step the palette's toggle runs, when several screens have one: a screen
    without a window first (it runs now, no reason to give), then a triage screen (quick
    actions, made to run one at a time), then one without a schedule (a scheduled session's
    step is one stage of it), then by name: the same choice every time."""
    return min(found, key=lambda pair: (bool(pair[0].window), pair[0].kind != "triage",
                                        bool(pair[0].schedule), pair[0].name, pair[1].id))


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
                               f"start a session: {detail}, {_due(screen, app.clock.now())}",
                               partial(app.open_screen, screen.name)))
        out.extend(self.maintenance(app))
        for name, path in app.config.logs.items():
            out.append(Command(f"Jump to log: {name}", str(path), partial(app.open_log, name)))
        now = app.clock.now()
        for run in board.runs:
            scope = f" ({run.scope})" if run.scope else ""
            out.append(Command(f"Find run #{run.id}: {run.screen}{scope} {label(run.state)}",
                               f"started {clock_time(run.started, now)} by {run.user or '?'}",
                               partial(app.open_run, run.id)))
        for theme in sorted(app.available_themes):
            if theme != app.theme:
                out.append(Command(f"Switch theme: {theme}", "remembered for next time",
                                   partial(app.switch_theme, theme)))
        return out

    def maintenance(self, app: Navigator) -> list[Command]:
        """The maintenance toggle: "Maintenance mode on" while it is off, "… off" while it is
        on, each one command running the site's own `maintenance.mode` step alone (a partial
        run: recorded, not the screen's run, confirmed at its gate like any step). Of the
        screens that have such a step, the one run is `pick_maintenance`'s."""
        on = bool((app.board.maintenance or {}).get("on"))
        wanted = "off" if on else "on"
        found = app.maintenance_steps(wanted)
        if not found:
            return []
        screen, step = pick_maintenance(found)
        said = step.with_.get("message") if wanted == "on" else None
        shown = f' ("{said}")' if isinstance(said, str) and said else ""
        return [Command(f"Maintenance mode {wanted} ({screen.name}: {step.id})",
                        f"runs {step.id} of {screen.name} alone{shown}, not a whole "
                        f"{screen.name} run; asks before it changes anything",
                        partial(app.start_step, screen.name, step.id))]

    async def discover(self) -> Hits:
        for command in self.commands():
            yield DiscoveryHit(command.text, command.run, help=command.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self.commands():
            score = matcher.match(command.text)
            if score > 0:
                yield Hit(score, matcher.highlight(command.text), command.run, help=command.help)
