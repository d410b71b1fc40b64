"""What carries over to the next guided session: steps skipped last time, the last verified restore."""

from __future__ import annotations

from pathlib import PurePath

from rich.text import Text
from textual.widgets import Static

from maintui.core.store.carryover import RESTORE_MAX_AGE, Skipped, VerifiedRestore
from maintui.core.units import ago, span

MAX_SKIPS = 3  # lines of skipped steps; the rest are counted
SHORT = 30  # rows: below, the skipped steps take one line (the tooltip lists them all)


class SessionNotes(Static):
    """`Carried over  monthly · review-alerts: not needed this month` lines, then the last
    verified restore, in the warning colour when there is none or it is stale."""

    COMPONENT_CLASSES = {"notes--label", "notes--warning", "notes--muted"}
    DEFAULT_CSS = """
    SessionNotes { height: auto; max-height: 5; padding: 0 1; text-wrap: nowrap; text-overflow: ellipsis; }
    SessionNotes > .notes--label { text-style: bold; }
    SessionNotes > .notes--warning { color: $warning; text-style: bold; }
    SessionNotes > .notes--muted { color: $text-muted; }
    """

    def show(self, carried: dict[str, tuple[Skipped, ...]], restore: VerifiedRestore,
             now: float) -> None:
        lines = self.carried_lines(carried) + [self.restore_line(restore, now)]
        self.update(Text("\n", end="").join(lines))
        # cut to the panel's width at 80 columns: the tooltip has every skip in full
        full = [f"{screen} · {s.step_id} ({s.title}): {s.reason or 'no reason given'}"
                for screen, steps in carried.items() for s in steps]
        self.tooltip = "Skipped last time:\n" + "\n".join(full) if full else None

    def _style(self, name: str) -> str:
        return str(self.get_component_rich_style(f"notes--{name}", partial=True))

    def carried_lines(self, carried: dict[str, tuple[Skipped, ...]]) -> list[Text]:
        skips = [(screen, s) for screen, steps in carried.items() for s in steps]
        # a short terminal (80x24) gives the Screens list above the room: one line, counted
        most = MAX_SKIPS if self.app.size.height >= SHORT else 1
        lines = []
        for i, (screen, s) in enumerate(skips[:most]):
            label = "Carried over " if i == 0 else " " * 13
            more = f" +{len(skips) - 1} more" if most == 1 and len(skips) > 1 else ""
            lines.append(Text.assemble((label, self._style("label")),
                                       f"{screen} · {s.step_id}{more}: ",
                                       (s.reason or "no reason given", self._style("muted")),
                                       no_wrap=True, overflow="ellipsis", end=""))
        if most > 1 and len(skips) > MAX_SKIPS:
            lines.append(Text(f"{' ' * 13}… and {len(skips) - MAX_SKIPS} more skipped last time",
                              style=self._style("muted"), end=""))
        return lines

    def restore_line(self, restore: VerifiedRestore, now: float) -> Text:
        label = ("Last verified restore ", self._style("label"))
        if restore.ts is None:
            return Text.assemble(label, ("never", self._style("warning")), end="")
        name = PurePath(restore.backup).name or "?"
        if not restore.ok:
            when = (f"failed {ago(restore.ts, now)}", self._style("warning"))
        elif not restore.fresh(now):
            when = (f"{ago(restore.ts, now)} (older than {span(RESTORE_MAX_AGE)})",
                    self._style("warning"))
        else:
            when = (ago(restore.ts, now), "")
        return Text.assemble(label, when, f" ({name})", no_wrap=True, overflow="ellipsis", end="")
