"""A session's hosts, without Textual: each fleet step's per-host rows, counts and host filter.

The session screen reads the run log's `host_results` on every poll and hands them here;
this says which sub-rows the queue shows under each step, which host the output pane is
narrowed to, and whether the host under the cursor can be retried alone.
"""

from __future__ import annotations

from maintui.core.fleet.results import summary
from maintui.core.site.model import Screen, Step
from maintui.core.store.hosts import HostRow
from maintui.tui.models.subrow import SubRow, sub_key

BAD = ("failed", "unreachable")
def pattern(step: Step) -> str:
    """What a step's count line is labelled with: its hosts pattern as written."""
    if step.hosts:
        return step.hosts
    return str(step.with_.get("hosts", "all")) if step.action == "ansible.playbook" else "hosts"


class HostBoard:
    """Per-host rows of the followed run, by step; the output filter of the selected step."""

    def __init__(self, screen: Screen) -> None:
        self.screen = screen
        self.rows: dict[str, list[HostRow]] = {}  # step id → its hosts, in the order first seen
        self.host: str | None = None  # the output pane shows only this host's lines
        self.filter_step: str | None = None  # … of this step

    def clear(self) -> None:
        """A new run is followed: nothing of the last one stays."""
        self.rows.clear()
        self.host = self.filter_step = None

    def apply(self, rows: list[HostRow]) -> set[str]:
        """The run's host rows (`store.hosts.host_results`); returns the steps whose sub-rows
        changed. A step's rows are its run phase (its check phase when it ran in check mode);
        a rollback's show in its count line."""
        by_step: dict[str, list[HostRow]] = {}
        for row in rows:
            by_step.setdefault(row.step_id, []).append(row)
        changed = {sid for sid in by_step.keys() | self.rows.keys()
                   if by_step.get(sid) != self.rows.get(sid)}
        self.rows = by_step
        return changed

    def _main(self, step_id: str) -> list[HostRow]:
        rows = self.rows.get(step_id, [])
        main = [r for r in rows if r.phase == "run"] or [r for r in rows if r.phase == "check"]
        latest: dict[str, HostRow] = {}
        for r in main:  # a host retried in a later batch counts once, as it ended
            latest[r.host] = r
        return list(latest.values())

    def hosts(self, step_id: str) -> list[str]:
        return [r.host for r in self._main(step_id)]

    def counts(self, step_id: str) -> str:
        """`web: 7 ok · 1 failed · 1 unreachable` (the words of the step's reason)."""
        step = self.screen.step(step_id)
        text = summary(pattern(step), (r.state for r in self._main(step_id)))
        back = [r for r in self.rows.get(step_id, []) if r.phase == "rollback"]
        if back:
            text += " · " + summary("rollback", (r.state for r in back))
        return text

    def sub_rows(self, step_id: str) -> list[SubRow]:
        """The count line, then one row per host, in inventory order as the play met them."""
        main = self._main(step_id)
        if not main:
            return []
        return [SubRow(sub_key(step_id, None), step_id, None, "", self.counts(step_id)),
                *(SubRow(sub_key(step_id, r.host), step_id, r.host, r.state, r.host, r.started,
                         r.ended) for r in main)]

    def state(self, step_id: str, host: str) -> str | None:
        return next((r.state for r in self._main(step_id) if r.host == host), None)

    # -- the output filter -------------------------------------------------------------------

    def choose(self, step_id: str | None, host: str | None) -> bool:
        """Narrow the output to one host of a step (None: all hosts); whether it changed."""
        before = (self.filter_step, self.host)
        self.filter_step, self.host = (step_id, host) if host else (step_id, None)
        return before != (self.filter_step, self.host)

    def cycle(self, step_id: str) -> str | None:
        """The next host of the step to show alone, after the last one all hosts again."""
        hosts = self.hosts(step_id)
        current = self.host if self.filter_step == step_id else None
        if not hosts:
            self.choose(step_id, None)
            return None
        at = hosts.index(current) + 1 if current in hosts else 0
        self.choose(step_id, hosts[at] if at < len(hosts) else None)
        return self.host

    def shown(self, step_id: str | None) -> str | None:
        """The host the output pane is narrowed to for this step, if any."""
        return self.host if step_id is not None and self.filter_step == step_id else None

    def keeps(self, step_id: str, line: str) -> bool:
        """Whether an output line of the step passes the filter (`[web2] …` lines)."""
        host = self.shown(step_id)
        return host is None or line.startswith(f"[{host}] ")

    # -- retrying one host -------------------------------------------------------------------

    def why_not_retry(self, step_id: str, host: str | None, run_live: bool) -> str:
        """Why the host under the cursor cannot be retried alone ('' when it can)."""
        if host is None:
            return "put the cursor on a failed or unreachable host's row to retry it"
        state = self.state(step_id, host)
        if state not in BAD:
            return f"{host} is {state or 'not known'}: only a failed or unreachable host is retried"
        if run_live:
            return "the run is still going: retry a host once it has ended"
        return ""
