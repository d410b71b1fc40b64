"""The engine: screen files, runner, run log, actions, probes. Never imports Textual or Rich."""
