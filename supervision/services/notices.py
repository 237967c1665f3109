"""The notices of online complaints (docs/architecture.md, "Notifications"; kinds in
``supervision/kinds.py``), each called by the complaint service that made the change, inside its
transaction, with the event's key (``<kind>:<complaint pk>``).

- Filed: the regulators whose jurisdiction covers the complaint's region (the ones whose queue
  lists it, ``supervision/permissions.py``), and a receipt to the complainant alone (the person,
  not the organisation: who complained stays private).
- Accepted: the complainant. An open complaint is not public, so the party complained about
  hears nothing yet.
- Not accepted, upheld, dismissed: the complainant, and the party complained about — the agency
  of a complaint about an agency, the purchaser of a complaint about a posting or a selection —
  which is told the public outcome only (decided complaints are public,
  ``supervision/selectors/complaints.py::visible_to``).
"""
from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from core.jurisdiction import regulators_covering
from notifications.outbox import notify
from supervision.models import Complaint


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _data(complaint: Complaint) -> dict:
    about = (complaint.project.title if complaint.project_id
             else complaint.agency.name if complaint.agency_id else "")
    return {"number": complaint.number, "about": about, "subject": complaint.subject,
            "accept_by": _when(complaint.accept_by), "decide_by": _when(complaint.decide_by),
            "outcome": complaint.outcome}


def _url(complaint: Complaint) -> str:
    return reverse("supervision:complaint", args=[complaint.pk])


def _complained_about(complaint: Complaint) -> list:
    if complaint.subject == Complaint.Subject.AGENCY and complaint.agency_id:
        return [complaint.agency.organisation]
    if complaint.project_id:
        return [complaint.project.purchaser]
    return []


def complaint_filed_notify(complaint: Complaint) -> None:
    data, url = _data(complaint), _url(complaint)
    notify("complaint.received", to=regulators_covering(complaint.region), obj=complaint,
           url=url, data=data, key=f"complaint.received:{complaint.pk}")
    notify("complaint.filed", to=[complaint.complainant], obj=complaint, url=url, data=data,
           key=f"complaint.filed:{complaint.pk}")


def complaint_accepted_notify(complaint: Complaint) -> None:
    notify("complaint.accepted", to=[complaint.complainant], obj=complaint,
           url=_url(complaint), data=_data(complaint),
           key=f"complaint.accepted:{complaint.pk}")


def complaint_decided_notify(complaint: Complaint) -> None:
    """After the decision's transition: its kind follows the complaint's new status."""
    kind = {Complaint.Status.NOT_ACCEPTED: "complaint.not_accepted",
            Complaint.Status.UPHELD: "complaint.upheld",
            Complaint.Status.DISMISSED: "complaint.dismissed"}[complaint.status]
    notify(kind, to=[complaint.complainant, *_complained_about(complaint)], obj=complaint,
           url=_url(complaint), data=_data(complaint), key=f"{kind}:{complaint.pk}")
