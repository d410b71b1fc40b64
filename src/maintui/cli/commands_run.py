"""`maintui run`, `resume`, `rollback`: the runner in the foreground (cron) or detached."""

from __future__ import annotations

import asyncio
import signal
import sys
from typing import Any

from maintui.cli.common import again, err, parse_vars, site, with_log
from maintui.core.errors import UsageError
from maintui.core.states import DecisionKind, RunState, StepState


def _answer(name: str):
    """--approver/--ticket as argparse checks them: a ';' or line break would forge the other
    in the decision's reason (core/run/policy.py)."""
    import argparse

    def check(value: str) -> str:
        # imported on use: the policy loads the screen model (pydantic, ~10 MiB), which the
        # console's parser would otherwise load before its first frame
        from maintui.core.run.policy import answer_problem

        if answer_problem(name, value):
            raise argparse.ArgumentTypeError(answer_problem(name, value))
        return value

    return check


def register(sub: Any, common: Any) -> None:
    p = sub.add_parser("run", help="run a screen's steps (headless: cron, SSH)",
                       description="Run a screen. With a terminal, gates ask there; without one "
                       "and without --yes, the run stops at the first gate (exit 3).")
    common(p)
    p.add_argument("screen", help="screen name (daily, weekly, …) or a screen file path")
    p.add_argument("--yes", "-y", action="store_true", help="answer every gate yes (unattended)")
    p.add_argument("--dry-run", action="store_true", help="print the plan; touch nothing")
    p.add_argument("--var", action="append", metavar="K=V", help="override a ${K} variable")
    p.add_argument("--quiet", "-q", action="store_true", help="do not print step output")
    p.add_argument("--detach", action="store_true", help="start the run in the background and "
                   "print its id; answer its gates from the console")
    p.add_argument("--detached", action="store_true", help=argparse_hidden())
    p.add_argument("--incident", help="attach the run to an incident id")
    p.add_argument("--only", metavar="IDS", help="run only these steps: ids or tag:NAME, "
                   "comma-separated (e.g. --only tag:check)")
    p.add_argument("--limit", metavar="HOSTS", help="run steps on hosts only on these: an "
                   "Ansible pattern (e.g. web1,web2 or 'web:!web3'); see docs/fleet.md")
    p.add_argument("--reason", default="", help="why the run starts outside the screen's window")
    p.add_argument("--approver", default="", metavar="NAME", type=_answer("approver"), help="who approved the change, for "
                   "steps whose class policy asks (docs/classes.md)")
    p.add_argument("--ticket", default="", metavar="ID", type=_answer("ticket"), help="the change ticket id, for steps "
                   "whose class policy asks (docs/classes.md)")
    p.add_argument("--outside-window", action="store_true", help="start an unattended run "
                   "outside the screen's window (recorded as a decision); without it, exit 3")
    after = p.add_mutually_exclusive_group()
    after.add_argument("--resume", action="store_true", help="when the screen's last run was "
                       "interrupted, continue it (from the step that was running)")
    after.add_argument("--new", action="store_true", help="when the screen's last run was "
                       "interrupted, leave it (nothing undone, no longer resumable) and start "
                       "a new run")
    p.set_defaults(handler=cmd_run)

    r = sub.add_parser("resume", help="continue an interrupted run")
    common(r)
    r.add_argument("run_id", type=int, metavar="RUN")
    r.add_argument("--choice", choices=["resume", "done", "rollback"],
                   help="what to do with the unfinished step (asked when omitted)")
    r.add_argument("--yes", "-y", action="store_true", help="answer later gates yes")
    r.add_argument("--approver", default="", metavar="NAME", type=_answer("approver"), help="with --yes: who approved "
                   "the change, for steps whose class policy asks (docs/classes.md)")
    r.add_argument("--ticket", default="", metavar="ID", type=_answer("ticket"), help="with --yes: the change ticket "
                   "id, for steps whose class policy asks (docs/classes.md)")
    r.add_argument("--detached", action="store_true", help=argparse_hidden())
    r.set_defaults(handler=cmd_resume)

    b = sub.add_parser("rollback", help="undo a run's completed steps, newest first")
    common(b)
    b.add_argument("run_id", type=int, metavar="RUN")
    b.add_argument("--yes", action="store_true", help="do not ask (needed without a terminal)")
    b.add_argument("--dry-run", action="store_true", help="only list what would be undone")
    # the console's rollback: a runner of its own, in a new session, followed like any run
    b.add_argument("--detached", action="store_true", help=argparse_hidden())
    b.set_defaults(handler=cmd_rollback)


