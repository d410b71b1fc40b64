"""An incident's Markdown report: header, summary, timeline, snapshots, runs, outcome."""

from __future__ import annotations

from typing import Any

from maintui.core.incidents.diagnostics import render_snapshot
from maintui.core.incidents.model import (
    MEANING,
    EntryKind,
    TimelineEntry,
    _tail,
    get_incident,
    timeline,
)
from maintui.core.markdown import cell
from maintui.core.states import RunState
from maintui.core.units import format_duration, when


async def _attached_runs(log: Any, incident_id: str, entries: list[TimelineEntry]) -> list[Any]:
    """Runs started with `--incident ID`, and any other run stamped onto it."""
    ids = {r[0] for r in await log.read("SELECT id FROM runs WHERE incident = ?", (incident_id,))}
    ids |= {e.data["run_id"] for e in entries if isinstance(e.data.get("run_id"), int)}
    return [run for run_id in sorted(ids) if (run := await log.run(run_id)) is not None]


async def render_incident_report(log: Any, incident_id: str) -> str:
    """The incident's Markdown record: header, summary, timeline, snapshots, runs, outcome."""
    inc = await get_incident(log, incident_id)
    entries = await timeline(log, inc.id)
    runs = await _attached_runs(log, inc.id, entries)
    closer = next((e.data.get("user", "") for e in entries if e.kind == EntryKind.CLOSED), "")
    out = [f"# {inc.id} — {inc.title}", "",
           f"- **Severity:** {inc.severity} ({MEANING.get(inc.severity, 'unknown')})",
           f"- **State:** {inc.state}", f"- **Opened:** {when(inc.opened)} by {inc.user}",
           f"- **Closed:** {when(inc.closed)}" + (f" by {closer}" if closer else ""),
           f"- **Duration:** {format_duration(inc.duration)}" + ("" if inc.closed else " so far")]
    out += ["", "## Summary", "", inc.summary or "_Still open: no summary yet._"]
    out += ["", "## Timeline", "", "| Time | Kind | What |", "|------|------|------|"]
    out += [f"| {when(e.ts)} | {e.kind} | {cell(e.text)} |" for e in entries]
    snaps = [e for e in entries if e.kind == EntryKind.SNAPSHOT]
    if snaps:
        out += ["", "## Diagnostics snapshots", ""]
        for e in snaps:
            out += [f"<details><summary>{when(e.ts)} — {cell(e.text)}</summary>", "", "```",
                    render_snapshot(e.data).rstrip(), "```", "", "</details>"]
    if runs:
        out += ["", "## Runs", "", "| Run | Screen | Outcome | Started | Took |",
                "|-----|--------|---------|---------|------|"]
        out += [f"| {r.id} | {r.screen} | {r.state}{cell(_tail(r.message))} | {when(r.started)} "
                f"| {format_duration(r.ended - r.started) if r.ended else 'running'} |" for r in runs]
    bad = [f"run {r.id} {r.state}" for r in runs
           if r.state not in (RunState.SUCCEEDED, RunState.RUNNING, RunState.WAITING)]
    ended = f"Closed after {format_duration(inc.duration)}" if inc.closed else "Still open"
    verdict = f", not succeeded: {', '.join(bad)}" if bad else (", all succeeded" if runs else "")
    out += ["", "## Outcome", "", f"{ended}; {len(runs)} run(s) attached{verdict}"]
    return "\n".join(out) + "\n"
