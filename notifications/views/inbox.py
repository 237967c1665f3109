"""The in-site inbox: ``/notifications/`` (newest first, unread ones styled), marking one read
(which then follows its link) and marking all read."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import MarketplaceError, NotFound
from notifications.selectors.inbox import inbox_items
from notifications.services.inbox import notification_read, notifications_read_all


@login_required
def inbox(request):
    unread = request.GET.get("unread") == "1"
    page = Paginator(inbox_items(request.user, unread=unread), 30).get_page(
        request.GET.get("page"))
    rows = [(item, *item.notification.render()) for item in page]
    return render(request, "notifications/inbox.html",
                  {"page": page, "rows": rows, "unread_only": unread,
                   "extra_query": "&unread=1" if unread else ""})


@login_required
@require_POST
def read(request, pk: int):
    try:
        item = notification_read(actor=request.user, item_id=pk)
    except NotFound:
        raise Http404(_("No such notification.")) from None
    except MarketplaceError as exc:
        messages.error(request, exc.message)
        return redirect("notifications")
    url = item.notification.url
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return redirect(url)
    return redirect("notifications")


@login_required
@require_POST
def read_all(request):
    try:
        count = notifications_read_all(actor=request.user)
    except MarketplaceError as exc:
        messages.error(request, exc.message)
    else:
        if count:
            messages.success(request, _("All notifications marked read."))
    return redirect("notifications")
