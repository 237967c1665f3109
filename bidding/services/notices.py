"""Telling the parties of a project what concerns them (docs/architecture.md, "Notifications").

Each function is called by the bidding service that makes the change, inside its transaction
and holding its locks, and calls ``notifications.outbox.notify`` once per kind with a stable
idempotency key (``<kind>:<pk>[:<extra>]``), the page where the recipient acts or reads, and the
body's data as JSON (titles, names, formatted times, amounts as strings). The kinds are
``bidding/notices.py``. Nothing here is called per bid.

Confidentiality (docs/design.md, R4): while sign-ups are confidential
(``Project.signups_confidential``) no agency learns who else signed up and the purchaser is not
told of single sign-ups; after sign-up has closed the bidders are public to the parties.
"""
from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from bidding.models import (
    Award,
    Contract,
    Delivery,
    Objection,
    Panel,
    PostingReview,
    Project,
    SignUp,
)
from bidding.selectors.parties import bidder_organisations, regulators_over
from core.audit import event_for
from core.money import format_money
from notifications.outbox import notify


def when(value) -> str:
    """A time as every body shows it (local time, minutes), or "" for none."""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def method_name(project: Project) -> str:
    """The selection method's name, in the platform's language (data is stored, never
    translated at display)."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(project.get_method_display())


def award_url(award: Award) -> str:
    return reverse("bidding:award-detail", args=[award.pk])


def _award_data(award: Award, **extra) -> dict:
    return {"project": award.project.title, "agency": award.agency.name,
            "price": format_money(award.price), "until": when(award.objection_until),
            "method": method_name(award.project), "rank": award.rank, **extra}


# --- postings -----------------------------------------------------------------------------------


def posting_published(project: Project) -> None:
    """The purchaser's confirmation (the subscribers' invitations are ``_invite_subscribers``)."""
    notify("posting.published", to=[project.purchaser], obj=project,
           url=project.get_absolute_url(),
           data={"project": project.title, "deadline": when(project.signup_deadline)},
           key=f"posting.published:{project.pk}")


def posting_withdrawn(project: Project, *, ordered: bool) -> None:
    """The agencies signed up are told (each only of the posting, never of the others); the
    purchaser too when a regulator ordered it."""
    to = bidder_organisations(project) + ([project.purchaser] if ordered else [])
    notify("posting.withdrawn", to=to, obj=project, url=project.get_absolute_url(),
           data={"project": project.title, "reason": project.status_reason},
           key=f"posting.withdrawn:{project.pk}")


def posting_review_requested(review: PostingReview) -> None:
    project = review.project
    notify("posting_review.requested", to=regulators_over(project), obj=review,
           url=reverse("supervision:regulator-posting-reviews"),
           data={"project": project.title, "purchaser": project.purchaser.name,
                 "legal_basis": review.legal_basis},
           key=f"posting_review.requested:{review.pk}")


def posting_review_decided(review: PostingReview) -> None:
    kind = ("posting_review.approved" if review.status == PostingReview.Status.APPROVED
            else "posting_review.refused")
    project = review.project
    notify(kind, to=[project.purchaser], obj=review, url=project.get_absolute_url(),
           data={"project": project.title, "reason": review.decision_reason},
           key=f"{kind}:{review.pk}")


# --- sign-ups -----------------------------------------------------------------------------------


def _signup_to(project: Project, signup: SignUp, now) -> list:
    """The agency itself; the purchaser only once sign-ups are no longer confidential."""
    to = [signup.agency.organisation]
    if not project.signups_confidential(now):
        to.append(project.purchaser)
    return to


def _event_seq(obj) -> int:
    """The sequence number of the audit event just recorded on ``obj``: a sign-up renewed after
    a cancellation is a new event, told again."""
    return event_for(obj).seq


def signup_received(project: Project, signup: SignUp, now) -> None:
    notify("signup.received", to=_signup_to(project, signup, now), obj=signup,
           url=project.get_absolute_url(),
           data={"project": project.title, "agency": signup.agency.name,
                 "deadline": when(project.signup_deadline)},
           key=f"signup.received:{signup.pk}:{_event_seq(signup)}")


def signup_cancelled(project: Project, signup: SignUp, now) -> None:
    notify("signup.cancelled", to=_signup_to(project, signup, now), obj=signup,
           url=project.get_absolute_url(),
           data={"project": project.title, "agency": signup.agency.name},
           key=f"signup.cancelled:{signup.pk}:{_event_seq(signup)}")


def signups_closed(project: Project, *, active: list[SignUp], valid: list[SignUp]) -> None:
    """Sign-up closed and the project goes to selection: the purchaser (how many signed up),
    the agencies that go on (admitted, with the selection time) and the ones that signed up but
    are no longer eligible (the count, as the purchaser)."""
    going = {s.agency_id for s in valid}
    dropped = [s.agency.organisation for s in active if s.agency_id not in going]
    url = project.get_absolute_url()
    notify("signup.closed", to=[project.purchaser, *dropped], obj=project, url=url,
           data={"project": project.title, "count": len(active)},
           key=f"signup.closed:{project.pk}")
    notify("selection.admitted", to=[s.agency.organisation for s in valid], obj=project,
           url=url,
           data={"project": project.title, "method": method_name(project),
                 "at": when(project.selection_at or timezone.now())},
           key=f"selection.admitted:{project.pk}")


def project_failed(project: Project) -> None:
    """The project failed (流标, or nobody left to offer the award): the purchaser and every
    agency still signed up, with the public reason."""
    notify("project.failed", to=[project.purchaser, *bidder_organisations(project)],
           obj=project, url=project.get_absolute_url(),
           data={"project": project.title, "reason": project.status_reason},
           key=f"project.failed:{project.pk}")


# --- awards -------------------------------------------------------------------------------------


def auction_extended(project: Project) -> None:
    """The first extension of a live auction (a bid in its last minutes): the purchaser and the
    bidders, once per auction. Later extensions are shown live on the auction page only: a
    bidding war would otherwise send a message per bid."""
    notify("auction.extended", to=[project.purchaser, *bidder_organisations(project)],
           obj=project, url=reverse("bidding:auction", args=[project.pk]),
           data={"project": project.title, "end": when(project.auction_ends_at)},
           key=f"auction.extended:{project.pk}")


def award_made(award: Award) -> None:
    """Any selection's result (live bidding, draw, quotes, evaluation, direct pick, the lone
    bidder, the runner-up): the purchaser and the winner (``award.made``, or
    ``award.offered_next`` for a rank after the first), and every other agency still signed up
    (``award.published``, with the objection period)."""
    project, url = award.project, award_url(award)
    data = _award_data(award)
    first = award.rank == 1
    kind = "award.made" if first else "award.offered_next"
    notify(kind, to=[project.purchaser, award.agency.organisation], obj=award, url=url,
           data=data, key=f"{kind}:{award.pk}")
    earlier = set(project.awards.exclude(pk=award.pk).values_list("agency_id", flat=True))
    others = bidder_organisations(project, exclude={award.agency_id, *earlier})
    notify("award.published", to=others, obj=award, url=url, data=data,
           key=f"award.published:{award.pk}")


def objection_filed(objection: Objection) -> None:
    award = objection.award
    notify("objection.filed",
           to=[award.project.purchaser, award.agency.organisation,
               *regulators_over(award.project)],
           obj=objection, url=award_url(award),
           data=_award_data(award, objector=objection.agency.name),
           key=f"objection.filed:{objection.pk}")


def objection_answered(objection: Objection) -> None:
    award = objection.award
    notify("objection.answered",
           to=[objection.agency.organisation, *regulators_over(award.project)],
           obj=objection, url=award_url(award),
           data=_award_data(award, objector=objection.agency.name),
           key=f"objection.answered:{objection.pk}")


def objection_decided(objection: Objection, *, upheld: bool) -> None:
    award = objection.award
    kind = "objection.upheld" if upheld else "objection.rejected"
    notify(kind, to=[objection.agency.organisation, award.project.purchaser,
                     award.agency.organisation],
           obj=objection, url=award_url(award),
           data=_award_data(award, objector=objection.agency.name,
                            decision=objection.decision),
           key=f"{kind}:{objection.pk}")


# --- contracts ----------------------------------------------------------------------------------


def contract_uploaded(contract: Contract, award: Award) -> None:
    """The other side is asked to confirm before the signing deadline (urgent)."""
    project = award.project
    other = (award.agency.organisation if contract.uploaded_by_id == project.purchaser_id
             else project.purchaser)
    notify("contract.uploaded", to=[other], obj=contract, url=award_url(award),
           data=_award_data(award, by=contract.uploaded_by.name,
                            deadline=when(award.contract_deadline)),
           key=f"contract.uploaded:{contract.pk}:{contract.file.name}")


def contract_confirmed(contract: Contract, award: Award, *, due) -> None:
    notify("contract.confirmed", to=[award.project.purchaser, award.agency.organisation],
           obj=contract, url=award_url(award), data=_award_data(award, due=when(due)),
           key=f"contract.confirmed:{contract.pk}")


def contract_refused(award: Award, *, reason: str) -> None:
    notify("contract.refused", to=[award.project.purchaser], obj=award, url=award_url(award),
           data=_award_data(award, reason=reason), key=f"contract.refused:{award.pk}")


def award_declined(award: Award, *, reason: str) -> None:
    notify("award.declined", to=[award.agency.organisation], obj=award, url=award_url(award),
           data=_award_data(award, reason=reason), key=f"award.declined:{award.pk}")


def contract_missed(award: Award, *, purchaser_at_fault: bool) -> None:
    """The signing deadline passed: the winner and the purchaser are told who did not do its
    part (the runner-up, if any, gets ``award.offered_next`` from ``award_made``)."""
    party = award.project.purchaser if purchaser_at_fault else award.agency.organisation
    notify("contract.missed", to=[award.project.purchaser, award.agency.organisation],
           obj=award, url=award_url(award),
           data=_award_data(award, deadline=when(award.contract_deadline), party=party.name),
           key=f"contract.missed:{award.pk}:{award.contract_deadline.isoformat()}")


# --- deliveries ---------------------------------------------------------------------------------


def delivery_submitted(delivery: Delivery, award: Award) -> None:
    notify("delivery.submitted", to=[award.project.purchaser], obj=delivery,
           url=award_url(award), data=_award_data(award),
           key=f"delivery.submitted:{delivery.pk}")


def delivery_decided(delivery: Delivery, award: Award, *, accepted: bool) -> None:
    """Returned: the agency, with the reason. Accepted: the agency. The purchaser's invitation to
    rate is the ratings app's ``rating.window_open``, sent on the same signal."""
    if not accepted:
        notify("delivery.returned", to=[award.agency.organisation], obj=delivery,
               url=award_url(award), data=_award_data(award, reason=delivery.reason),
               key=f"delivery.returned:{delivery.pk}")
        return
    notify("delivery.accepted", to=[award.agency.organisation], obj=delivery,
           url=award_url(award), data=_award_data(award), key=f"delivery.accepted:{delivery.pk}")


# --- expert panels ------------------------------------------------------------------------------


def panel_seated(panel: Panel, seats) -> None:
    """Each expert newly seated: its panel page and the scoring deadline."""
    project = panel.project
    url = reverse("bidding:expert-panel", args=[panel.pk])
    for seat in seats:
        notify("panel.seated", to=[seat.expert.organisation], obj=panel, url=url,
               data={"project": project.title, "deadline": when(panel.deadline)},
               key=f"panel.seated:{seat.pk}")


def panel_seats_replaced(panel: Panel, seats) -> None:
    project = panel.project
    for seat in seats:
        notify("panel.seat_replaced", to=[seat.expert.organisation], obj=panel,
               url=reverse("bidding:expert-panels"), data={"project": project.title},
               key=f"panel.seat_replaced:{seat.pk}")
