"""core.probes."""
