"""The console in a browser: textual-serve on loopback by default, behind a URL token otherwise."""
