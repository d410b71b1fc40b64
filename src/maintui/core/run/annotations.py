"""Findings from a script's output: `::warning::text` lines (GitHub Actions' workflow-command
syntax) become findings of the step that printed them (docs/findings.md)."""

from __future__ import annotations

import re
from typing import Any

# `::error::text`, `::warning title=Disk,file=/etc/x::text`; the text may be empty only with a title
LINE = re.compile(r"^::(error|warning|notice)(?:[ \t]+([^:]*))?::(.*)$")
STATUS = {"error": "critical", "warning": "warning", "notice": "info"}
LIMIT = 200  # findings kept per step attempt; a looping script must not flood the run log
# GitHub's escapes in the text and in property values (`%0A` a newline, `%2C` a comma …)
ESCAPES = {"%25": "%", "%0D": "\r", "%0A": "\n", "%3A": ":", "%2C": ","}


def _unescape(text: str) -> str:
    return re.sub(r"%(25|0D|0A|3A|2C)", lambda m: ESCAPES[m.group(0).upper()], text,
                  flags=re.IGNORECASE)


def _properties(text: str | None) -> dict[str, str]:
    """`title=Disk,file=/etc/x` as a dict; a part without `=` is kept under its own name."""
    out: dict[str, str] = {}
    for part in (text or "").split(","):
        key, sep, value = part.strip().partition("=")
        if key:
            out[key.strip()] = _unescape(value.strip()) if sep else ""
    return out


def parse(line: str) -> dict[str, Any] | None:
    """The finding one output line reports, or None when it is not an annotation."""
    match = LINE.match(line.rstrip("\r"))
    if match is None:
        return None
    kind, props_text, text = match.groups()
    props = _properties(props_text)
    title = props.pop("title", "")
    text = " ".join(_unescape(text).split())  # one line, as every finding's summary is
    if not text and not title:
        return None
    summary = f"{title}: {text}" if title and text else (text or title)
    # file=, line=, col= … as the script gave them: which files, which rows
    return {"status": STATUS[kind], "summary": summary, "details": dict(props)}


class Annotations:
    """Collects the findings in the lines a step prints, in order, up to `limit`."""

    def __init__(self, limit: int = LIMIT) -> None:
        self.limit = limit
        self.found: list[dict[str, Any]] = []
        self.dropped = 0

    def scan(self, lines: list[str]) -> None:
        for line in lines:
            if not line.startswith("::"):  # the cheap test first: most lines are not
                continue
            finding = parse(line)
            if finding is None:
                continue
            if len(self.found) < self.limit:
                self.found.append(finding)
            else:
                self.dropped += 1

    @property
    def findings(self) -> list[dict[str, Any]]:
        """What was found, and a warning saying how many were left out past the limit."""
        if not self.dropped:
            return list(self.found)
        return [*self.found, {"status": "warning",
                              "summary": f"{self.dropped} more ::warning::/::error:: lines not "
                                         f"recorded as findings (at most {self.limit} a step)",
                              "details": {"dropped": self.dropped}}]
