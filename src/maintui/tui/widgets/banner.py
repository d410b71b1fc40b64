"""The maintenance-mode banner, shown while maintenance mode is on."""

from __future__ import annotations

from typing import Any

from textual.widgets import Static

from maintui.core.units import clock_time


class MaintenanceBanner(Static):
    """Hidden unless maintenance mode is on; then says why, until when, and the impact."""

    DEFAULT_CSS = """
    MaintenanceBanner { height: auto; display: none; }
    MaintenanceBanner.-on { display: block; }
    """

    def show(self, state: dict[str, Any] | None, now: float) -> None:
        on = bool(state and state.get("on"))
        self.set_class(on, "-on")
        if on and state is not None:
            self.update(self.describe(state, now))

    @staticmethod
    def describe(state: dict[str, Any], now: float) -> str:
        parts = ["MAINTENANCE MODE ON", str(state.get("message") or "")]
        end = state.get("end")
        if isinstance(end, int | float):
            parts.append(f"until {clock_time(end, now)}")
        elif end:
            parts.append(f"until {end}")
        if state.get("impact"):
            parts.append(f"impact: {state['impact']}")
        return " · ".join(p for p in parts if p)
