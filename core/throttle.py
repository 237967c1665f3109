"""Sign-in throttling with django-axes (issue 8): after ``AXES_FAILURE_LIMIT`` wrong passwords
for a user name, or from an address, both the sign-in page and ``POST /api/v1/auth/token/``
refuse every attempt — the right password too — until ``AXES_COOLOFF_TIME`` has passed since
the last failure. The refusal says how long to wait: a form error on the page, a 429 JSON body
``{"detail", "code": "locked_out", "retry_after"}`` with a ``Retry-After`` header in the API.
"""
from __future__ import annotations

import math

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.db.models import Max, Q
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import ngettext

from core.forms import SignInForm


class SignInThrottle(AxesStandaloneBackend):
    """Axes' lock-out check for every sign-in that comes with a request (the page, the token
    endpoint, the admin). An ``authenticate`` without a request is the code itself (tests'
    ``client.login``, management commands): nothing from the network, nothing to throttle."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def retry_after_seconds(request, credentials=None) -> int:
    """Seconds until the lock-out on this user name or address ends (at least 1)."""
    cool_off = get_cool_off(request)
    if not cool_off:
        return 1
    username = get_client_username(request, credentials) or ""
    ip = getattr(request, "axes_ip_address", None) or ""
    last = AccessAttempt.objects.filter(Q(username=username) | Q(ip_address=ip)).aggregate(
        last=Max("attempt_time"))["last"]
    if last is None:
        return math.ceil(cool_off.total_seconds())
    left = (last + cool_off - timezone.now()).total_seconds()
    return max(1, math.ceil(left))


def lockout_message(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return ngettext(
        "Too many failed sign-in attempts. Try again in %(minutes)d minute.",
        "Too many failed sign-in attempts. Try again in %(minutes)d minutes.",
        minutes) % {"minutes": minutes}


def lockout_response(request, original_response=None, credentials=None):
    """``AXES_LOCKOUT_CALLABLE``: the API's 429 JSON error or the sign-in page with the error."""
    seconds = retry_after_seconds(request, credentials)
    message = lockout_message(seconds)
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message, "code": "locked_out",
                                 "retry_after": seconds}, status=429)
    else:
        # An unbound form (binding it would authenticate once more) and the refusal, shown
        # where the form's own errors are.
        form = SignInForm(request, initial={"username": request.POST.get("username", "")})
        response = render(request, "registration/login.html", {
            "form": form, "next": request.POST.get("next", request.GET.get("next", "")),
            "lockout_message": message}, status=429)
    response["Retry-After"] = str(seconds)
    return response
