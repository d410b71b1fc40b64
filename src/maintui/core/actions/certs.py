"""`security.cert`: days until a TLS certificate (PEM/DER file or host:port) expires."""

from __future__ import annotations

import datetime as dt
import ssl
from pathlib import Path
from typing import Any

from pydantic import model_validator

from maintui.core.actions import register
from maintui.core.actions._util import DAY, CheckParams, level_below, verdict
from maintui.core.actions.base import Action, ActionContext, ActionResult, Finding


class CertParams(CheckParams):
    file: Path | None = None
    host: str | None = None  # host:port (default port 443)
    warning_days: float = 30
    critical_days: float = 7
    timeout: float = 10

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


def fetch(host: str, timeout: float) -> bytes:
    name, _, port = host.rpartition(":") if ":" in host else (host, "", "443")
    # no verification on purpose: we read expiry, including of self-signed or expired certs
    pem = ssl.get_server_certificate((name, int(port)), timeout=timeout)
    return pem.encode()


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
            return verdict([Finding("critical", f"{source}: cannot read the certificate ({exc})",
                                    {"source": source})], p.fail_on)
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
