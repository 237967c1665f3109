"""The rules a coherent demo keeps (issue 12, item 5): every date consistent with the life
cycle of a posting. ``violations()`` lists each break as a readable line; the demo test
(tests/finish/test_demo_coherent.py) asserts there are none."""
from __future__ import annotations

import datetime as dt

from django.utils import timezone

from bidding.models import Award, Bid, Contract, Delivery, Objection, Project, SignUp
from ratings.models import PurchaserRating, Rating

Method, Status = Project.Method, Project.Status
SLACK = dt.timedelta(seconds=1)
CLOSED_SIGNUP = (Status.SELECTING, Status.AWARDED, Status.CLOSED, Status.FAILED)


def _at(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else "—"


def violations(now: dt.datetime | None = None) -> list[str]:
    now = now or timezone.now()
    out: list[str] = []

    def say(obj, text):
        out.append(f"{obj}: {text}")

    for p in Project.objects.order_by("pk"):
        name = f"project {p.pk} ({p.get_method_display()}, {p.status})"
        if p.published_at and p.published_at > now + SLACK:
            say(name, f"published in the future ({_at(p.published_at)})")
        if p.published_at and p.published_at + SLACK < p.created:
            say(name, f"published {_at(p.published_at)} before it was created {_at(p.created)}")
        if p.published_at and p.signup_deadline and p.published_at > p.signup_deadline:
            say(name, f"published {_at(p.published_at)} after its sign-up deadline "
                      f"{_at(p.signup_deadline)}")
        if p.signup_deadline and p.selection_at and p.selection_at < p.signup_deadline:
            say(name, f"selection {_at(p.selection_at)} before the sign-up deadline "
                      f"{_at(p.signup_deadline)}")
        if p.status == Status.PUBLISHED and p.signup_deadline and p.signup_deadline <= now:
            say(name, f"sign-up open but its deadline {_at(p.signup_deadline)} has passed")
        if (p.status in CLOSED_SIGNUP and p.method != Method.DIRECT and p.signup_deadline
                and p.signup_deadline > now):
            say(name, f"sign-up closed but its deadline {_at(p.signup_deadline)} is ahead")
        if p.method == Method.DIRECT and p.status in (Status.AWARDED, Status.CLOSED) \
                and p.signup_deadline and p.signup_deadline > now:
            say(name, f"directly selected, yet a sign-up deadline ahead ({_at(p.signup_deadline)})")
        if p.auction_ends_at and p.selection_at and p.auction_ends_at < p.selection_at:
            say(name, f"auction ends {_at(p.auction_ends_at)} before it starts")

    for s in SignUp.objects.select_related("project").order_by("pk"):
        p = s.project
        if p.published_at and s.created + SLACK < p.published_at:
            say(f"sign-up {s.pk} (project {p.pk})", "made before the project was published")
        if p.signup_deadline and s.created > p.signup_deadline + SLACK:
            say(f"sign-up {s.pk} (project {p.pk})",
                f"made {_at(s.created)} after the deadline {_at(p.signup_deadline)}")

    for b in Bid.objects.select_related("project").order_by("pk"):
        p = b.project
        if p.selection_at and b.placed_at + SLACK < p.selection_at:
            say(f"bid {b.seq} (project {p.pk})", "placed before the auction opened")
        if p.auction_ends_at and b.placed_at > p.auction_ends_at + SLACK:
            say(f"bid {b.seq} (project {p.pk})", "placed after the auction ended")

    for a in Award.objects.select_related("project").order_by("pk"):
        p = a.project
        name = f"award {a.pk} (project {p.pk}, {a.get_method_display()}, {a.status})"
        if a.decided_at > now + SLACK:
            say(name, f"decided in the future ({_at(a.decided_at)})")
        if p.method != Method.DIRECT and p.signup_deadline and a.decided_at < p.signup_deadline:
            say(name, f"decided {_at(a.decided_at)} before the sign-up deadline "
                      f"{_at(p.signup_deadline)}")
        if p.published_at and a.decided_at < p.published_at:
            say(name, "decided before the project was published")
        if a.objection_until < a.decided_at:
            say(name, f"objection period ends {_at(a.objection_until)} before the decision "
                      f"{_at(a.decided_at)}")

    for o in Objection.objects.select_related("award").order_by("pk"):
        if not (o.award.decided_at - SLACK <= o.created <= o.award.objection_until + SLACK):
            say(f"objection {o.pk} (award {o.award_id})",
                f"filed {_at(o.created)} outside the objection period "
                f"{_at(o.award.decided_at)} – {_at(o.award.objection_until)}")

    for c in Contract.objects.select_related("award").order_by("pk"):
        name = f"contract of award {c.award_id}"
        if c.created < c.award.objection_until:
            say(name, f"uploaded {_at(c.created)} before the objection period ended "
                      f"{_at(c.award.objection_until)}")
        if c.confirmed_at and c.confirmed_at < c.created:
            say(name, "confirmed before it was uploaded")

    for d in Delivery.objects.select_related("award__contract").order_by("pk"):
        name = f"delivery {d.pk} (award {d.award_id})"
        contract = getattr(d.award, "contract", None)
        if contract is None or contract.confirmed_at is None:
            say(name, "delivered without a confirmed contract")
        elif d.created < contract.confirmed_at:
            say(name, f"delivered {_at(d.created)} before the contract was confirmed "
                      f"{_at(contract.confirmed_at)}")
        if d.modified + SLACK < d.created:
            say(name, "decided before it was delivered")
        if d.created > now + SLACK:
            say(name, "delivered in the future")

    accepted = {d.award_id: d.modified for d in
                Delivery.objects.filter(status=Delivery.Status.ACCEPTED)}
    for model, label in ((Rating, "rating"), (PurchaserRating, "purchaser rating")):
        for r in model.objects.order_by("pk"):
            when = accepted.get(r.award_id)
            if when is None:
                say(f"{label} {r.pk} (award {r.award_id})", "of an award not accepted")
            elif r.created < when:
                say(f"{label} {r.pk} (award {r.award_id})",
                    f"made {_at(r.created)} before the result was accepted {_at(when)}")
    return out
