"""REST framework glue shared by every app's API: the error handler turns our error family and
DRF's own errors into JSON with a readable ``detail`` (never a 500 for bad input); the one JSON
parser every endpoint uses (``DEFAULT_PARSER_CLASSES``); the filter backend that refuses query
parameters no filter declares."""
from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.exceptions import ParseError
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import MarketplaceError, from_django_validation


def _first_message(data) -> str:
    if isinstance(data, dict):
        for key, value in data.items():
            msg = _first_message(value)
            if msg:
                return msg if key in ("detail", "non_field_errors") else f"{key}: {msg}"
    if isinstance(data, list):
        for value in data:
            msg = _first_message(value)
            if msg:
                return msg
    if isinstance(data, str):
        return data
    return ""


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = from_django_validation(exc)
    if isinstance(exc, MarketplaceError):
        return Response(exc.as_dict(), status=exc.status_code)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    if isinstance(data, dict) and set(data) == {"detail"}:
        body = {"detail": str(data["detail"]), "code": getattr(data["detail"], "code", "error")}
    else:
        body = {"detail": _first_message(data) or _("The request is invalid."), "code": "invalid",
                "errors": data}
    response.data = body
    return response


# --- Small helpers shared by the API serializers and views ------------------------------------

class StandardPagination(PageNumberPagination):
    """Page-number pagination with an optional ``page_size`` (capped)."""

    page_size_query_param = "page_size"
    max_page_size = 100


class TextField(serializers.CharField):
    """A ``CharField`` that takes only text (DRF's would turn ``12.5`` or ``true`` into a
    string) and refuses text the database cannot store (lone UTF-16 surrogates from JSON
    escapes such as ``"\\ud800"``); DRF already refuses NUL characters."""

    default_error_messages = {
        "encoding": _("This text contains characters that cannot be stored."),
    }

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        value = super().to_internal_value(data)
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            self.fail("encoding")
        return value


class StrictFieldsMixin:
    """Refuse keys the serializer does not know, instead of silently ignoring a typo
    (``servce_regions``) or a field nobody may write (``credit_score``). Works for nested
    serializers too; the unknown keys are reported beside the other field errors."""

    def to_internal_value(self, data):
        unknown_errors = {}
        if isinstance(data, Mapping):
            unknown = sorted(str(k) for k in data if k not in self.fields)[:10]
            if unknown:
                message = _("Unknown or read-only field.")
                unknown_errors = {name[:40]: [message] for name in unknown}
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            if unknown_errors and isinstance(exc.detail, dict):
                exc.detail.update(serializers.ValidationError(unknown_errors).detail)
            raise
        if unknown_errors:
            raise serializers.ValidationError(unknown_errors)
        return value


def _has_unstorable_text(document) -> bool:
    """Whether a parsed JSON document holds a string the database cannot store (a lone UTF-16
    surrogate from an escape such as ``"\\ud800"``), in a value or a key. Iterative, so a
    deeply nested document cannot exhaust the stack."""
    stack = [document]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                return True
        elif isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return False


class StrictJSONParser(JSONParser):
    """DRF's JSON parser, plus the refusals that would otherwise end in a 500: documents
    nested too deeply for Python's parser, text with lone surrogates, and a document that is
    not an object. Every write endpoint takes an object (its fields); an array, a string, a
    number, ``null`` or a boolean used to reach ``request.data.get`` and fail with an
    AttributeError. It is the project's ``DEFAULT_PARSER_CLASSES`` (``API_PARSERS``), so every
    endpoint refuses them with ``{"detail": …, "code": "not_an_object"}``, not each view."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("JSON parse error: the document is nested too deeply.")) from None
        except ParseError as exc:
            # DRF words it in English with the parser's position: say it in the user's language,
            # keeping the position (line and column) for whoever fixes the client.
            raise ParseError(_("The request body is not valid JSON (%(where)s).") % {
                "where": str(exc.detail).split(" - ", 1)[-1]}) from None
        if not isinstance(data, dict):
            raise ParseError(_("The request body must be a JSON object with the fields by name."),
                             code="not_an_object")
        if _has_unstorable_text(data):
            raise ParseError(_("The request contains text that is not valid Unicode."))
        return data


API_PARSERS = [StrictJSONParser, FormParser, MultiPartParser]
"""The parsers of every endpoint (``REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]`` names them):
the strict JSON parser, forms and multipart uploads."""
