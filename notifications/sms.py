"""Text-message backends: ``send(phone, text, key)`` hands one message to a provider, raising
when it was not accepted (the delivery then stays pending and is retried with backoff).

- ``LoggingSmsBackend``, the default: writes the message to the log and sends nothing.
- ``HttpSmsBackend``, when ``SMS_URL`` is set: POSTs ``{"to", "text", "idempotency_key"}`` as
  JSON to the gateway, with basic authentication from the URL's user and password, or a bearer
  token when only a password is given (``https://:token@gw.example/send``). Anything but a 2xx
  answer raises. The gateway drops a repeated ``idempotency_key``: the channel is at least
  once (docs/architecture.md, "Notifications").
"""
from __future__ import annotations

import base64
import json
import logging
import urllib.error
import urllib.request
from typing import Protocol
from urllib.parse import unquote, urlsplit, urlunsplit

from django.conf import settings

log = logging.getLogger(__name__)


class SmsError(Exception):
    """The gateway did not accept the message."""


class SmsBackend(Protocol):
    def send(self, phone: str, text: str, key: str) -> None: ...


class LoggingSmsBackend:
    def send(self, phone: str, text: str, key: str) -> None:
        log.info("SMS to %s (%s): %s", phone, key, text)


class HttpSmsBackend:
    def __init__(self, url: str, *, timeout: float = 10.0):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("SMS_URL: expected an http(s) URL")
        netloc = parts.hostname + (f":{parts.port}" if parts.port else "")
        self.url = urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))
        user, password = unquote(parts.username or ""), unquote(parts.password or "")
        if user:
            self.authorization = "Basic " + base64.b64encode(
                f"{user}:{password}".encode()).decode()
        elif password:
            self.authorization = f"Bearer {password}"
        else:
            self.authorization = ""
        self.timeout = timeout

    def send(self, phone: str, text: str, key: str) -> None:
        body = json.dumps({"to": phone, "text": text, "idempotency_key": key},
                          ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json; charset=utf-8",
                   "Idempotency-Key": key}
        if self.authorization:
            headers["Authorization"] = self.authorization
        request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                status = response.status
        except urllib.error.HTTPError as exc:
            raise SmsError(f"SMS gateway answered {exc.code}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise SmsError(f"SMS gateway unreachable: {exc}") from None
        if not 200 <= status < 300:
            raise SmsError(f"SMS gateway answered {status}")


def sms_backend() -> SmsBackend:
    """The backend ``settings.SMS_URL`` names (read at each call, so tests may override it)."""
    if settings.SMS_URL:
        return HttpSmsBackend(settings.SMS_URL, timeout=settings.SMS_TIMEOUT)
    return LoggingSmsBackend()
