"""tui.dialogs."""
