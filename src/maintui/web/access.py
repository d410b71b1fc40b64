"""Who may open a console: the URL token when there is one, else this machine's own browser."""

from __future__ import annotations

import ipaddress
import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit


def _loopback_name(hostname: str) -> bool:
    if hostname == "localhost" or hostname.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(hostname).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class Access:
    """The admission rule, checked on the page and on the websocket before a console starts.

    With a token (`--allow-remote`) the request must carry it, and nothing else is asked: a
    reverse proxy may rename the host. Without one the server is on loopback, and two checks
    keep other web sites out: the Host must be a loopback name (a DNS-rebinding page carries
    its own name), and a browser's websocket must come from the page's own origin (browsers
    let any site open a websocket to 127.0.0.1, but they always say where it comes from).
    """

    token: str | None = None

    def refusal(self, *, host: str, origin: str | None, token: str | None,
                websocket: bool) -> str | None:
        """Why this request is refused, or None to admit it."""
        if self.token is not None:
            given = (token or "").encode()
            if not secrets.compare_digest(given, self.token.encode()):
                return "missing or wrong token"
            return None
        try:
            hostname = urlsplit(f"//{host}").hostname or ""
        except ValueError:  # an unbalanced "[" and the like
            hostname = ""
        if not _loopback_name(hostname):
            return f"Host {host!r} is not a loopback name"
        if websocket and origin is not None and urlsplit(origin).netloc.lower() != host.lower():
            return f"websocket opened by another site ({origin})"
        return None
