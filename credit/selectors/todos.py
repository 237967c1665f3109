"""What awaits an agency in the exit mechanism, for the account page (``core/todos.py``),
registered by ``CreditConfig.ready``: a sanction proposed against it or in force, with its end
and, while it has not appealed, the appeal it may file (``credit/services/sanctions.py``'s
``sanction_appeal`` accepts one while the sanction is proposed or in force). One query."""
from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.todos import Todo
from credit.models import Sanction


def agency_todos(user, org, now) -> list[Todo]:
    sanctions = (Sanction.objects.filter(agency__organisation=org,
                                         status__in=[Sanction.Status.PROPOSED,
                                                     Sanction.Status.ACTIVE])
                 .order_by("created"))
    items = []
    for sanction in sanctions:
        if sanction.status == Sanction.Status.PROPOSED:
            title = _("A sanction is proposed against your agency: %(kind)s")
        else:
            title = _("A sanction is in force: %(kind)s")
        detail = []
        if sanction.ends_at:
            detail.append(_("ends %(date)s") % {
                "date": timezone.localtime(sanction.ends_at).strftime("%Y-%m-%d")})
        if not sanction.appeal_status:
            detail.append(_("you may appeal"))
        elif sanction.appeal_status == Sanction.Appeal.PENDING:
            detail.append(_("appeal pending"))
        items.append(Todo(kind=f"sanction.{sanction.status}",
                          title=title % {"kind": sanction.get_kind_display()},
                          subject=sanction.reason[:80],
                          url=reverse("credit:sanction", args=[sanction.pk]),
                          detail=" · ".join(str(d) for d in detail)))
    return items