def argparse_hidden() -> str:
    import argparse

    return argparse.SUPPRESS


def _gates(args: Any) -> str:
    if getattr(args, "yes", False):
        return "yes"
    if getattr(args, "detached", False):
        return "log"
    return "tty" if sys.stdin.isatty() and sys.stdout.isatty() else "none"


def cmd_run(args: Any) -> int:
    from maintui.core.site.screenfile import load_screen

    if getattr(args, "limit", None):  # a variable, so a detached runner and the run row get it
        args.var = [*(args.var or []), f"fleet.limit={args.limit}"]
    config = site(args, acts=not args.dry_run, screen=args.screen)  # and its --var keys
    screen = load_screen(config, args.screen)
    from maintui.core.run.options import check_limit

    check_limit(screen, args.limit)  # before anything runs, dry run or detached alike
    if args.only is not None:  # refused here too: a dry run or a detached runner would not say so
        from maintui.core.run.options import pick_only

        names = [o.strip() for o in args.only.split(",") if o.strip()]
        if not names:  # `--only ""` (an empty shell variable) must not mean every step
            raise UsageError(f"--only {args.only!r}: no step id or tag given; name the steps, "
                             "e.g. --only backup,tag:check, or leave --only out to run them all")
        pick_only(screen, [s.id for s in screen.steps], names)
    if args.dry_run:
        return _dry_run(config, screen, parse_vars(args.var))
    if not args.detached and _window_refused(screen, args):
        return 3
    if args.incident:  # before anything runs: a typo must not leave the run unattached
        from maintui.core.incidents import model as incidents

        with_log(config, lambda log: incidents.get_incident(log, args.incident, must_be_open=True))
    if not args.detached:  # the console decides for itself what to do with an interrupted run
        faced = _face_interrupted(config, screen, args)
        if isinstance(faced, int):
            return faced
        if faced is not None:
            return _continue_interrupted(config, screen, args, *faced)
    if args.detach:
        from maintui.core.run.launch import spawn_runner

        extra = [f"--var={v}" for v in args.var or []] + (["--yes"] if args.yes else [])
        extra += ["--reason", args.reason] if args.reason else []
        extra += ["--approver", args.approver] if args.approver else []
        extra += ["--ticket", args.ticket] if args.ticket else []
        extra += ["--outside-window"] if args.outside_window else []
        extra += ["--only", args.only] if args.only else []
        extra += ["--incident", args.incident] if args.incident else []
        run_id = spawn_runner(config.path, screen.name, extra)
        print(f"run {run_id} started in the background; watch it with `maintui attach {run_id}"
              f"{again(config)}` or `maintui show {run_id}{again(config)}`")
        return 0
    return asyncio.run(_foreground(config, screen, args, adopt=None))


def _window_refused(screen: Any, args: Any) -> bool:
    """An unattended run (--yes, or no terminal) outside the screen's window does not start
    unless --outside-window says so; at a terminal the operator is asked why instead."""
    import time

    from maintui.core.run.artifacts import outside_window
    from maintui.core.site.schedule import next_window

    if not (args.yes or _gates(args) == "none") or args.outside_window:
        return False
    now = time.time()
    if not outside_window(screen, now):
        return False
    opens = next_window(screen.window, now).strftime("%a %Y-%m-%d %H:%M %Z").strip()
    err(f"not started: {screen.name} runs in its window {screen.window!r} and it is outside "
        f"it now; the next window opens {opens}. Run it then, or pass --outside-window "
        "(and --reason WHY) to start now: that decision is recorded in the run log")
    return True


def _face_interrupted(config: Any, screen: Any, args: Any) -> int | tuple[int, str | None] | None:
    """When the screen's last run was interrupted: None to start a new run (after closing the
    old one), (run id, choice) to resume or roll it back, or an exit code. Headless runs
    never guess: without --resume or --new they stop with exit 4."""
    from maintui.core.run.interrupted import interrupted_run, start_anew

    run = with_log(config, lambda log: interrupted_run(log, screen.name))
    if run is None:
        return None
    if args.resume:
        return run.id, "resume"
    what = (f"run {run.id} of {screen.name} was interrupted"
            + (f" ({run.message})" if run.message else ""))
    if not args.new:
        if args.yes or _gates(args) != "tty":
            err(f"not started: {what}. Resume it with `maintui resume {run.id}{again(config)}` "
                f"(or pass --resume), roll it back with `maintui resume {run.id} --choice "
                f"rollback{again(config)}`, "
                "or pass --new to leave it and start a new run")
            return 4
        answer = _ask_interrupted(what)
        if answer in ("resume", "rollback"):
            return run.id, None if answer == "resume" else "rollback"
        if answer != "new":
            print("nothing started")
            return 3
    from maintui.core.run.options import RunOptions

    user = RunOptions().user  # who the operator is, as the runner records it
    with_log(config, lambda log: start_anew(log, run.id, user))
    print(f"run {run.id} stays interrupted (nothing undone, its unfinished steps closed); "
          "starting a new run")
    return None


