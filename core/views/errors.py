"""The error pages Django itself answers with (bad request, forbidden, not found, server error):
JSON in the API's error format under ``/api/``, a page of the site's own everywhere else — never
Django's technical pages. Routed by ``handler400`` … ``handler500`` in marketplace/urls.py.

Django answers 400 itself before any view runs for a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE``
(``RequestDataTooBig``) or too many fields; an API client then gets
``{"detail": …, "code": "request_too_large"}`` like every other refusal.

With ``DEBUG`` on (the default of ``make run``) Django ignores ``handler404`` and answers an
unknown URL with its technical page listing every URL pattern of the site;
``DebugNotFoundMiddleware`` puts the site's page (or the JSON refusal) in its place, so the
default settings do not hand out the URL map either. Tracebacks of a 500 stay on the
developer's screen with DEBUG on: only the 404 page is replaced. The pages are ``404.html``
and ``500.html`` (templates/), in the reader's language; 400 and 403 use ``core/error.html``.
"""
from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


def _wants_json(request) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get(
        "Accept", "")


def _answer(request, status: int, detail: str, code: str, template: str = "core/error.html"):
    if _wants_json(request):
        return JsonResponse({"detail": detail, "code": code}, status=status)
    response = render(request, template, {"status": status, "detail": detail}, status=status)
    response.site_page = True
    return response


def bad_request(request, exception=None):
    if isinstance(exception, RequestDataTooBig):  # 413 says what is wrong better than 400
        return _answer(request, 413, _("The request is too large."), "request_too_large")
    if isinstance(exception, TooManyFieldsSent):
        return _answer(request, 400, _("The request has too many fields."), "too_many_fields")
    return _answer(request, 400, _("The request could not be understood."), "bad_request")


def permission_denied(request, exception=None):
    return _answer(request, 403, _("You may not open this page."), "forbidden")


def page_not_found(request, exception=None):
    """``404.html``: the site's look, a search of the projects and the main lists."""
    return _answer(request, 404, _("There is no such page."), "not_found", "404.html")


def server_error(request):
    """``500.html``, rendered without the request's context processors (they read the database,
    which may be what failed); plain text if even that fails."""
    detail = _("Something went wrong on our side; the error has been logged. Please try again "
               "later.")
    if _wants_json(request):
        return JsonResponse({"detail": detail, "code": "server_error"}, status=500)
    try:
        return HttpResponseServerError(loader.render_to_string("500.html", {"detail": detail}))
    except Exception:  # the page itself failed: plain text
        logger.exception("the error page could not be rendered")
        return HttpResponseServerError(detail, content_type="text/plain; charset=utf-8")


class DebugNotFoundMiddleware:
    """With ``DEBUG`` on, replace Django's technical 404 page (it lists every URL pattern) by
    the site's own answer (``page_not_found``). Responses of our own are left alone: JSON (the
    API's 404s) and anything that is not a 404. Listed right after SecurityMiddleware, so the
    security headers still apply and ``request.user`` is already set on the way back."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (settings.DEBUG and response.status_code == 404
                and response.get("Content-Type", "").startswith("text/html")
                and not getattr(response, "site_page", False)):
            return page_not_found(request)
        return response
