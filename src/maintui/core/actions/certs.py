"""`security.cert`: days until a TLS certificate (PEM/DER file or host:port) expires."""

from __future__ import annotations

import datetime as dt
import socket
import ssl
from pathlib import Path
from typing import Any

from pydantic import field_validator, model_validator

from maintui.core.actions import register
from maintui.core.actions._util import DAY, CheckParams, level_below, verdict
from maintui.core.actions.base import Action, ActionContext, ActionResult, Finding


class CertParams(CheckParams):
    file: Path | None = None  # a PEM certificate file (or give host)
    host: str | None = None  # host:port (default port 443)
    warning_days: float = 30  # expiring sooner is a warning
    critical_days: float = 7  # expiring sooner is critical
    timeout: float = 10  # seconds, for the connect and for the TLS handshake each

    @field_validator("host")
    @classmethod
    def _address(cls, v: str | None) -> str | None:
        if v is not None:
            address(v)
        return v

    @model_validator(mode="after")
    def _one(self) -> CertParams:
        if (self.file is None) == (self.host is None):
            raise ValueError("give exactly one of file or host (host:port)")
        return self


def load(data: bytes) -> Any:
    """The first certificate in PEM or DER bytes (cryptography reads what ssl refuses)."""
    from cryptography import x509

    if b"-----BEGIN CERTIFICATE-----" in data:
        return x509.load_pem_x509_certificates(data)[0]
    return x509.load_der_x509_certificate(data)


def address(host: str) -> tuple[str, int]:
    """(name, port) of `host`, `host:port`, `[v6]` or `[v6]:port`; ValueError when malformed."""
    name, port = host, "443"
    if host.startswith("["):
        name, sep, rest = host[1:].partition("]")
        if not sep or (rest and not rest.startswith(":")):
            raise ValueError(f"{host!r}: write an IPv6 address as [addr]:port")
        port = rest[1:] or port
    elif host.count(":") == 1:
        name, _, port = host.partition(":")
    if not name or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"{host!r} is not host:port (a port from 1 to 65535)")
    return name, int(port)


def fetch(host: str, timeout: float) -> bytes:
    # no verification on purpose: we read expiry, including of self-signed or expired certs;
    # the timeout covers the connect and the handshake (a silent peer must not hang the step)
    pem = ssl.get_server_certificate(address(host), timeout=timeout)
    return pem.encode()


def why(exc: Exception, timeout: float) -> str:
    """What went wrong reading a certificate, in words an operator can act on."""
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused: nothing listens on that port"
    if isinstance(exc, TimeoutError):
        return f"no answer within {timeout:g}s"
    if isinstance(exc, socket.gaierror):
        return f"cannot resolve the host name ({exc.strerror})"
    if isinstance(exc, ssl.SSLError | ConnectionResetError):
        return f"TLS handshake failed, is this a TLS port? ({exc})"
    return f"cannot read the certificate ({exc})"


@register
class SecurityCert(Action):
    name = "security.cert"
    summary = "TLS certificate expiry (file or host:port): days left vs warning/critical"
    Params = CertParams
    changes_nothing = True

    def run(self, ctx: ActionContext) -> ActionResult:
        p: CertParams = ctx.params
        source = str(p.file or p.host)
        try:
            data = p.file.read_bytes() if p.file else fetch(p.host or "", p.timeout)
            cert = load(data)
        except (OSError, ValueError, IndexError) as exc:
            return verdict([Finding("critical", f"{source}: {why(exc, p.timeout)}",
                                    {"source": source, "error": str(exc)})], p.fail_on)
        expires = cert.not_valid_after_utc
        days = (expires.timestamp() - ctx.clock()) / DAY
        subject = cert.subject.rfc4514_string()
        details = {"source": source, "subject": subject, "issuer": cert.issuer.rfc4514_string(),
                   "expires": expires.isoformat(), "days_left": round(days, 1),
                   "self_signed": cert.subject == cert.issuer}
        when = expires.astimezone(dt.UTC).strftime("%Y-%m-%d")
        text = (f"{source}: {subject} expired {-days:.0f} days ago ({when})" if days < 0 else
                f"{source}: {subject} expires in {days:.0f} days ({when})")
        return verdict([Finding(level_below(days, p.warning_days, p.critical_days), text, details)],
                       p.fail_on)