def _ask_interrupted(what: str) -> str | None:
    from maintui.cli.terminal import ask

    answer = asyncio.run(ask(f"{what}.\n  [r]esume it / roll [b]ack its steps / start [n]ew "
                             "(it ends as aborted) / [q]uit: "))
    return {"r": "resume", "b": "rollback", "n": "new"}.get((answer or "").strip().lower())


def _continue_interrupted(config: Any, screen: Any, args: Any, run_id: int,
                          choice: str | None) -> int:
    if args.detach:
        from maintui.core.run.launch import spawn_runner

        extra = ["--choice", choice or "resume"] + (["--yes"] if args.yes else [])
        spawn_runner(config.path, str(run_id), extra, command="resume")
        print(f"run {run_id} resumed in the background; watch it with "
              f"`maintui attach {run_id}{again(config)}`")
        return 0
    return asyncio.run(_foreground(config, screen, args, adopt=run_id, choice=choice))


async def _say_failed_hosts(log: Any, run_id: int) -> None:
    """Steps on hosts (docs/fleet.md): which hosts failed or were unreachable, by step."""
    from maintui.core.fleet.results import failed_hosts
    from maintui.core.store.hosts import host_results

    named = failed_hosts(await host_results(log, run_id))
    if named:
        err(f"hosts failed or unreachable: {named}")


async def _foreground(config, screen, args: Any, adopt: int | None, choice: str | None = None) -> int:
    from maintui.cli.terminal import TerminalReporter, tty_prompt
    from maintui.core.run.lease import recover_interrupted
    from maintui.core.run.runner import Runner, RunOptions
    from maintui.core.store.db import RunLog

    detached = getattr(args, "detached", False)
    reporter = TerminalReporter(show_output=not getattr(args, "quiet", False) and not detached)
    gates = _gates(args)
    options = RunOptions(gates=gates, vars=parse_vars(getattr(args, "var", None)),
                         incident=getattr(args, "incident", None),
                         reason=getattr(args, "reason", "") or "",
                         only=[o.strip() for o in (getattr(args, "only", None) or "").split(",")
                               if o.strip()],
                         mode="detached" if detached else "foreground",
                         approver=getattr(args, "approver", "") or "",
                         ticket=getattr(args, "ticket", "") or "")
    log = await RunLog.open(config.store_path)
    try:
        await recover_interrupted(log)
        runner = Runner(config, screen, log, options, reporter,
                        tty_prompt if gates == "tty" else None)
        if adopt is None and gates == "tty" and runner.outside_window() and not options.reason:
            from maintui.cli.terminal import ask

            options.reason = await ask(f"{screen.name} runs in the window {screen.window}; "
                                        "it is outside it now. Why start anyway? ") or ""
            if not options.reason:
                err("not started: a reason is needed outside the maintenance window")
                return 3
        if adopt is None and gates == "yes":  # refused before anything runs, not mid-run
            from maintui.core.run.policy import headless_missing

            steps = [screen.step(sid) for sid in runner.select([s.id for s in screen.steps])]
            lacking = headless_missing(config, steps, options.approver, options.ticket)
            if lacking:
                err(f"not started: {lacking} (their class policy asks; docs/classes.md)")
                return 3
        if adopt is None:
            await runner.create()
            if runner.outside_window():
                await _record_outside_window(runner, screen, args, options)
        else:
            await runner.adopt(adopt)
        if detached:
            from maintui.core.run.launch import announce

            announce(runner.run_id)
            reporter.silenced = True
        else:
            reporter.say(f"run {runner.run_id}: {screen.title} ({screen.name}) — "
                         f"run log {config.store_path}")
        _install_signals(runner, log, reporter, options)
        if adopt is not None:
            final = await _resume(runner, choice, reporter)
        else:
            final = await runner.run()
        if final is not RunState.SUCCEEDED and not reporter.silenced:
            err(f"run {runner.run_id} {final}" + (f": {runner.final_message}"
                                                   if runner.final_message else ""))
            await _say_failed_hosts(log, runner.run_id)
        return RunState(final).exit_code
    finally:
        await log.close()


