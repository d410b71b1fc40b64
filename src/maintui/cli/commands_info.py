"""`maintui validate`, `history`, `show`, `report`: reading screens and the run log."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from maintui.cli.common import again, count, emit, site, with_log
from maintui.core.ansi import visible
from maintui.core.errors import ConfigError, UsageError
from maintui.core.run.findingtext import detail_lines, worst_first
from maintui.core.states import RunState
from maintui.core.store.hosts import host_results
from maintui.core.units import format_duration, when


def register(sub: Any, common: Any) -> None:
    v = sub.add_parser("validate", help="check screen files; print every problem at once")
    common(v)
    v.add_argument("files", nargs="*", metavar="FILE", help="screen files (default: all the site's)")
    v.add_argument("--json", action="store_true", help="the usable screens (names, titles, "
                   "kinds, schedules, steps) and every problem as JSON (what the console lists)")
    v.set_defaults(handler=cmd_validate)

    h = sub.add_parser("history", help="past runs, newest first")
    common(h)
    h.add_argument("--limit", type=count, default=20, help="at most this many runs (from 1)")
    h.add_argument("--screen", metavar="NAME",
                   help="only runs of this screen (a screen file's name, e.g. daily)")
    h.add_argument("--state", choices=[str(s) for s in RunState],
                   help="only runs in this state")
    h.add_argument("--json", action="store_true", help="a JSON list of runs")
    h.set_defaults(handler=cmd_history)

    s = sub.add_parser("show", help="one run: steps, timings, decisions, findings")
    common(s)
    s.add_argument("run_id", type=int, metavar="RUN")
    s.add_argument("--output", action="store_true", help="also print every output line")
    s.add_argument("--raw", action="store_true",
                   help="with --output: the lines as stored, escape sequences and all")
    s.set_defaults(handler=cmd_show)

    a = sub.add_parser("actions", help="the built-in actions and their parameters")
    a.add_argument("name", nargs="?", help="one action (e.g. sqlite.retention)")
    a.set_defaults(handler=cmd_actions)

    r = sub.add_parser("report", help="a run's Markdown report")
    common(r)
    r.add_argument("run_id", type=int, metavar="RUN")
    r.add_argument("--out", metavar="FILE", help="write it to FILE instead of stdout")
    r.set_defaults(handler=cmd_report)


def cmd_validate(args: Any) -> int:
    from maintui.core.site.locate import placed
    from maintui.core.site.screenfile import load_screen_file, screen_files

    try:
        config = site(args)
        if config.keys:  # [keys] is read by the console only: checked here too, before it opens
            from maintui.tui.keymap import build
            from maintui.tui.navigation import SECTIONS

            try:
                build(config.keys, SECTIONS)
            except ConfigError as exc:
                raise ConfigError(f"{config.path}: {exc}") from None
    except ConfigError as exc:  # validate points at file:line:column, as for screen files
        raise ConfigError(placed(str(exc))) from None
    paths = [Path(f) for f in args.files] if args.files else screen_files(config)
    if args.json:  # the console lists screens from this, in a child (core/site/screencheck.py)
        from maintui.core.site.listing import to_json
        from maintui.core.site.screencheck import check_here

        checked = check_here(config, paths)
        print(to_json(checked))
        return 2 if checked.problems else 0
    problems, summaries = [], []
    for path in paths:
        screen, found = load_screen_file(path, config)
        problems += found
        if screen and not found:
            sched = f", {screen.schedule}" if screen.schedule else ""
            summaries.append(f"ok  {screen.name}: {screen.title} — {len(screen.steps)} steps "
                             f"({screen.kind}{sched})")
    if problems:
        from maintui.core.site.locate import located

        shown = located(problems)  # file:line:column, each problem once
        for line in shown:
            print(line, file=sys.stderr)
        print(f"{len(shown)} problem(s) in {len({p.file for p in problems})} file(s)",
              file=sys.stderr)
        return 2
    if not paths:
        print(f"no screen files in {config.screens_dir}", file=sys.stderr)
        return 2
    print("\n".join(summaries))
    return 0


def _iso(ts: float | None) -> str | None:
    from datetime import datetime

    return datetime.fromtimestamp(ts).astimezone().isoformat(timespec="seconds") if ts else None


def cmd_history(args: Any) -> int:
    config = site(args)
    if not config.store_path.exists():
        runs = []
    else:
        runs = with_log(config, lambda log: log.runs(args.limit, args.screen, args.state))
    if not runs and args.screen:
        _known_screen(config, args.screen)
    if args.json:
        hosts = _hosts_of(config, [r.id for r in runs]) if runs else {}
        print(json.dumps([{"id": r.id, "screen": r.screen, "state": r.state,
                           "started": _iso(r.started), "ended": _iso(r.ended), "user": r.user,
                           "message": r.message, "hosts": hosts.get(r.id, []),
                           "only": list(r.selection)} for r in runs],
                         indent=2))
        return 0
    if not runs:
        asked = [f"--{k} {v}" for k, v in (("screen", args.screen), ("state", args.state)) if v]
        print(f"no runs match {' '.join(asked)} in {config.store_path}; without them: "
              f"`maintui history{again(config)}`" if asked
              else f"no runs yet in {config.store_path}")
        return 0
    print(f"{'RUN':>5}  {'SCREEN':<12} {'STATE':<16} {'STARTED':<19}  {'TOOK':>7}  USER")
    for r in runs:
        took = format_duration(r.ended - r.started) if r.ended else "…"
        scope = f"  ({r.scope}: a partial run)" if r.scope else ""  # not the screen's run
        print(f"{r.id:>5}  {r.screen:<12} {r.state:<16} {when(r.started):<19}  {took:>7}  {r.user}"
              f"{scope}")
    return 0


def _known_screen(config: Any, name: str) -> None:
    """A `--screen` that is no screen file (and has no runs) is a typo: exit 2, naming the
    screens, as `maintui run` does (a deleted screen's runs still match: only then is it
    asked)."""
    import difflib

    from maintui.core.site.screenfile import screen_files

    known = [p.stem for p in screen_files(config)] if config.screens_dir.is_dir() else []
    if name in known:
        return
    hint = difflib.get_close_matches(name, known, n=1)
    first = f"did you mean {hint[0]!r}? " if hint else ""
    raise UsageError(f"--screen {name!r}: {first}no screen of that name in {config.screens_dir} "
                     f"and no run of one in the run log; screens: {', '.join(known) or 'none'}")


def _need_run(run: Any, args: Any, config: Any) -> None:
    if run is None:
        raise UsageError(f"no run {args.run_id} in {config.store_path}; see "
                         f"`maintui history{again(config)}`")


def cmd_show(args: Any) -> int:
    config = site(args)

    async def go(log) -> int:
        run = await log.run(args.run_id)
        _need_run(run, args, config)
        scope = f" · {visible(run.scope)} (a partial run)" if run.scope else ""
        print(f"run {run.id}  {run.screen}: {visible(run.title)}{scope}\nstate {run.state}"
              + (f" — {visible(run.message)}" if run.message else ""))
        print(f"by {run.user}@{run.host}  started {when(run.started)}  ended {when(run.ended)}\n")
        for s in await log.steps(run.id):
            took = format_duration(s.ended - s.started) if s.started and s.ended else ""
            print(f"  {s.position + 1:>2}. {s.step_id:<20} {s.state:<15} {took:>8}  {visible(s.reason)}")
        _print_hosts(await host_results(log, run.id))
        findings = worst_first(await log.findings(run.id))
        if findings:
            print("\nfindings (worst first):")
            for f in findings:
                print(f"  [{f['status']}] {f['step_id']}: {visible(f['summary'])}")
                for line in detail_lines(f["details"]):
                    print(f"      {visible(line)}")
        decisions = await log.decisions(run.id)
        if decisions:
            print("\ndecisions and notes:")
            for d in decisions:
                print(f"  {when(d.ts)} {d.user}: {d.kind} {d.step_id or ''} {visible(d.reason)}".rstrip())
        if args.output:
            print("\noutput:")
            after = 0
            while batch := await log.output(run.id, after, 10_000):
                for line in batch:
                    text = line.line if args.raw else visible(line.line)
                    print(f"  {line.step_id} {line.stream}: {text}")
                after = batch[-1].id
        return 0

    return with_log(config, go, create=False)


def _hosts_of(config: Any, run_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """Per-host results of each run (steps on a fleet; docs/fleet.md)."""
    async def go(log) -> dict[int, list[dict[str, Any]]]:
        return {rid: [h.as_dict() for h in await host_results(log, rid)] for rid in run_ids}

    return with_log(config, go, create=False)


def _print_hosts(hosts: list[Any]) -> None:
    """Per-host results of steps that ran on a fleet (docs/fleet.md)."""
    if not hosts:
        return
    print("\nhosts:")
    for h in hosts:
        took = format_duration(h.ended - h.started) if h.ended else ""
        phase = "" if h.phase == "run" else f" ({h.phase})"
        print(f"  {h.step_id}{phase}: {h.host:<16} {h.state:<12} batch {h.batch} {took:>8}"
              + (f"  {visible(h.message)}" if h.message else ""))


def cmd_report(args: Any) -> int:
    from maintui.core.run.report import render_report

    config = site(args)

    async def go(log) -> str:
        _need_run(await log.run(args.run_id), args, config)
        return await render_report(log, args.run_id)

    return emit(with_log(config, go, create=False), args.out, f"run {args.run_id}")


def _param_lines(doc: Any) -> str:
    """A parameter's key, type and default, then its meaning and an example."""
    need = "required" if doc.required else f"default {doc.default}"
    meaning = f"{doc.meaning} · " if doc.meaning else ""
    return (f"    {doc.name:<22} {doc.type:<18} {need}\n"
            f"        {meaning}e.g. {doc.name} = {doc.example}")


def cmd_actions(args: Any) -> int:
    import difflib

    from maintui.core.actions import all_actions

    actions = all_actions()
    if args.name and args.name not in actions:
        hint = difflib.get_close_matches(args.name, actions, n=1)
        raise ConfigError(f"no action {args.name!r}" + (f"; did you mean {hint[0]!r}?" if hint
                                                           else "; see `maintui actions`"))
    for name, cls in actions.items():
        if args.name and name != args.name:
            continue
        undo = " (undo)" if cls.has_undo() else ""
        print(f"{name}{undo} — {cls.summary}")
        if args.name or len(actions) < 2:
            from maintui.core.site.paths import starter_site
            from maintui.core.site.schema import field_docs, screen_examples

            examples = screen_examples(starter_site() / "screens").get(name)
            for doc in field_docs(cls.Params, examples=examples):
                print(_param_lines(doc))
    if not args.name:
        print("\n`maintui actions NAME` lists an action's parameters (`with = { … }` in a step).")
    return 0
