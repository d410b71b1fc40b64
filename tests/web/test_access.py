"""Who `maintui serve` admits: the token rule, the loopback rule, and the bind address check."""

from __future__ import annotations

import pytest

from maintui.core.errors import UsageError
from maintui.web.access import Access
from maintui.web.listen import Listen

LOOPBACK = Access(None)
TOKEN = Access("s3cret-token")


@pytest.mark.parametrize("token", [None, "", "wrong", "s3cret-toke", "s3cret-token-", "é"])
def test_a_missing_or_wrong_token_is_refused_on_the_page_and_the_websocket(token):
    for websocket in (False, True):
        assert TOKEN.refusal(host="ops.example.com", origin=None, token=token,
                             websocket=websocket) == "missing or wrong token"


def test_the_right_token_is_admitted_whatever_host_a_proxy_forwards():
    assert TOKEN.refusal(host="ops.example.com", origin="https://ops.example.com",
                         token="s3cret-token", websocket=True) is None


@pytest.mark.parametrize("host", ["127.0.0.1:8000", "localhost:8000", "[::1]:8000",
                                  "127.0.0.2:9", "app.localhost:8000"])
def test_loopback_mode_admits_this_machine_by_its_loopback_names(host):
    assert LOOPBACK.refusal(host=host, origin=f"http://{host}", token=None, websocket=True) is None


@pytest.mark.parametrize("host", ["evil.example:8000", "10.0.0.5:8000", "[zz", ""])
def test_loopback_mode_refuses_a_host_that_is_not_loopback_as_dns_rebinding_would_send(host):
    reason = LOOPBACK.refusal(host=host, origin=None, token=None, websocket=False)
    assert reason is not None and "loopback" in reason


def test_loopback_mode_refuses_a_websocket_opened_by_another_site():
    reason = LOOPBACK.refusal(host="127.0.0.1:8000", origin="https://evil.example",
                              token=None, websocket=True)
    assert reason is not None and "evil.example" in reason
    # the page itself may be linked from anywhere: other sites cannot read it
    assert LOOPBACK.refusal(host="127.0.0.1:8000", origin="https://evil.example",
                            token=None, websocket=False) is None


@pytest.mark.parametrize(("host", "loopback"), [("127.0.0.1", True), ("::1", True),
                                                ("localhost", True), ("0.0.0.0", False),
                                                ("::", False), ("", False), ("192.0.2.7", False)])
def test_listen_tells_loopback_addresses_from_others(host, loopback):
    assert Listen(host, 8000).loopback() is loopback


def test_listen_refuses_a_name_that_does_not_resolve():
    with pytest.raises(UsageError, match="cannot resolve"):
        Listen("no-such-host.invalid", 8000).loopback()


def test_listen_prints_a_url_with_the_token_and_brackets_for_ipv6():
    assert Listen("127.0.0.1", 8123).url() == "http://127.0.0.1:8123/"
    assert Listen("::1", 8123).url("abc") == "http://[::1]:8123/?token=abc"
