"""A foreground run's terminal: progress lines, step output, gate prompts, hang-up handling."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import sys

from maintui.core.ansi import visible
from maintui.core.run.gates import Answer
from maintui.core.run.policy import answer_problem, answer_reason, weighed
from maintui.core.run.stepview import StepView
from maintui.core.states import DecisionKind


class TerminalReporter:
    """Prints progress and output; after a hang-up everything goes to /dev/null, silently."""

    def __init__(self, show_output: bool = True) -> None:
        self.show_output = show_output
        self.silenced = False

    def hang_up(self) -> None:
        """The terminal is gone: writes would fail (EIO) or block, so point fds at /dev/null."""
        self.silenced = True
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            with contextlib.suppress(OSError):
                os.dup2(devnull, fd)
        os.close(devnull)

    def _write(self, text: str) -> None:
        if self.silenced:
            return
        try:
            if sys.stdout.isatty():  # step output must not drive the operator's terminal
                text = "\n".join(visible(line) for line in text.split("\n"))
            sys.stdout.write(text)
            sys.stdout.flush()
        except OSError:
            self.silenced = True

    def say(self, text: str) -> None:
        self._write(text + "\n")

    def lines(self, step_id: str, stream: str, lines: list[str]) -> None:
        if stream == "finding":  # what a check found is shown even with --quiet
            self._write("".join(f"    {ln}\n" for ln in lines))
        elif self.show_output and lines:
            mark = "│" if stream == "stdout" else "┊"
            self._write("".join(f"    {mark} {ln}\n" for ln in lines))


async def _readline() -> str | None:
    """One line from stdin without blocking the loop; None at EOF or when the terminal is gone."""
    loop = asyncio.get_running_loop()
    fut: asyncio.Future[str | None] = loop.create_future()
    fd = sys.stdin.fileno()

    def ready() -> None:
        if not fut.done():
            try:
                line = sys.stdin.readline()
                fut.set_result(line if line else None)
            except OSError:
                fut.set_result(None)

    loop.add_reader(fd, ready)
    try:
        return await fut
    finally:
        loop.remove_reader(fd)


async def ask(prompt: str) -> str | None:
    """One answer typed at the terminal, stripped; None when the terminal is gone."""
    sys.stdout.write(prompt)
    sys.stdout.flush()
    line = await _readline()
    return None if line is None else line.strip()


async def _reason(what: str, name: str = "") -> str | None:
    """A required answer; `name` (approver, ticket) refuses what would forge the other."""
    while True:
        text = await ask(f"  {what} (required): ")
        if text and name and answer_problem(name, text):
            print(f"  {answer_problem(name, text)}")
            continue
        if text is None or text:
            return text


def _show(req: StepView) -> None:
    out = [f"\n■ {req.step_id}: {req.title}   risk: {req.risk}"]
    if weighed(req):
        out.append(f"  {weighed(req)}")
    if req.impact:
        out.append(f"  impact:   {req.impact}")
    if req.description:
        out.append(f"  {req.description}")
    if not req.manual:
        out.append(f"  command:  {req.command}")
    for line in req.plan:
        out.append(f"  will:     {line}")
    if req.rollback:
        out.append(f"  rollback: {req.rollback}")
    # file names in a plan, a --var in a command: nothing in them may drive the terminal
    print("\n".join(visible(line) for line in "\n".join(out).split("\n")))


# What each answer does, on a line of its own above the prompt: a bare `n` (or Enter, at a
# destructive step) stops the whole run, not only that step; the operator reads that first.
SKIP = "s: skip it (asks why)"
STOP = "s: stop the rollout here (asks why)"  # a later batch's gate (docs/fleet.md)
ABORT = "abort the run"
BACK = "r: roll back the run"
BATCH = re.compile(r"^batch \d+ of \d+: ")


def _skip_words(req: StepView) -> str:
    return STOP if BATCH.match(req.title) else SKIP


async def tty_prompt(req: StepView) -> Answer | None:
    """Ask at the terminal, with friction by risk. None when the terminal is gone."""
    _show(req)
    if req.manual:
        choice = await ask(f"  [d]one / [n]ot done / not [a]pplicable / [q]: {ABORT}: ")
        table = {"d": DecisionKind.DONE, "n": DecisionKind.NOT_DONE, "a": DecisionKind.NA,
                 "q": DecisionKind.ABORT}
    elif req.risk == "critical" or req.typed:
        word = req.typed or req.step_id
        what = f"the step id ({word})" if word == req.step_id else repr(word)
        print(f"  {_skip_words(req)} · q: {ABORT} · {BACK}")
        choice = await ask(f"  type {what} to run it, or s / q / r: ")
        table = {word: DecisionKind.CONFIRM, "s": DecisionKind.SKIP, "q": DecisionKind.ABORT,
                 "r": DecisionKind.ROLLBACK}
    else:
        default = "n" if req.risk == "destructive" else "y"
        verb = "check again and run it" if req.blocked else "run it"
        print(f"  y: {verb} · {_skip_words(req)} · n: {ABORT} · {BACK}")
        keys = "y/s/N/r" if default == "n" else "Y/s/n/r"
        choice = await ask(f"  {verb}? [{keys}] (Enter: {default}): ")
        if choice == "":
            choice = default
        table = {"y": DecisionKind.CONFIRM, "n": DecisionKind.ABORT, "s": DecisionKind.SKIP,
                 "q": DecisionKind.ABORT, "r": DecisionKind.ROLLBACK}
    if choice is None:
        return None
    kind = table.get(choice if choice in (req.step_id, req.typed) else choice.lower())
    if kind is None:
        print(f"  not an answer: {choice!r}")
        return await tty_prompt(req)
    reason = ""
    if kind is DecisionKind.CONFIRM and (req.approver or req.ticket):
        approver = await _reason("approved by", "approver") if req.approver else ""
        ticket = await _reason("change ticket id", "ticket") if req.ticket else ""
        if approver is None or ticket is None:
            return None
        reason = answer_reason(approver, ticket)  # recorded with the decision
    if kind in (DecisionKind.SKIP, DecisionKind.NOT_DONE):
        reason = await _reason("why") or ""
    elif kind in (DecisionKind.DONE, DecisionKind.NA):
        reason = (await ask("  note (optional): ")) or ""
    return Answer(kind, reason)
