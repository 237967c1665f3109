"""The notification settings page (``/notifications/settings/``) and the one-click unsubscribe
of an e-mail's link (``/notifications/unsubscribe/<token>/``), which works without signing in.
"""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from core.errors import MarketplaceError
from core.forms import apply_error
from notifications.forms import CHANNEL_LABELS, NotificationSettingsForm
from notifications.kinds import registered_kinds
from notifications.selectors.preferences import choices_of, preference_rows, settings_of
from notifications.services.preferences import (
    BAD_LINK,
    notification_settings_update,
    notifications_unsubscribe,
)
from notifications.unsubscribe import unsubscribe_read


@login_required
def settings_page(request):
    choices = choices_of(request.user)
    row = settings_of(request.user)
    rows = preference_rows(request.user, choices)
    form = NotificationSettingsForm(
        request.POST or None, rows=rows, choices=choices,
        initial={"mobile": row.mobile, "language": row.language})
    if request.method == "POST" and form.is_valid():
        try:
            notification_settings_update(actor=request.user, user=request.user,
                                         **form.service_arguments())
        except MarketplaceError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("Your notification settings are saved."))
            return redirect("notification-settings")
    return render(request, "notifications/settings.html",
                  {"form": form, "email": request.user.email, "labels": CHANNEL_LABELS},
                  status=400 if form.errors else 200)


def _kind_title(kind: str) -> str:
    spec = registered_kinds().get(kind)
    return str(spec.title) if spec else kind


# csrf_exempt: mail clients POST "List-Unsubscribe=One-Click" here without a session or a CSRF
# token (RFC 8058); the signed token in the URL is what authorises the change.
@csrf_exempt
def unsubscribe(request, token: str):
    link = unsubscribe_read(token)
    if link is None:
        return render(request, "notifications/unsubscribe.html", {"error": BAD_LINK},
                      status=400)
    context = {"token": token, "kind_title": _kind_title(link.kind),
               "channel": CHANNEL_LABELS.get(link.channel, link.channel)}
    if request.method == "POST":
        everything = request.POST.get("scope") == "all"
        try:
            notifications_unsubscribe(token=token, everything=everything)
        except MarketplaceError as exc:
            return render(request, "notifications/unsubscribe.html",
                          {**context, "error": str(exc)}, status=exc.status_code)
        return render(request, "notifications/unsubscribe.html",
                      {**context, "done": True, "everything": everything})
    if request.method not in ("GET", "HEAD"):
        return render(request, "notifications/unsubscribe.html", context, status=405)
    return render(request, "notifications/unsubscribe.html", context)
