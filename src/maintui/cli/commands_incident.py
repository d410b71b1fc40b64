"""`maintui incidents` and `maintui incident open|note|snapshot|close|show|report`."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import Any

from maintui.cli.common import count, emit, site, with_log
from maintui.core.incidents import model as inc
from maintui.core.incidents.diagnostics import render_snapshot, snapshot
from maintui.core.incidents.report import render_incident_report
from maintui.core.units import format_duration, when


def register(sub: Any, common: Any) -> None:
    ls = sub.add_parser("incidents", help="incidents, newest first",
                        description="List incidents from the run log, newest first.")
    common(ls)
    # checked by argparse: with no run log yet there is nothing to check a bad state against
    ls.add_argument("--state", choices=[str(s) for s in inc.IncidentState],
                    help="only open or closed ones")
    ls.add_argument("--limit", type=count, default=50, help="at most this many (from 1)")
    ls.add_argument("--json", action="store_true", help="a JSON list of incidents")
    ls.set_defaults(handler=cmd_list)

    top = sub.add_parser("incident", help="open, annotate, snapshot, close and report an incident",
                         description="Incident triage: every action lands on the incident's "
                         "timeline in the run log. Attach runs with `maintui run SCREEN "
                         "--incident ID`.")
    common(top)
    top.set_defaults(handler=lambda args: _usage(top))
    verbs = top.add_subparsers(dest="verb", metavar="ACTION")

    def verb(name: str, help: str, handler: Any) -> argparse.ArgumentParser:
        p = verbs.add_parser(name, help=help, description=help[0].upper() + help[1:] + ".")
        common(p)
        if name != "open":
            p.add_argument("incident_id", metavar="ID", help="incident id, e.g. INC-20240101-120000")
        p.set_defaults(handler=handler)
        return p

    o = verb("open", "open an incident and print its id", cmd_open)
    o.add_argument("title", nargs="+", help="what is wrong, e.g. \"API answers 502\"")
    o.add_argument("--severity", default="sev3", metavar="SEV", help="sev1 (critical: outage), "
                   "sev2 (high), sev3 (medium, the default) or sev4 (low)")
    n = verb("note", "add a note to an incident's timeline", cmd_note)
    n.add_argument("text", nargs="+", help="the note")
    verb("snapshot", "take a diagnostics snapshot, print it and keep it on the timeline",
         cmd_snapshot)
    c = verb("close", "close an incident with a summary (runs attached to it are stamped first)",
             cmd_close)
    c.add_argument("--summary", required=True, help="what happened, what fixed it, what is left")
    verb("show", "an incident and its timeline", cmd_show)
    r = verb("report", "an incident's Markdown report", cmd_report)
    r.add_argument("--out", metavar="FILE", help="write it to FILE instead of stdout")


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_usage(sys.stderr)
    print("maintui incident: choose an action: open, note, snapshot, close, show, report",
          file=sys.stderr)
    return 2


def cmd_list(args: Any) -> int:
    config = site(args)
    found = (with_log(config, lambda log: inc.list_incidents(log, args.state, args.limit))
             if config.store_path.exists() else [])
    if args.json:
        print(json.dumps([{"id": i.id, "title": i.title, "severity": i.severity, "state": i.state,
                           "opened": i.opened, "closed": i.closed, "user": i.user,
                           "summary": i.summary} for i in found], indent=2))
        return 0
    if not found:
        print("no incidents" + (f" ({args.state})" if args.state else ""))
        return 0
    print(f"{'ID':<22} {'SEV':<5} {'STATE':<7} {'OPENED':<19}  {'FOR':>7}  TITLE")
    for i in found:
        print(f"{i.id:<22} {i.severity:<5} {i.state:<7} {when(i.opened):<19}  "
              f"{format_duration(i.duration):>7}  {i.title}")
    return 0


def cmd_open(args: Any) -> int:
    found = with_log(site(args), lambda log: inc.open_incident(log, " ".join(args.title),
                                                               args.severity))
    print(found.id)
    return 0


def cmd_note(args: Any) -> int:
    with_log(site(args), lambda log: inc.add_timeline(log, args.incident_id, "note",
                                                      " ".join(args.text)), create=False)
    return 0


def cmd_snapshot(args: Any) -> int:
    config = site(args)

    async def go(log: Any) -> dict[str, Any]:
        # refuse an unknown or closed incident before spending the time on a snapshot
        found = await inc.get_incident(log, args.incident_id, must_be_open=True)
        snap = await asyncio.to_thread(snapshot, config)
        await inc.store_snapshot(log, found.id, snap)
        return snap

    sys.stdout.write(render_snapshot(with_log(config, go, create=False)))
    return 0


def cmd_close(args: Any) -> int:
    closed = with_log(site(args), lambda log: inc.close_incident(log, args.incident_id,
                                                                 args.summary), create=False)
    print(f"{closed.id} closed after {format_duration(closed.duration)}; see "
          f"`maintui incident report {closed.id}`")
    return 0


def cmd_show(args: Any) -> int:
    async def go(log: Any) -> tuple[inc.Incident, list[inc.TimelineEntry]]:
        found = await inc.get_incident(log, args.incident_id)
        return found, await inc.timeline(log, found.id)

    found, entries = with_log(site(args), go, create=False)
    print(f"{found.id}  {found.title}\n{found.severity} ({inc.MEANING.get(found.severity, '?')}), "
          f"{found.state}, opened {when(found.opened)} by {found.user}, "
          f"closed {when(found.closed)} ({format_duration(found.duration)})")
    if found.summary:
        print(f"summary: {found.summary}")
    print("\ntimeline:")
    for e in entries:
        print(f"  {when(e.ts)}  {e.kind:<8}  {e.text}")
    return 0


def cmd_report(args: Any) -> int:
    text = with_log(site(args), lambda log: render_incident_report(log, args.incident_id),
                    create=False)
    return emit(text, args.out, args.incident_id)
