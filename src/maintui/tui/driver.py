"""Textual's Linux driver with an input thread that sleeps until there is something to read.

Textual's input thread wakes ten times a second to look for keys, for the end of a lone
Escape and for the app stopping. On an idle dashboard those wake-ups were a fifth of the
console's CPU. Here the thread waits on the terminal and on a wake-up pipe: written when
the driver stops reading input, so `exit_event` is still seen at once. It wakes on a timer
only while the key parser waits for the rest of an escape sequence.
"""

from __future__ import annotations

import os
import selectors
import threading
from codecs import getincrementaldecoder
from collections.abc import Callable
from typing import Any

from textual._time import get_time
from textual._xterm_parser import XTermParser
from textual.drivers.linux_driver import LinuxDriver

from maintui.tui import updates

POLL = 0.1  # Textual's own interval, kept if its parser ever stops saying when it waits


class WakingEvent(threading.Event):
    """An Event that also calls `wake` when set, to interrupt a blocking `select`."""

    def __init__(self, wake: Callable[[], None]) -> None:
        super().__init__()
        self._wake = wake

    def set(self) -> None:
        super().set()
        self._wake()


class QuietLinuxDriver(LinuxDriver):
    """Reads keys without polling: the idle console's input thread does not run at all."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._wake_read, self._wake_write = os.pipe()
        os.set_blocking(self._wake_write, False)
        self.exit_event = WakingEvent(self._wake)

    def _wake(self) -> None:
        if self._wake_write >= 0:
            try:
                os.write(self._wake_write, b"x")
            except BlockingIOError:  # the pipe is full: the thread has been woken already
                pass

    def start_application_mode(self) -> None:
        super().start_application_mode()
        # a fresh (or re-entered) terminal: frames are written by difference from here on
        updates.track(self._app.console)

    def close(self) -> None:
        super().close()
        fds, (self._wake_read, self._wake_write) = (self._wake_read, self._wake_write), (-1, -1)
        for fd in fds:
            if fd >= 0:
                os.close(fd)

    def run_input_thread(self) -> None:
        """Textual's loop, but `select` blocks until input, a wake-up or a parser timeout."""
        selector = selectors.SelectSelector()
        selector.register(self.fileno, selectors.EVENT_READ)
        selector.register(self._wake_read, selectors.EVENT_READ)
        parser = XTermParser(self._debug)
        decode = getincrementaldecoder("utf-8")().decode

        def process(ready: list[tuple[selectors.SelectorKey, int]], final: bool = False) -> None:
            for key, _ in ready:
                if key.fd == self._wake_read:
                    os.read(self._wake_read, 512)
                    continue
                data = decode(os.read(self.fileno, 4096), final=final)
                if not data:  # stdin piped and closed
                    break
                for event in parser.feed(data):
                    self.process_message(event)
            for event in parser.tick():
                self.process_message(event)

        def timeout() -> float | None:
            if not hasattr(parser, "_timeout_time"):
                return POLL
            due = parser._timeout_time  # set while a lone Escape may yet start a sequence
            return None if due is None else max(0.0, due - get_time())

        try:
            while not self.exit_event.is_set():
                process(selector.select(timeout()))
            selector.unregister(self.fileno)
            process(selector.select(0), final=True)
        finally:
            selector.close()
            try:
                for _ in parser.feed(""):
                    pass
            except Exception:  # EOF or a half-read sequence at exit: nothing more to deliver
                pass
