"""core.incidents."""
