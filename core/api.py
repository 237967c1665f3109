"""REST framework glue shared by every app's API: the error handler turns our error family and
DRF's own errors into JSON with a readable ``detail`` (never a 500 for bad input); the one JSON
parser every endpoint uses (``DEFAULT_PARSER_CLASSES``); the filter backend that refuses query
parameters no filter declares."""
from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import serializers
from rest_framework.exceptions import ParseError
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import MarketplaceError, ValidationFailed, from_django_validation


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


# --- Query parameters: a parameter nothing reads is refused, not silently ignored -------------

COMMON_QUERY_PARAMS = frozenset({"page", "page_size", "format"})
"""Accepted on every endpoint: pagination (``StandardPagination`` and DRF's own) and DRF's
format suffix."""


def refuse_unknown_query_params(request, allowed) -> None:
    """``ValidationFailed`` (400, ``unknown_parameter``) naming every query parameter that is
    neither in ``allowed`` nor in ``COMMON_QUERY_PARAMS``: ``GET /api/v1/awards/?projct=1``
    would otherwise answer every award as if the filter had matched."""
    known = COMMON_QUERY_PARAMS | set(allowed)
    unknown = sorted(name for name in request.query_params if name not in known)
    if not unknown:
        return
    shown = [name[:40] for name in unknown[:10]]
    message = gettext("Unknown query parameter: %(names)s. This endpoint accepts: %(known)s.") % {
        "names": ", ".join(shown), "known": ", ".join(sorted(known))}
    raise ValidationFailed(message, code="unknown_parameter",
                           fields={name: [gettext("Unknown query parameter.")] for name in shown})


def filterset_params(filterset) -> set[str]:
    """The query parameters a django-filter ``FilterSet`` reads: its form's fields, with the
    suffixed names of range widgets (``price_min``, ``price_max``)."""
    names: set[str] = set()
    for name, field in filterset.form.fields.items():
        suffixes = getattr(field.widget, "suffixes", None)
        if suffixes:
            names.update(f"{name}_{suffix}" if suffix else name for suffix in suffixes)
        else:
            names.add(name)
    return names


class StrictFilterBackend(DjangoFilterBackend):
    """django-filter's backend (the project's ``DEFAULT_FILTER_BACKENDS``) that first refuses
    query parameters the view's filterset does not declare. Views without a filterset accept
    only ``COMMON_QUERY_PARAMS`` (and what their ``query_params`` attribute lists)."""

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        allowed = set(getattr(view, "query_params", ()))
        if filterset is not None:
            allowed |= filterset_params(filterset)
        refuse_unknown_query_params(request, allowed)
        if filterset is None:
            return queryset
        if not filterset.is_valid() and self.raise_exception:
            # The messages as the form renders them: django-filter's own translation applies
            # ``%`` formatting again, which a refused value containing "%" would break (a 500).
            raise serializers.ValidationError(
                {name: [str(m) for m in messages] for name, messages in filterset.errors.items()})
        return filterset.qs


class DeclaredQueryParams:
    """For an ``APIView`` that reads its filters itself: list them in ``query_params`` and any
    other parameter of a GET is refused before the handler runs (``StrictFilterBackend`` does
    the same for generic views)."""

    query_params: tuple[str, ...] = ()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if request.method in ("GET", "HEAD"):
            refuse_unknown_query_params(request, self.query_params)
