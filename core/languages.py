"""The reader's language outside a request: a WebSocket connection speaks the language its
page was rendered in, chosen as Django's ``LocaleMiddleware`` chooses it for a request — the
language cookie set by the switch in the top bar, else the browser's ``Accept-Language``, else
``LANGUAGE_CODE`` (Chinese). docs/conventions.md, "Translations"."""
from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.translation.trans_real import parse_accept_lang_header


def _supported(code: str | None) -> str | None:
    if not code:
        return None
    try:
        return translation.get_supported_language_variant(code)
    except LookupError:
        return None


def scope_language(scope: dict) -> str:
    """The language of a Channels ``scope`` (cookies come from Channels' ``CookieMiddleware``,
    part of ``AuthMiddlewareStack``)."""
    cookie = (scope.get("cookies") or {}).get(settings.LANGUAGE_COOKIE_NAME)
    chosen = _supported(cookie)
    if chosen:
        return chosen
    for name, value in scope.get("headers") or ():
        if name.lower() == b"accept-language":
            header = value.decode("latin-1")
            for code, _quality in parse_accept_lang_header(header):
                if code == "*":
                    break
                chosen = _supported(code)
                if chosen:
                    return chosen
            break
    return settings.LANGUAGE_CODE
