"""The signature integrators check (webhooks/signing.py): Stripe's scheme, HMAC-SHA256 over
``f"{t}.{body}"``, with a tolerance against replays. Pure functions: no database."""
from __future__ import annotations

import hashlib
import hmac

from webhooks.signing import new_secret, signature_header, verify_signature

BODY = '{"id":1,"type":"award.made","created":"2026-12-01T08:00:00+00:00","data":{}}'.encode()
T = 1_800_000_000


def test_a_signature_is_the_hmac_sha256_of_the_timestamp_and_the_body():
    secret = new_secret()
    header = signature_header(secret, BODY, timestamp=T)
    expected = hmac.new(secret.encode(), f"{T}.".encode() + BODY, hashlib.sha256).hexdigest()
    assert header == f"t={T},v1={expected}"
    assert verify_signature(secret, header, BODY, now=T + 10)
    assert verify_signature(secret, header, BODY.decode(), now=T)  # text or bytes alike


def test_a_tampered_body_another_secret_or_a_stale_timestamp_fail():
    secret = new_secret()
    header = signature_header(secret, BODY, timestamp=T)
    assert not verify_signature(secret, header, BODY.replace(b"award", b"bward"), now=T)
    assert not verify_signature(new_secret(), header, BODY, now=T)
    assert not verify_signature(secret, header, BODY, now=T + 301)
    assert not verify_signature(secret, header, BODY, now=T - 301)
    assert verify_signature(secret, header, BODY, now=T + 301, tolerance=600)
    forged_time = header.replace(f"t={T}", f"t={T + 5}")
    assert not verify_signature(secret, forged_time, BODY, now=T)


def test_a_malformed_header_is_false_not_an_error():
    secret = new_secret()
    for header in (None, "", "garbage", "t=abc,v1=00", f"t={T}", "v1=00", f"t={T},v1="):
        assert verify_signature(secret, header, BODY, now=T) is False


def test_any_v1_entry_may_match_while_a_secret_is_rotated():
    old, new = new_secret(), new_secret()
    sig_new = signature_header(new, BODY, timestamp=T).split(",")[1]
    sig_old = signature_header(old, BODY, timestamp=T).split(",")[1]
    header = f"t={T},{sig_old},{sig_new}"
    assert verify_signature(new, header, BODY, now=T)
    assert verify_signature(old, header, BODY, now=T)


def test_secrets_are_fresh_and_long():
    a, b = new_secret(), new_secret()
    assert a != b and a.startswith("whsec_") and len(a) >= 40