async def _record_outside_window(runner, screen, args: Any, options) -> None:
    """A run started outside its window: who decided, how, and why, as a decision."""
    how = ("--outside-window" if getattr(args, "outside_window", False)
           else "started from the console" if getattr(args, "detached", False)
           else "asked at the terminal")
    why = options.reason or "no reason given"
    await runner.log.add_decision(runner.run_id, DecisionKind.NOTE, None,
                                  f"started outside the window {screen.window} ({how}): {why}",
                                  options.user, options.client)


def _install_signals(runner, log, reporter, options) -> None:
    """Hang-up: keep going silently. INT/TERM: record an abort; the running step is killed."""
    loop = asyncio.get_running_loop()

    def hang_up() -> None:
        reporter.hang_up()
        options.gates = "log" if options.gates == "tty" else options.gates

    def stop(name: str) -> None:
        reporter.say(f"\n{name}: aborting run {runner.run_id} (the running step is stopped)")
        loop.create_task(log.add_decision(runner.run_id, DecisionKind.ABORT, None,
                                          f"{name} received", options.user, options.client))

    loop.add_signal_handler(signal.SIGHUP, hang_up)
    loop.add_signal_handler(signal.SIGINT, stop, "SIGINT")
    loop.add_signal_handler(signal.SIGTERM, stop, "SIGTERM")
    # a file-size limit (RLIMIT_FSIZE) must surface as an error, not kill the runner
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)


def _dry_run(config, screen, overrides: dict[str, str]) -> int:
    from maintui.core.run.plan import plan_screen
    from maintui.core.run.policy import weighed

    items = plan_screen(config, screen, overrides)
    print(f"Dry run of {screen.name}: {screen.title} — {len(items)} steps, nothing is changed\n")
    for n, item in enumerate(items, 1):
        print(f"{n:>2}. {item.step_id} — {item.title}")
        print(f"    risk {item.risk} · {item.gate}" + (f" · after {', '.join(item.after)}"
                                                        if item.after else "")
              + (f" · after any outcome of {', '.join(item.after_any)}" if item.after_any
                 else ""))
        if item.only_if:
            print(f"    only if: {item.only_if}  (exits 0; else the step is skipped)")
        if weighed(item, policy=False):  # what the operator weighs (the gate: its policy)
            print(f"    weigh:   {weighed(item, policy=False)}")
        if item.impact:
            print(f"    impact:  {item.impact}")
        if item.policy:  # its window too, open now or when it next opens: the gate holds it
            print(f"    policy:  {item.policy.split(': ', 1)[-1]}")
        print(f"    {'do' if item.kind != 'manual' else '  '}:      {_hang(item.command)}")
        for change in item.plan:
            print(f"    would:   {change}")
        if item.verify:
            print(f"    verify:  {_hang(item.verify)}")
        if item.rollback:
            print(f"    undo:    {_hang(item.rollback)}")
    return 0


def _hang(text: str) -> str:
    """A script of several lines, its later lines under its first (after `    do:      `)."""
    return text.replace("\n", "\n" + " " * 13)


async def _resume(runner, choice: str | None, reporter) -> RunState:
    from maintui.core.run.steps import verify

    rows = await runner.log.steps(runner.run_id)
    unfinished = [r for r in rows if r.state in (StepState.RUNNING, StepState.WAITING)]
    if unfinished:
        row = unfinished[0]
        step = runner.screen.step(row.step_id)
        reporter.say(f"unfinished step: {row.step_id} ({row.state} when the runner stopped)")
        runner.recorder.start()
        if step.verify is not None:
            verdict = await verify(runner.ctx, step)
            reporter.say(f"  its verify check: {'passed' if verdict is None else verdict}")
        choice = choice or await _ask_choice(reporter)
        if choice is None:
            raise UsageError("no choice made: pass --choice resume|done|rollback")
        await runner.log.add_decision(runner.run_id, DecisionKind.NOTE, row.step_id,
                                      f"after interruption: {choice}", runner.opt.user)
        if choice == "done":
            await runner.records.set(row.step_id, StepState.SUCCEEDED,
                                     reason="marked done by the operator after an interruption")
            runner.completed.append(row.step_id)
        elif choice == "rollback":
            ran = row.state == StepState.RUNNING  # a step held at its gate changed nothing
            await runner.records.set(row.step_id, StepState.FAILED if ran else StepState.CANCELLED,
                                     reason="interrupted: the runner stopped while it ran" if ran
                                     else "not run: the run was interrupted at its gate")
            final, message = await runner.rollback("rollback after an interruption",
                                                   row.step_id if ran else None)
            await runner.recorder.stop()
            await runner.finish(final, message)
            return final
        else:
            await runner.records.set(row.step_id, StepState.PENDING, reason="resumed")
        await runner.recorder.stop()
    return await runner.drive(runner.order)


