"""tui.models."""
