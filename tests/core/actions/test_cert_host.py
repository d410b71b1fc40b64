"""`security.cert` over the network: a real TLS server on 127.0.0.1, and peers that fail."""

from __future__ import annotations

import datetime as dt
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from maintui.core.actions.certs import CertParams
from tests.core.conftest import statuses

DAY = 86400


def self_signed(folder: Path, common_name: str, now: float, days_left: int) -> tuple[Path, Path]:
    """A self-signed certificate and its key (P-256), valid until `days_left` days after now."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    when = dt.datetime.fromtimestamp(now, dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(when - dt.timedelta(days=30))
            .not_valid_after(when + dt.timedelta(days=days_left))
            .sign(key, hashes.SHA256()))
    cert_file, key_file = folder / f"{common_name}.pem", folder / f"{common_name}.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_file, key_file


def serve(listener: socket.socket, handle) -> threading.Thread:
    """Accept connections until the listener is closed; each is handed to `handle`."""
    def loop() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:  # closed: the test is over
                return
            with conn:
                try:
                    handle(conn)
                except OSError:  # the client hung up mid-handshake: not this test's concern
                    pass

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    return thread


@pytest.fixture
def tls_server(sandbox, tmp_path) -> Iterator:
    """`start(days_left)` -> "127.0.0.1:PORT" of a TLS server presenting a fresh certificate."""
    listeners: list[socket.socket] = []

    def start(days_left: int) -> str:
        cert, key = self_signed(tmp_path, f"in{days_left}days.test", sandbox.now, days_left)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        listener = socket.create_server(("127.0.0.1", 0))
        listeners.append(listener)

        def handshake(conn: socket.socket) -> None:
            conn.settimeout(5)
            with context.wrap_socket(conn, server_side=True):
                pass

        serve(listener, handshake)
        return f"127.0.0.1:{listener.getsockname()[1]}"

    yield start
    for listener in listeners:
        listener.close()


@pytest.mark.parametrize(("days_left", "status"), [(10, "warning"), (200, "ok"), (5, "critical")])
def test_a_live_server_certificate_is_read_over_tls(sandbox, tls_server, days_left, status):
    host = tls_server(days_left)
    result = sandbox.run("security.cert", host=host, timeout=5)
    f = result.findings[0]
    assert statuses(result) == [status] and result.ok == (status != "critical")
    assert f.details["days_left"] == days_left and f.details["source"] == host
    assert f.details["subject"] == f"CN=in{days_left}days.test" and f.details["self_signed"]
    assert f"expires in {days_left} days" in f.summary


def test_the_thresholds_apply_to_a_live_certificate(sandbox, tls_server):
    result = sandbox.run("security.cert", host=tls_server(200), warning_days=365,
                         critical_days=100)
    assert statuses(result) == ["warning"]


def test_a_closed_port_is_a_critical_finding_not_a_traceback(sandbox):
    with socket.create_server(("127.0.0.1", 0)) as s:
        port = s.getsockname()[1]  # free once closed: nothing listens there any more
    result = sandbox.run("security.cert", host=f"127.0.0.1:{port}", timeout=5)
    assert not result.ok and statuses(result) == ["critical"]
    assert "connection refused" in result.findings[0].summary


def test_a_server_that_does_not_speak_tls_is_a_critical_finding(sandbox):
    with socket.create_server(("127.0.0.1", 0)) as listener:
        serve(listener, lambda conn: conn.sendall(b"SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13\r\n"))
        result = sandbox.run("security.cert", host=f"127.0.0.1:{listener.getsockname()[1]}",
                             timeout=5)
    assert not result.ok and statuses(result) == ["critical"]
    assert "TLS handshake failed" in result.findings[0].summary


def test_a_silent_server_times_out_instead_of_hanging_the_step(sandbox):
    # a listener that never accepts: the kernel completes the connect, nobody ever answers
    with socket.create_server(("127.0.0.1", 0)) as listener:
        started = time.monotonic()
        result = sandbox.run("security.cert", host=f"127.0.0.1:{listener.getsockname()[1]}",
                             timeout=0.5)
        took = time.monotonic() - started
    assert not result.ok and "no answer within 0.5s" in result.findings[0].summary
    assert took < 10  # bounded by the timeout, not by the peer


@pytest.mark.parametrize(("host", "expected"), [
    ("example.org", ("example.org", 443)), ("example.org:8443", ("example.org", 8443)),
    ("[::1]:8443", ("::1", 8443)), ("::1", ("::1", 443)),
])
def test_host_forms_that_are_accepted(host, expected):
    from maintui.core.actions.certs import address

    assert address(host) == expected


@pytest.mark.parametrize("host", ["example.org:", "example.org:https", "example.org:70000",
                                  "[::1", ":443"])
def test_a_malformed_host_is_a_validation_error(host):
    with pytest.raises(ValueError, match="host:port|IPv6"):
        CertParams.model_validate({"host": host})
