"""Signing webhook deliveries, as Stripe does (docs/architecture.md, "Webhooks").

Every POST carries ``X-Marketplace-Signature: t=<unix time>,v1=<hex>``, where ``<hex>`` is
HMAC-SHA256 with the endpoint's secret over ``f"{t}.{body}"`` (the raw body bytes). A receiver
recomputes it over the body exactly as received and refuses a stale ``t`` (a replayed request).

``verify_signature`` uses only the standard library, so an integrator may copy this module as
it is::

    from signing import verify_signature
    if not verify_signature(SECRET, request.headers["X-Marketplace-Signature"], request.body):
        return 400
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
import time

SCHEME = "v1"
SECRET_PREFIX = "whsec_"


def new_secret() -> str:
    """A fresh signing secret (32 random bytes, URL-safe)."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def _as_bytes(value: str | bytes) -> bytes:
    return value.encode("utf-8") if isinstance(value, str) else value


def signature(secret: str, timestamp: int, body: str | bytes) -> str:
    """The hex HMAC-SHA256 of ``f"{timestamp}.{body}"`` under ``secret``."""
    message = str(int(timestamp)).encode("ascii") + b"." + _as_bytes(body)
    return hmac.new(_as_bytes(secret), message, hashlib.sha256).hexdigest()


def signature_header(secret: str, body: str | bytes, timestamp: int | None = None) -> str:
    """The value of ``X-Marketplace-Signature`` for ``body`` (now, unless ``timestamp``)."""
    t = int(time.time()) if timestamp is None else int(timestamp)
    return f"t={t},{SCHEME}={signature(secret, t, body)}"


def verify_signature(secret: str, header: str | None, body: str | bytes,
                     tolerance: int = 300, now: float | None = None) -> bool:
    """Whether ``header`` (the ``X-Marketplace-Signature`` value) signs ``body`` with
    ``secret`` and was made at most ``tolerance`` seconds from ``now``. Any ``v1=`` entry may
    match (several appear while a secret is being rotated); a malformed header is ``False``,
    never an exception."""
    if not header or not secret:
        return False
    timestamp = None
    candidates = []
    for part in str(header).split(","):
        name, _sep, value = part.strip().partition("=")
        if name == "t":
            try:
                timestamp = int(value)
            except ValueError:
                return False
        elif name == SCHEME and value:
            candidates.append(value)
    if timestamp is None or not candidates:
        return False
    current = time.time() if now is None else now
    if abs(current - timestamp) > tolerance:
        return False
    expected = signature(secret, timestamp, body)
    return any(hmac.compare_digest(expected, c) for c in candidates)
