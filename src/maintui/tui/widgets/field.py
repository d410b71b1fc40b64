"""Field: a dialog's text box that applies its own editing keys in order with the letters."""

from __future__ import annotations

from textual import events
from textual.widgets import Input


class Field(Input):
    """An Input that applies its editing keys (Backspace, arrows, ctrl+w …) as they reach it.

    An Input takes a letter as it reaches it, but leaves its bound keys to the app, which runs
    them after every key already waiting there: in a burst (a laggy link, pasted keys) a
    Backspace came after the Enter behind it, so Enter (keys.SUBMIT, which waits only for the
    field, dialogs/fields.py) read the text without the Backspace."""

    async def _on_key(self, event: events.Key) -> None:
        await super()._on_key(event)  # a printable key: typed in
        if event.is_printable or self.screen.focused is not self:
            return
        node, bindings = self.screen._binding_chain[0]  # this field's keys, as remapped
        for binding in bindings.key_to_bindings.get(event.key, ()) if node is self else ():
            if not binding.priority and await self.app.run_action(binding.action, self):
                event.stop()  # done: the app must not run it again
                event.prevent_default()
                return
