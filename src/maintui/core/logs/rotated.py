"""A log's rotated siblings: numbered (`app.log.1`, `app.log.2.gz`) and dated ones.

Dated names are logrotate's `dateext` (`app.log-20261201`, `app.log-2026120113`), and
`app.log.2026-12-01` (Python's TimedRotatingFileHandler, log4j); each may end in `.gz`.
"""

from __future__ import annotations

import re
from pathlib import Path

_SUFFIX = r"(?:\.\d+|[.-]\d{8}(?:\d{2}(?:\d{4})?)?|[.-]\d{4}-\d\d-\d\d(?:[_-]\d\d(?:-\d\d)*)?)"


def siblings(path: Path) -> list[Path]:
    """The rotated files of `path` beside it (any order); not `path` itself."""
    if not path.parent.is_dir():
        return []
    shape = re.compile(re.escape(path.name) + _SUFFIX + r"(?:\.\d+)?(?:\.gz)?")
    return [p for p in path.parent.glob(path.name + "?*")
            if shape.fullmatch(p.name) and p.is_file()]
