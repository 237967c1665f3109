"""Awards (中选): making the award and offering it down the published ranking.

The award record is part of the hash-chained audit trail: ``record_hash`` covers the award's
essential fields and its ``award.made`` audit event, and the public verification code is
derived from it (``bidding.verification``). What follows the award lives beside this module:
``objections`` (异议), ``contracts`` (合同, incl. the periodic deadline work) and
``deliveries`` (成果交付).

Life cycle (``Award.transitions`` in bidding/models.py)::

    NOTICE ──(objection period over, no objection pending)──> CONTRACTING
      │  objection upheld → WITHDRAWN, the next in the published ranking is offered the award
      │  (a new notice, rank + 1); nobody left → the project FAILS (流标)
    CONTRACTING ──(contract uploaded by one side, confirmed by the other)──> IN_SERVICE
      │  winner refuses, or the deadline passes without the winner doing its part
      │  → SUPERSEDED, ``award_refused`` sent, runner-up offered (rank + 1) or project FAILED
    IN_SERVICE ──(agency delivers)──> DELIVERED ──(purchaser accepts)──> ACCEPTED
                                          └──(purchaser returns with a reason)──> IN_SERVICE

Lock order everywhere: the project row, then the award row (``core.locking.lock``).
"""
from __future__ import annotations

import json
import uuid
from decimal import Decimal

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django.utils.translation import gettext as _

from bidding.eligibility import BARRED
from bidding.models import Award, Bid, Project, SignUp
from bidding.services import notices
from bidding.verification import award_record_hash, code_from_hash
from core.audit import audit_record
from core.money import CENT, format_money
from core.workdays import add_working_days


# Not offered the award any more (the same standing bidding.services.methods bars).
def award_create(*, project: Project, signup: SignUp, price, quote=None, computation: dict,
                 actor=None, rank: int = 1) -> Award:
    """Make the award (status NOTICE) and move the project to AWARDED.

    Call inside the caller's transaction holding the project lock. Writes the ``award.made``
    audit event and derives ``record_hash`` and the verification code from it. Nothing is
    broadcast: the only group a connection follows is ``auction_<id>`` (bidding/consumers.py).
    """
    now = timezone.now()
    computation = json.loads(json.dumps(computation or {}, cls=DjangoJSONEncoder,
                                        ensure_ascii=False))
    award = Award.objects.create(
        project=project,
        agency=signup.agency,
        signup=signup,
        rank=rank,
        price=Decimal(price).quantize(CENT),
        quote=quote,
        method=project.method,
        status=Award.Status.NOTICE,
        decided_at=now,
        objection_until=add_working_days(now, settings.MARKETPLACE["OBJECTION_WORKING_DAYS"]),
        computation=computation,
        code="TMP-" + uuid.uuid4().hex[:16],
        record_hash="",
    )
    award.refresh_from_db(fields=["decided_at", "price"])
    event = audit_record(
        actor=actor, action="award.made", obj=award,
        data={
            "project": project.pk,
            "investment_code": project.investment_code,
            "agency": signup.agency_id,
            "agency_uscc": signup.agency.uscc,
            "price": format_money(award.price),
            "quote": None if quote is None else str(quote),
            "method": project.method,
            "rank": rank,
            "decided_at": award.decided_at,
            "objection_until": award.objection_until,
        },
    )
    award.record_hash = award_record_hash(award, event.hash)
    award.code = code_from_hash(award.record_hash)
    award.save(update_fields=["record_hash", "code", "modified"])

    project.status = Project.Status.AWARDED
    project.save(update_fields=["status", "modified"])
    notices.award_made(award)
    return award


# --- runner-up ----------------------------------------------------------------------------------


def _live_bidding_ranking(project: Project) -> list[dict]:
    """Best bid per bidder, best first, ties to the earlier bid (for live-bidding awards whose
    computation carries no ranking)."""
    best: dict[int, Bid] = {}
    discount = project.quote_mode == Project.QuoteMode.DISCOUNT
    for bid in Bid.objects.filter(project=project).order_by("seq"):
        cur = best.get(bid.signup_id)
        better = cur is None or (bid.value > cur.value if discount else bid.value < cur.value)
        if better:
            best[bid.signup_id] = bid
    ordered = sorted(best.values(),
                     key=lambda b: ((-b.value if discount else b.value), b.seq))
    return [{"signup": b.signup_id, "quote": str(b.value),
             "price": str(project.price_for(b.value))} for b in ordered]


def ranking_of(award: Award) -> list[dict]:
    """The order in which sign-ups are offered the award: ``computation["ranking"]`` written by
    each selection method (``signup``, ``price``, ``quote``), or the bid log for live bidding."""
    ranking = (award.computation or {}).get("ranking")
    if ranking:
        return list(ranking)
    if award.method == Project.Method.LIVE_BIDDING:
        return _live_bidding_ranking(award.project)
    return []


def award_offer_next(*, project: Project, previous: Award, actor, why: str) -> Award | None:
    """Offer the award to the next sign-up in the ranking that has not had it, is still signed
    up and may still work (not suspended or expelled). None left → the project FAILS.

    Call holding the project and award locks, after ``previous`` was withdrawn or superseded."""
    had = set(Award.objects.filter(project=project).values_list("signup_id", flat=True))
    for entry in ranking_of(previous):
        signup_id = entry.get("signup")
        if signup_id in had:
            continue
        signup = (SignUp.objects.select_related("agency")
                  .filter(pk=signup_id, project=project, status=SignUp.Status.ACTIVE).first())
        if signup is None or signup.agency.standing in BARRED:
            continue
        computation = dict(previous.computation or {})
        computation["offered_after"] = {"code": previous.code, "rank": previous.rank,
                                        "reason": why}
        quote = entry.get("quote")
        return award_create(project=project, signup=signup, price=Decimal(str(entry["price"])),
                            quote=None if quote in (None, "") else Decimal(str(quote)),
                            computation=computation, actor=actor, rank=previous.rank + 1)
    project.status = Project.Status.FAILED
    project.status_reason = _("No other candidate could be offered the award (%(why)s).") % {
        "why": why}
    project.save(update_fields=["status", "status_reason", "modified"])
    audit_record(actor=actor, action="project.failed", obj=project,
                 data={"reason": project.status_reason, "after_award": previous.pk})
    notices.project_failed(project)
    return None
