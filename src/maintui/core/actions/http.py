"""`http.check`: an endpoint answers 2xx (or the expected status) within a time limit; any
method, with headers (credentials masked in what is shown) and a body."""

from __future__ import annotations

import base64
import json
import time
import urllib.error
import urllib.request
from typing import Any, Literal
from urllib.parse import unquote, urlsplit, urlunsplit

from pydantic import Field, field_validator, model_validator

from maintui.core.actions import register
from maintui.core.actions._util import CheckParams, seconds, verdict
from maintui.core.actions.base import Action, ActionContext, ActionResult, Finding
from maintui.core.masking import MASK, is_secret_name

SCHEMES = ("http://", "https://", "file://")  # file:// lets a site check a status file


Method = Literal["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
# header names that carry credentials whatever they are called (beside *TOKEN*, *KEY*, …)
SECRET_HEADERS = {"authorization", "proxy-authorization", "cookie", "set-cookie"}


class HttpParams(CheckParams):
    url: str  # the address checked: http://, https:// or file://; user:password@ in it is sent as Basic authorization and shown masked
    method: Method = Field("GET", examples=["POST"])  # the HTTP method
    headers: dict[str, str] = Field({}, examples=[{"Authorization": "Bearer ${env.API_TOKEN}"}])  # request headers; credentials (Authorization, *TOKEN*, …) are masked where shown
    body: str | dict[str, Any] | None = Field(None, examples=[{"probe": True}])  # text as is, or a table sent as JSON
    timeout: float = 5.0  # seconds, or a duration such as "5s"
    expect_status: list[int] = Field([], examples=[[200, 204]])  # empty: any 2xx
    contains: str | None = Field(None, examples=['"status": "ok"'])  # the answer must contain this text
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

    @model_validator(mode="after")
    def _file_is_read(self) -> HttpParams:
        if self.url.startswith("file://") and (self.method != "GET" or self.body is not None):
            raise ValueError("a file:// url is only read: leave method and body out")
        return self

    @model_validator(mode="after")
    def _one_credential(self) -> HttpParams:
        if _userinfo(self.url) and any(k.lower() == "authorization" for k in self.headers):
            raise ValueError("the url has user:password@ and headers has Authorization: give "
                             "the credentials once (remove one of them)")
        return self

    @property
    def shown_url(self) -> str:
        """The url as findings, plans and logs show it: a password in it masked."""
        parts = urlsplit(self.url)
        if parts.password is None:
            return self.url
        host = parts.netloc.rpartition("@")[2]
        return urlunsplit(parts._replace(netloc=f"{parts.username}:{MASK}@{host}"))

    def request_url(self) -> str:
        """The url sent: without user:password@ (urllib would read it as part of the host)."""
        if not _userinfo(self.url):
            return self.url
        parts = urlsplit(self.url)
        return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))

    def request_headers(self) -> dict[str, str]:
        """The headers given, plus Basic authorization from the url's user:password@."""
        if not _userinfo(self.url):
            return dict(self.headers)
        parts = urlsplit(self.url)
        pair = f"{unquote(parts.username or '')}:{unquote(parts.password or '')}"
        return {**self.headers, "Authorization": "Basic " + base64.b64encode(pair.encode()).decode()}

    def payload(self) -> tuple[bytes | None, dict[str, str]]:
        """The body as bytes and the headers to send (a table body adds its Content-Type)."""
        headers = {"User-Agent": "maintui-health-check", **self.request_headers()}
        if self.body is None:
            return None, headers
        if isinstance(self.body, dict):
            if not any(k.lower() == "content-type" for k in headers):
                headers["Content-Type"] = "application/json"
            return json.dumps(self.body).encode(), headers
        return self.body.encode(), headers


def _userinfo(url: str) -> bool:
    """Whether an http(s) url carries user[:password]@ before its host."""
    return url.startswith(("http://", "https://")) and "@" in urlsplit(url).netloc


def shown_headers(headers: dict[str, str]) -> dict[str, str]:
    """Headers as a finding or log shows them: credentials masked by their name."""
    return {k: MASK if k.lower() in SECRET_HEADERS or is_secret_name(k) else v
            for k, v in headers.items()}


@register
class HttpCheck(Action):
    name = "http.check"
    summary = ("A URL answers with 2xx (or the expected status) within a time limit; any "
               "method, headers and body")
    Params = HttpParams
    changes_nothing = True

    def run(self, ctx: ActionContext) -> ActionResult:
        p: HttpParams = ctx.params
        started = time.monotonic()
        status, body, error = self._fetch(p)
        ms = (time.monotonic() - started) * 1000
        url = p.shown_url
        details: dict[str, Any] = {"url": url, "method": p.method, "status": status,
                                   "ms": round(ms, 1)}
        if p.request_headers():
            details["headers"] = shown_headers(p.request_headers())
        if error:
            finding = Finding("critical", f"{url}: {error}", details)
        elif not (status in p.expect_status if p.expect_status else 200 <= status < 300):
            want = ", ".join(map(str, p.expect_status)) or "2xx"
            finding = Finding("critical", f"{url}: HTTP {status}, expected {want}", details)
        elif p.contains is not None and p.contains not in body:
            finding = Finding("critical", f"{url}: answer does not contain {p.contains!r}", details)
        elif p.slow_ms is not None and ms > p.slow_ms:
            finding = Finding("warning", f"{url}: HTTP {status} but slow: {ms:.0f} ms "
                              f"(limit {p.slow_ms:.0f} ms)", details)
        else:
            finding = Finding("ok", f"{url}: HTTP {status} in {ms:.0f} ms", details)
        return verdict([finding], p.fail_on)

    def plan(self, ctx: ActionContext) -> list[str]:
        p: HttpParams = ctx.params
        if p.method in ("GET", "HEAD", "OPTIONS"):
            return ["changes nothing (read-only check)"]
        body = "" if p.body is None else f" with a {len(p.payload()[0] or b'')}-byte body"
        return [f"send {p.method} {p.shown_url}{body}: what the server does with it is its own"]

    @staticmethod
    def _fetch(p: HttpParams) -> tuple[int, str, str]:
        """(status, body text, error message or '')."""
        data, headers = p.payload()
        req = urllib.request.Request(p.request_url(), data=data, headers=headers, method=p.method)
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
        except (OSError, ValueError) as exc:  # str(exc) may quote the url: mask it
            return 0, "", f"request failed ({str(exc).replace(p.url, p.shown_url)})"
