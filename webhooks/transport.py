"""One POST to an endpoint, with the standard library (no HTTP client is a dependency of the
project): a timeout, no redirect followed (a 3xx is a failed attempt, the body is never
re-sent elsewhere), no proxy from the environment. Never raises: the answer says what
happened (docs/architecture.md, "Webhooks")."""
from __future__ import annotations

import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass


@dataclass(frozen=True)
class Answer:
    status_code: int | None  # None: no HTTP answer at all (refused, timed out, TLS error)
    ms: int
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # urllib then raises HTTPError with the 3xx


_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect())


def post(url: str, body: bytes, headers: dict[str, str], *, timeout: float) -> Answer:
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "marketplace-webhooks/1", **headers})
    started = time.monotonic()

    def elapsed() -> int:
        return int(round((time.monotonic() - started) * 1000))

    try:
        with _OPENER.open(request, timeout=timeout) as response:
            response.read(1024)
            return Answer(response.status, elapsed())
    except urllib.error.HTTPError as exc:
        try:
            text = exc.read(500).decode("utf-8", "replace")
        except Exception:  # noqa: BLE001 - the status is what matters
            text = ""
        finally:
            exc.close()
        return Answer(exc.code, elapsed(), f"HTTP {exc.code}: {text}".strip()[:2000])
    except (urllib.error.URLError, socket.timeout, TimeoutError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        return Answer(None, elapsed(), repr(reason)[:2000])
