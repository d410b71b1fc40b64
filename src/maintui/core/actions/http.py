"""`http.check`: a health endpoint answers 2xx (or the expected status) within a time limit."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from typing import Any

from pydantic import field_validator

from maintui.core.actions import register
from maintui.core.actions._util import CheckParams, seconds, verdict
from maintui.core.actions.base import Action, ActionContext, ActionResult, Finding

SCHEMES = ("http://", "https://", "file://")  # file:// lets a site check a status file


class HttpParams(CheckParams):
    url: str  # the address checked: http://, https:// or file://
    timeout: float = 5.0  # seconds, or a duration such as "5s"
    expect_status: list[int] = []  # empty: any 2xx
    contains: str | None = None  # the body must contain this text
    slow_ms: float | None = None  # answers slower than this are a warning

    @field_validator("timeout", mode="before")
    @classmethod
    def _duration(cls, v: Any) -> float:
        return seconds(v)

    @field_validator("url")
    @classmethod
    def _scheme(cls, v: str) -> str:
        if not v.startswith(SCHEMES):
            raise ValueError(f"url must start with {', '.join(SCHEMES)} (got {v!r})")
        return v


@register
class HttpCheck(Action):
    name = "http.check"
    summary = "A URL answers with 2xx (or the expected status) within a time limit"
    Params = HttpParams
    changes_nothing = True

    def run(self, ctx: ActionContext) -> ActionResult:
        p: HttpParams = ctx.params
        started = time.monotonic()
        status, body, error = self._fetch(p)
        ms = (time.monotonic() - started) * 1000
        details = {"url": p.url, "status": status, "ms": round(ms, 1)}
        if error:
            finding = Finding("critical", f"{p.url}: {error}", details)
        elif not (status in p.expect_status if p.expect_status else 200 <= status < 300):
            want = ", ".join(map(str, p.expect_status)) or "2xx"
            finding = Finding("critical", f"{p.url}: HTTP {status}, expected {want}", details)
        elif p.contains is not None and p.contains not in body:
            finding = Finding("critical", f"{p.url}: answer does not contain {p.contains!r}", details)
        elif p.slow_ms is not None and ms > p.slow_ms:
            finding = Finding("warning", f"{p.url}: HTTP {status} but slow: {ms:.0f} ms "
                              f"(limit {p.slow_ms:.0f} ms)", details)
        else:
            finding = Finding("ok", f"{p.url}: HTTP {status} in {ms:.0f} ms", details)
        return verdict([finding], p.fail_on)

    @staticmethod
    def _fetch(p: HttpParams) -> tuple[int, str, str]:
        """(status, body text, error message or '')."""
        req = urllib.request.Request(p.url, headers={"User-Agent": "maintui-health-check"})
        try:
            with urllib.request.urlopen(req, timeout=p.timeout) as resp:
                body = resp.read(1 << 20).decode("utf-8", "replace")
                return (resp.status or 200), body, ""  # file:// has no status: readable is 200
        except urllib.error.HTTPError as exc:
            return exc.code, "", ""
        except urllib.error.URLError as exc:
            reason = exc.reason
            if isinstance(reason, TimeoutError) or "timed out" in str(reason):
                return 0, "", f"no answer within {p.timeout:g}s"
            return 0, "", f"cannot connect ({reason})"
        except TimeoutError:
            return 0, "", f"no answer within {p.timeout:g}s"
        except (OSError, ValueError) as exc:
            return 0, "", f"request failed ({exc})"
