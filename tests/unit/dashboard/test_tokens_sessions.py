"""Token format and session-cookie signing: what is accepted and what is not."""

from __future__ import annotations

import pytest

from dashboard.sessions import (
    csrf_for,
    csrf_ok,
    decode_login_nonce,
    decode_session,
    encode_login_nonce,
    encode_session,
)
from dashboard.tokens import hash_token, new_token, token_prefix

KEY = b"k" * 32


def test_new_tokens_are_random_and_carry_their_prefix() -> None:
    a, b = new_token(), new_token()
    assert a.text != b.text and a.prefix != b.prefix
    assert token_prefix(a.text) == a.prefix and a.token_hash == hash_token(a.text)
    assert a.text.startswith(f"cw_{a.prefix}_") and len(a.text) > 50


@pytest.mark.parametrize(
    "text",
    ["", "cw", "cw_0123456789ab", "cw_0123456789ab_", "xx_0123456789ab_s", "cw_0123456789AB_s",
     "cw_0123456789a_s", "cw_0123456789ab_" + "s" * 100, "cw_ü123456789ab_s"],
)  # fmt: skip
def test_malformed_tokens_have_no_prefix(text: str) -> None:
    assert token_prefix(text) is None


def test_sessions_verify_only_under_their_key_and_until_they_expire() -> None:
    value = encode_session(KEY, prefix="0123456789ab", expires=2000, nonce="n1")
    data = decode_session(KEY, value, now=1999)
    assert data is not None and (data.prefix, data.expires, data.nonce) == (
        "0123456789ab",
        2000,
        "n1",
    )
    assert decode_session(KEY, value, now=2000) is None
    assert decode_session(b"o" * 32, value, now=0) is None
    longer = value.replace(".2000.", ".9999.")
    other = value.replace("0123456789ab", "ffffffffffff")
    for bad in (longer, other, value + "x", "a.b.c", "é.1.n.m", ""):
        assert decode_session(KEY, bad, now=0) is None


def test_csrf_tokens_are_bound_to_their_nonce() -> None:
    assert csrf_ok(KEY, "n1", csrf_for(KEY, "n1"))
    assert not csrf_ok(KEY, "n2", csrf_for(KEY, "n1"))
    assert not csrf_ok(KEY, "n1", None) and not csrf_ok(KEY, "n1", "ü")
    cookie = encode_login_nonce(KEY, "n3")
    assert decode_login_nonce(KEY, cookie) == "n3"
    assert decode_login_nonce(b"o" * 32, cookie) is None and decode_login_nonce(KEY, "n3") is None
