"""One-click unsubscribe links (RFC 8058): a signed token naming a person, a kind and a
channel, so the link works without signing in and cannot be altered to name someone else
(docs/architecture.md, "Notifications"). Tokens do not expire: an old e-mail's link still
works. Changing ``SECRET_KEY`` invalidates them all (the page then says the link is not valid
and points to the settings page)."""
from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.urls import reverse

SALT = "notifications.unsubscribe"


@dataclass(frozen=True)
class Unsubscribe:
    user_id: int
    kind: str
    channel: str


def unsubscribe_token(*, user_id: int, kind: str, channel: str = "email") -> str:
    return signing.dumps([user_id, kind, channel], salt=SALT, compress=True)


def unsubscribe_read(token: str) -> Unsubscribe | None:
    """What ``token`` names, or ``None`` for a token this site did not sign (or altered)."""
    try:
        value = signing.loads(token, salt=SALT)
    except (signing.BadSignature, ValueError, TypeError, UnicodeDecodeError):
        return None
    if (not isinstance(value, list) or len(value) != 3 or not isinstance(value[0], int)
            or not all(isinstance(v, str) for v in value[1:])):
        return None
    return Unsubscribe(*value)


def absolute(path: str) -> str:
    """``path`` on the site's address (``settings.SITE_URL``); a full URL stays as it is."""
    if path.startswith(("http://", "https://")):
        return path
    return settings.SITE_URL + (path if path.startswith("/") else "/" + path)


def unsubscribe_url(*, user_id: int, kind: str, channel: str = "email") -> str:
    token = unsubscribe_token(user_id=user_id, kind=kind, channel=channel)
    return absolute(reverse("notifications-unsubscribe", args=[token]))