async def _ask_choice(reporter) -> str | None:
    if not sys.stdin.isatty():
        return None
    from maintui.cli.terminal import ask

    answer = await ask("  [r]esume from it / mark it [d]one / roll [b]ack the run: ")
    return {"r": "resume", "d": "done", "b": "rollback"}.get((answer or "").lower())


def _load_run(args: Any):
    from maintui.core.site.screenfile import load_screen

    config = site(args, acts=True)

    async def get(log):
        return await log.run(args.run_id)

    run = with_log(config, get, create=False)
    if run is None:
        raise UsageError(f"no run {args.run_id} in {config.store_path}; see "
                         f"`maintui history{again(config)}`")
    return config, load_screen(config, run.screen), run


def cmd_resume(args: Any) -> int:
    config, screen, run = _load_run(args)
    if run.state != RunState.INTERRUPTED:
        err(f"run {run.id} is {run.state}, not interrupted: only an interrupted run can resume")
        return 2

    async def newer(log) -> int | None:
        runs = await log.runs(limit=1, screen=run.screen)
        return runs[0].id if runs and runs[0].id != run.id else None

    later = with_log(config, newer)
    if later is not None:  # its steps may have been done again since: resuming could repeat them
        err(f"run {run.id} cannot resume: run {later} of {run.screen} started after it; "
            f"start a new run, or roll it back with `maintui rollback {run.id}`")
        return 2
    return asyncio.run(_foreground(config, screen, args, adopt=run.id, choice=args.choice))


def cmd_rollback(args: Any) -> int:
    config, screen, run = _load_run(args)
    if RunState(run.state).live:
        err(f"run {run.id} is still {run.state}: roll it back from its console or abort it first")
        return 2

    async def planned(log) -> tuple[list[tuple[str, str]], str | None]:
        from maintui.core.run.plan import undo_plan

        rows = await log.steps(run.id)
        # an interrupted run's step that was running may have changed half: it is undone first
        running = next((r.step_id for r in rows if r.state == StepState.RUNNING), None)
        return undo_plan(config, screen, run.id, rows), running

    plan, first = with_log(config, planned)
    done = [sid for sid, _ in plan]
    if not done:
        print(f"run {run.id} ({run.state}) has no completed step to undo; nothing changed")
        return 0
    if args.detached and not args.yes:  # the console asked its operator before spawning this
        err("a detached rollback does not ask: pass --yes")
        return 3
    if not args.detached:  # detached, the first line out is the run id (launch.announce)
        order = "the interrupted step first, then newest first" if first else "newest first"
        print(f"rolling back run {run.id} ({screen.name}, {run.state}) undoes, {order}:")
        for sid, line in plan:
            print(f"  {sid}: {line}")
    if args.dry_run:
        return 0
    if not args.yes:
        if not sys.stdin.isatty():
            err("rollback changes the machine: confirm at a terminal, or pass --yes")
            return 3
        if input(f"Roll back {len(done)} step(s) of run {run.id}? [y/N] ").strip().lower() not in (
                "y", "yes"):
            print("nothing rolled back")
            return 3

    async def go(log) -> int:
        from maintui.cli.terminal import TerminalReporter
        from maintui.core.run.runner import Runner, RunOptions

        reporter = TerminalReporter()
        runner = Runner(config, screen, log, RunOptions(gates="none"), reporter)
        await runner.adopt(run.id)
        if args.detached:
            from maintui.core.run.launch import announce

            announce(run.id)
            reporter.silenced = True
        runner.recorder.start()
        if first is not None:
            await runner.records.set(first, StepState.FAILED,
                                     reason="interrupted: the runner stopped while it ran")
        final, message = await runner.rollback(f"rollback of run {run.id} requested", first)
        await runner.recorder.stop()
        await runner.finish(final, message)
        await runner.artifacts.write_report()  # the one written at its end said the old outcome
        return 0 if final is RunState.ROLLED_BACK else 1

    return with_log(config, go)


