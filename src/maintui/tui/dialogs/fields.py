"""`settled`: what a dialog's Enter waits for before it reads a text field (keys.SUBMIT)."""

from __future__ import annotations

import asyncio
import contextlib

from textual.widget import Widget

SETTLE = 1.0  # seconds at most: a field being removed never answers


async def settled(field: Widget | None) -> None:
    """Return once `field` has taken the keys sent to it before now.

    The app hands the keys of a burst (a laggy link, pasted keys) to the focused field faster
    than the field takes them: at Enter the field's value lacks the letters typed just before.
    A priority Enter waits here, holding back the keys behind it, then reads the field and
    moves the focus; the keys behind it go where it moved the focus."""
    if field is None:
        return
    done = asyncio.Event()
    if field.call_later(done.set):  # runs after the messages already in the field's queue
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(done.wait(), SETTLE)
