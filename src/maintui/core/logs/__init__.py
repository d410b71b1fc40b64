"""core.logs."""
