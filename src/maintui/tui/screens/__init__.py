"""tui.screens."""
