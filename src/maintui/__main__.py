"""`python -m maintui`."""

from maintui.cli import main

raise SystemExit(main())
