"""core.site."""
