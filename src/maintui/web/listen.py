"""Where `maintui serve` listens: the address checked for loopback, and the URL to print."""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass

from maintui.core.errors import UsageError

# binding these means every interface, so the printed link names the machine instead
ANY_ADDRESS = {"", "0.0.0.0", "::"}


@dataclass(frozen=True)
class Listen:
    """The address and port the server binds."""

    host: str
    port: int

    def loopback(self) -> bool:
        """True when every address the host resolves to is a loopback one (127.0.0.0/8, ::1)."""
        if self.host in ANY_ADDRESS:
            return False
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            pass  # a name: what it resolves to decides
        try:
            infos = socket.getaddrinfo(self.host, self.port, proto=socket.IPPROTO_TCP)
        except OSError:
            raise UsageError(f"--host {self.host}: cannot resolve this name; give an address "
                             "such as 127.0.0.1 (this machine only) or 0.0.0.0 (every "
                             "interface, with --allow-remote)") from None
        return all(ipaddress.ip_address(info[4][0]).is_loopback for info in infos)

    def url(self, token: str | None = None) -> str:
        """The link to open: the machine's name when bound to every interface."""
        host = socket.getfqdn() if self.host in ANY_ADDRESS else self.host
        if ":" in host:  # an IPv6 literal
            host = f"[{host}]"
        query = f"?token={token}" if token else ""
        return f"http://{host}:{self.port}/{query}"
