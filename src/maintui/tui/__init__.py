"""The console: a Textual app over maintui.core (the only package here that imports Textual)."""
