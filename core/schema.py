"""The OpenAPI schema tells the truth about errors (issue 8, "Schema"): one serializer for the
error body every endpoint answers with (``core/api.py::exception_handler``:
``{"detail", "code", "errors"}``), a helper that attaches it to the status codes a view names,
and a drf-spectacular post-processing hook that documents, on every operation, the 4xx codes
any endpoint of that shape can return (docs/conventions.md, "One error family").

The hook only adds what a view did not document itself, so a view's own wording wins:

- 400 when the operation takes a body or query parameters (bad input, unknown filters);
- 401 when it accepts credentials (a wrong or expired token is refused before anything else);
- 403 for every write that needs credentials (role, ownership, standing);
- 404 when the path names an object, or the list is paginated (a page past the end);
- 409 for a write on a named object (the state forbids it now);
- 415 when it takes a body (a content type no parser reads).
"""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ComponentRegistry
from drf_spectacular.utils import OpenApiResponse, extend_schema_field
from rest_framework import serializers
from rest_framework.views import APIView

ERROR_COMPONENT = "Error"
ERROR_REF = {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"}

DESCRIPTIONS = {
    400: "Invalid input: `errors` names each wrong field",
    401: "Not signed in, or the token is wrong",
    403: "Not allowed: role, ownership or standing",
    404: "No such object (or not visible to you), or no such page",
    409: "Not possible in the object's current state",
    415: "Unsupported content type of the request body",
    429: "Too many attempts: wait and try again",
}

SAFE_METHODS = {"get", "head", "options"}


@extend_schema_field({"type": "object", "additionalProperties": True,
                      "description": "Field name → list of messages (nested for nested input)."})
class _FieldErrors(serializers.JSONField):
    pass


class ErrorSerializer(serializers.Serializer):
    """The body of every 4xx answer of the API."""

    detail = serializers.CharField(help_text=_("A message a person can read."))
    code = serializers.CharField(help_text=_("A stable machine-readable code."))
    errors = _FieldErrors(required=False, help_text=_("Messages by field, for invalid input."))

    class Meta:
        ref_name = ERROR_COMPONENT


def error_responses(*codes: int, **descriptions: str) -> dict[int, OpenApiResponse]:
    """``{code: OpenApiResponse(ErrorSerializer)}`` for ``extend_schema(responses=…)``;
    ``descriptions`` may reword one (``e403="Only the purchaser"``)."""
    return {code: OpenApiResponse(ErrorSerializer,
                                  description=descriptions.get(f"e{code}", DESCRIPTIONS[code]))
            for code in codes}


_PAGES: dict[type, type] = {}


def page_of(serializer_class: type[serializers.Serializer]) -> type[serializers.Serializer]:
    """The serializer of one page of ``serializer_class`` as DRF's ``PageNumberPagination``
    answers it (``{count, next, previous, results}``), for views that paginate by hand."""
    if serializer_class not in _PAGES:
        base = serializer_class.__name__.removesuffix("Serializer").removesuffix("Output")
        name = f"Paginated{base}List"
        _PAGES[serializer_class] = type(name, (serializers.Serializer,), {
            "__doc__": f"One page of {base} rows.",
            "count": serializers.IntegerField(help_text=_("Number of rows on every page.")),
            "next": serializers.CharField(allow_null=True, help_text=_("URL of the next page.")),
            "previous": serializers.CharField(allow_null=True,
                                              help_text=_("URL of the previous page.")),
            "results": serializer_class(many=True),
            "Meta": type("Meta", (), {"ref_name": name}),
        })
    return _PAGES[serializer_class]


def _error_component() -> dict:
    """The JSON schema drf-spectacular makes of ``ErrorSerializer``."""
    view = APIView()
    view.request = None
    auto = AutoSchema()
    auto.registry, auto.method, auto.path, auto.view = ComponentRegistry(), "GET", "/", view
    return auto.resolve_serializer(ErrorSerializer, "response").schema


def _codes_for(path: str, method: str, operation: dict) -> set[int]:
    parameters = operation.get("parameters", [])
    query = [p for p in parameters if p.get("in") == "query"]
    has_body = "requestBody" in operation
    named = any(p.get("in") == "path" for p in parameters) or "{" in path
    signed = any(requirement for requirement in operation.get("security", []))
    unsafe = method not in SAFE_METHODS
    codes = set()
    if has_body or query:
        codes.add(400)
    if signed:
        codes.add(401)
        if unsafe:
            codes.add(403)
    if named or any(p["name"] == "page" for p in query):
        codes.add(404)
    if unsafe and named:
        codes.add(409)
    if has_body:
        codes.add(415)
    return codes


def document_errors(result, generator, request, public):
    """Post-processing hook (``SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]``): add the error
    component and, on every operation, the 4xx answers of its shape it does not yet document;
    a 4xx a view documented without a body gets the error body."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault(ERROR_COMPONENT, _error_component())
    body = {"application/json": {"schema": ERROR_REF}}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            for code in sorted(_codes_for(path, method, operation)):
                responses.setdefault(str(code), {"description": DESCRIPTIONS[code]})
            for code, response in responses.items():
                if code.startswith("4") and "content" not in response:
                    response["content"] = body
    return result


__all__ = ["ERROR_REF", "ErrorSerializer", "document_errors", "error_responses", "page_of"]
