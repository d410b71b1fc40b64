"""Secret masking: values of secret-named variables and keys, and configured patterns."""

from __future__ import annotations

import asyncio
import base64
import json
import shlex
from urllib.parse import quote, quote_plus

import pytest

from maintui.core.masking import MASK, Masker, is_secret_name


def test_values_of_secret_named_variables_are_masked_and_others_are_not():
    mask = Masker.for_site({"app": {"db_password": "pw-123456"}}, env={
        "API_TOKEN": "tok-abcdef", "HOME": "/root", "SHORT_SECRET": "ab"})
    assert mask("tok-abcdef and pw-123456 in /root ab") == f"{MASK} and {MASK} in /root ab"


def test_a_pattern_with_global_flags_works_beside_other_patterns():
    mask = Masker([], [r"(?i)bearer\s+\S+", r"key=\w+"])
    assert mask("Authorization: BEARER abc.def key=42") == f"Authorization: {MASK} {MASK}"
    assert mask.lines(["bearer x", "plain"]) == [MASK, "plain"]


SECRET = "s3cr3t-Pa55w0rd!"


@pytest.mark.parametrize("prefix", [b"", b"a", b"ab", b"user:", b"xyz:"])
def test_a_secret_inside_a_longer_base64_blob_is_masked_at_every_alignment(prefix):
    mask = Masker([SECRET])
    for encode in (base64.b64encode, base64.urlsafe_b64encode):
        blob = encode(prefix + SECRET.encode() + b"-tail").decode()
        assert SECRET not in mask(blob)
        assert MASK in mask(blob), (prefix, blob)


@pytest.mark.parametrize("form", [
    quote(SECRET, safe=""), quote_plus(SECRET), json.dumps(SECRET), shlex.quote("it's" + SECRET),
    SECRET.encode().hex(), SECRET.encode().hex().upper()])
def test_url_json_shell_and_hex_forms_of_a_secret_are_masked(form):
    mask = Masker([SECRET, "it's" + SECRET])
    out = mask(f"curl -d {form} https://example.test")
    assert MASK in out and form.strip('"') not in out


def test_each_line_of_a_multi_line_secret_is_masked_on_its_own():
    pem = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nBKcwggSjAgEAAoIBAQC7\n" \
          "-----END PRIVATE KEY-----"
    mask = Masker.for_site({}, env={"TLS_PRIVATE_KEY": pem})
    printed = ["key is:", "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC", "BKcwggSjAgEAAoIBAQC7"]
    assert mask.lines(printed) == ["key is:", MASK, MASK]


def test_short_and_common_values_are_never_mask_patterns():
    mask = Masker.for_site({"db": {"password": "yes", "token": "12345", "api_key": "true"}},
                           env={"MY_SECRET": "false", "GIT_TOKEN": "ghp_abcdef123"})
    assert mask("yes 12345 true false ghp_abcdef123") == f"yes 12345 true false {MASK}"


def test_secret_names_follow_the_usual_patterns_and_the_sites_list():
    assert all(is_secret_name(n) for n in ("DB_PASSWORD", "api_token", "CLIENT_SECRET",
                                           "SSH_KEY", "AWS_CREDENTIALS"))
    assert not is_secret_name("HOME") and not is_secret_name("DB_HOST")
    assert is_secret_name("DB_DSN", extra=["DB_DSN"])
    mask = Masker.for_site({"vars": {"dsn": "postgres://u:hunter22@db"}}, env={},
                           names=["vars.dsn"])
    assert mask("connecting to postgres://u:hunter22@db") == f"connecting to {MASK}"


async def test_a_secret_split_across_pipe_reads_is_masked_once_the_line_is_whole():
    from maintui.core.run.shell import _pump

    reader = asyncio.StreamReader()
    line = f"login with {SECRET} ok\n".encode()
    reader.feed_data(line[:14])
    reader.feed_data(line[14:])
    reader.feed_eof()
    mask, seen = Masker([SECRET]), []

    async def sink(stream: str, lines: list[str]) -> None:
        seen.extend(mask.lines(lines))

    await _pump(reader, "stdout", sink)
    assert seen == [f"login with {MASK} ok"]
