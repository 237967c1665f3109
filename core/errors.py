"""One error family. Services raise these; views, the API and consumers turn them into a form
error, a 4xx JSON body with ``detail``, or a WebSocket error frame. Anything else is a bug."""
from __future__ import annotations


class MarketplaceError(Exception):
    """A refusal a person can read. ``message`` is already translated (lazy is fine)."""

    status_code = 400
    code = "invalid"

    def __init__(self, message, *, code: str | None = None, field: str | None = None,
                 fields: dict | None = None):
        super().__init__(str(message))
        self.message = message
        if code:
            self.code = code
        self.fields = dict(fields or {})
        if field:
            self.fields.setdefault(field, [str(message)])

    def __str__(self) -> str:
        return str(self.message)

    def as_dict(self) -> dict:
        body = {"detail": str(self.message), "code": self.code}
        if self.fields:
            body["errors"] = {k: [str(m) for m in v] for k, v in self.fields.items()}
        return body


class ValidationFailed(MarketplaceError):
    status_code = 400
    code = "invalid"


class NotAllowed(MarketplaceError):
    """The actor may not do this (role, ownership, standing)."""

    status_code = 403
    code = "forbidden"


class NotFound(MarketplaceError):
    status_code = 404
    code = "not_found"


class Conflict(MarketplaceError):
    """The state changed under the caller or forbids the change now (closed, already done)."""

    status_code = 409
    code = "conflict"


def from_django_validation(exc) -> ValidationFailed:
    """Turn a django ``ValidationError`` (from ``full_clean``) into our error with field errors."""
    if hasattr(exc, "message_dict"):
        fields = {k: list(v) for k, v in exc.message_dict.items()}
        first = next(iter(fields.values()))[0] if fields else str(exc)
        return ValidationFailed(first, fields=fields)
    return ValidationFailed("; ".join(exc.messages))
