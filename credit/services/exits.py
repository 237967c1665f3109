"""The exit triggers of R10, decided once and carried out set-wise.

``_exit_plan`` (pure) decides, for one agency, the sanctions the triggers create, the low-grade
warnings they lift and the standing that follows; ``_exit_execute`` carries out the plans of one
agency (after a ledger event, ``credit.services.ledger``) or of a whole recompute chunk
(``credit.services.recompute``) with a few set-wise writes, so both paths create the same
sanctions and write the same audit events. The moves it makes in bulk are checked against
``Sanction.transitions`` and audited with its action codes.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connections, router
from django.utils.translation import gettext as _

from agencies.models import Agency
from core.audit import audit_record_many
from credit import scoring
from credit.models import CreditEvent, Sanction
from credit.selectors import ledger as selectors
from credit.services import notices
from credit.services.sanctions import (
    _open_sanctions,
    _sanction_created_audit,
    _sanction_new,
    _standing_for,
)

Kind = CreditEvent.Kind
Standing = Agency.Standing


def _grade_triggers_due(result: scoring.Result, open_: list[Sanction], now: dt.datetime) -> bool:
    """Would the score-based triggers (warning, its lifting, one-star suspension) change
    anything? Pure; lets the full recompute skip agencies with nothing to do."""
    warn_rank = scoring.grade_rank(settings.MARKETPLACE["SANCTION_WARNING_GRADE"])
    warned = any(s.kind == Sanction.Kind.WARNING and s.status == Sanction.Status.ACTIVE
                 and s.trigger == Sanction.Trigger.LOW_GRADE for s in open_)
    if (scoring.grade_rank(result.grade) >= warn_rank) != warned:
        return True
    suspended = any(s.kind == Sanction.Kind.SUSPENSION and s.in_force(now) for s in open_)
    return result.stars <= settings.MARKETPLACE["SANCTION_SUSPEND_AT_STARS"] and not suspended


_EVENT_TRIGGERS = frozenset({Kind.REGISTRATION_FRAUD, Kind.COMPLAINT_UPHELD,
                             Kind.CONTRACT_REFUSED, Kind.CONTRACT_MISSED})


def _exit_may_apply(standing: str, *, kind: str | None, result: scoring.Result) -> bool:
    """Could the exit triggers or the standing sync change anything for an agency in
    ``standing`` after an event of ``kind`` that left it at ``result``? Pure; when it says no,
    the event path skips reading the agency's sanctions.

    No, only if the agency is in good standing, the event is not one that triggers a sanction
    by itself, and the new grade and stars trigger nothing. In good standing the agency has no
    low-grade warning to lift: such a warning is in force from the moment it is created, so
    ``_standing_sync`` never leaves an agency that has one in good standing."""
    if standing != Standing.GOOD or kind in _EVENT_TRIGGERS:
        return True
    if result.stars <= settings.MARKETPLACE["SANCTION_SUSPEND_AT_STARS"]:
        return True
    warn_rank = scoring.grade_rank(settings.MARKETPLACE["SANCTION_WARNING_GRADE"])
    return scoring.grade_rank(result.grade) >= warn_rank


@dataclass
class _ExitPlan:
    """What the exit triggers do to one agency: sanctions to create, low-grade warnings to
    lift (with the reason), the standing to move to. Built by ``_exit_plan`` (pure), carried
    out for one or many agencies at once by ``_exit_execute``."""

    agency_id: int
    standing_from: str
    standing_to: str
    created: list[Sanction] = field(default_factory=list)
    lifted: list[tuple[Sanction, str]] = field(default_factory=list)
    actor: object = None


def _exit_plan(*, agency_id: int, standing: str, event: CreditEvent | None,
               result: scoring.Result, now: dt.datetime, open_: list[Sanction], actor=None,
               complaints: int = 0) -> _ExitPlan:
    """Decide the automatic exit triggers (R10) for one agency. Pure: ``open_`` is the agency's
    active and proposed sanctions, ``complaints`` the upheld complaints in the window (read by
    the caller when the event is an upheld complaint)."""
    open_ = list(open_)
    plan = _ExitPlan(agency_id=agency_id, standing_from=standing, standing_to=standing,
                     actor=actor)
    active, proposed = Sanction.Status.ACTIVE, Sanction.Status.PROPOSED
    kind = event.kind if event is not None and not event.voided else None

    def add(**kwargs):
        sanction = _sanction_new(agency_id=agency_id, event=event, now=now, actor=actor,
                                 **kwargs)
        plan.created.append(sanction)
        open_.append(sanction)

    # Expulsion (proposed; a regulator confirms): fraud, or N upheld complaints in a window.
    if not any(s.kind == Sanction.Kind.EXPULSION for s in open_):
        if kind == Kind.REGISTRATION_FRAUD:
            add(kind=Sanction.Kind.EXPULSION, status=proposed, trigger=Sanction.Trigger.FRAUD,
                reason=_("Fraud in registration: %(reason)s") % {"reason": event.reason})
        elif kind == Kind.COMPLAINT_UPHELD:
            limit = settings.MARKETPLACE["SANCTION_COMPLAINTS_FOR_EXPULSION"]
            window = settings.MARKETPLACE["SANCTION_COMPLAINT_WINDOW_DAYS"]
            if complaints >= limit:
                add(kind=Sanction.Kind.EXPULSION, status=proposed,
                    trigger=Sanction.Trigger.COMPLAINTS,
                    reason=_("%(count)s quality complaints upheld within %(days)s days.")
                    % {"count": complaints, "days": window})

    # Suspension (in force at once): refusal to sign / missed signing, or one-star credit.
    if not any(s.kind == Sanction.Kind.SUSPENSION and s.in_force(now) for s in open_):
        if kind in (Kind.CONTRACT_REFUSED, Kind.CONTRACT_MISSED):
            add(kind=Sanction.Kind.SUSPENSION, status=active,
                trigger=Sanction.Trigger.CONTRACT_REFUSAL,
                reason=_("%(what)s: %(reason)s") % {"what": event.get_kind_display(),
                                                    "reason": event.reason})
        elif result.stars <= settings.MARKETPLACE["SANCTION_SUSPEND_AT_STARS"]:
            add(kind=Sanction.Kind.SUSPENSION, status=active, trigger=Sanction.Trigger.ONE_STAR,
                reason=_("Credit fell to %(stars)s star (score %(score)s).")
                % {"stars": result.stars, "score": result.score})

    # Warning at a low grade; lifted by itself when the grade recovers.
    warn_rank = scoring.grade_rank(settings.MARKETPLACE["SANCTION_WARNING_GRADE"])
    warnings = [s for s in open_ if s.kind == Sanction.Kind.WARNING and s.status == active
                and s.trigger == Sanction.Trigger.LOW_GRADE]
    if scoring.grade_rank(result.grade) >= warn_rank:
        if not warnings:
            add(kind=Sanction.Kind.WARNING, status=active, trigger=Sanction.Trigger.LOW_GRADE,
                reason=_("Credit grade %(grade)s (score %(score)s) is at or below the warning "
                         "grade %(limit)s.") % {"grade": result.grade, "score": result.score,
                                                "limit": scoring.GRADES[warn_rank]})
    else:
        for warning in warnings:
            plan.lifted.append((warning, _("Credit grade recovered to %(grade)s.")
                                % {"grade": result.grade}))
            open_.remove(warning)
    plan.standing_to = _standing_for(open_, now)
    return plan


def _exit_execute(plans: list[_ExitPlan], *, now: dt.datetime) -> list[dict]:
    """Carry out ``plans`` (one agency's or a whole recompute chunk's) with a few set-wise
    writes: new sanctions in one ``bulk_create``, lifted warnings and standings in one
    ``UPDATE`` per distinct value. Returns their audit entries in the order the one-by-one
    path wrote them (per agency: sanctions created, warnings lifted, standing changed), for
    the caller to append with ``audit_record_many``. Call holding the agencies' locks."""
    created = [s for plan in plans for s in plan.created]
    if len(created) > 1 and connections[router.db_for_write(Sanction)].features \
            .can_return_rows_from_bulk_insert:
        Sanction.objects.bulk_create(created)  # sets their primary keys, audited below
    else:
        for sanction in created:
            sanction.save()
    lifts: dict[str, list[int]] = {}
    standings: dict[str, list[int]] = {}
    audits: list[dict] = []
    agency_label = Agency._meta.label_lower
    for plan in plans:
        audits.extend(_sanction_created_audit(s, actor=plan.actor) for s in plan.created)
        for warning, reason in plan.lifted:
            lift = Sanction.transitions.check(warning, "lift")
            lifts.setdefault(reason, []).append(warning.pk)
            old = warning.status
            warning.status, warning.closed_at, warning.closed_by = lift.target, now, None
            warning.close_reason = reason
            audits.append({"actor": None, "action": lift.action, "obj": warning,
                           "data": {"status": [old, lift.target], "agency": warning.agency_id,
                                    "from": old, "reason": reason}})
        if plan.standing_to != plan.standing_from:
            standings.setdefault(plan.standing_to, []).append(plan.agency_id)
            audits.append({"actor": None, "action": "agency.standing_changed",
                           "object_type": agency_label, "object_id": str(plan.agency_id),
                           "data": {"from": plan.standing_from, "to": plan.standing_to}})
    for reason, pks in lifts.items():
        Sanction.objects.filter(pk__in=pks).update(
            status=Sanction.transitions["lift"].target, closed_at=now, closed_by=None, close_reason=reason,
            modified=now)
    for standing, pks in standings.items():
        Agency.objects.filter(pk__in=pks).update(standing=standing, modified=now)
    return audits


def _exit_notify(plans: list[_ExitPlan]) -> None:
    """Tell the agencies (and, for a proposal, the regulators) what the triggers did: one
    query for the agencies concerned, then one notice per sanction created or lifted. The
    event path calls it inside its transaction; the full recompute after each chunk commits
    (``credit/services/recompute.py::credit_recompute``)."""
    touched = [plan.agency_id for plan in plans if plan.created or plan.lifted]
    if not touched:
        return
    agencies = Agency.objects.select_related("organisation", "region").in_bulk(touched)
    for plan in plans:
        notices.sanctions_created_notify(plan.created, agencies)
        for warning, reason in plan.lifted:
            notices.sanction_ended_notify(warning, kind="sanction.lifted", decision=reason,
                                          agency=agencies[plan.agency_id])


def _exit_apply(agency: Agency, *, event: CreditEvent | None, result: scoring.Result,
                now: dt.datetime, actor=None, audits: list[dict] | None = None) -> list:
    """Run the automatic exit triggers (R10) on one agency, then sync its standing. Call
    holding the agency lock. The audit entries are appended to ``audits`` when given (the
    caller writes them with its own), else written here."""
    open_ = _open_sanctions(agency.pk)
    complaints = 0
    kind = event.kind if event is not None and not event.voided else None
    if kind == Kind.COMPLAINT_UPHELD and not any(
            s.kind == Sanction.Kind.EXPULSION for s in open_):
        complaints = selectors.complaints_in_window(
            agency.pk, now, settings.MARKETPLACE["SANCTION_COMPLAINT_WINDOW_DAYS"])
    plan = _exit_plan(agency_id=agency.pk, standing=agency.standing, event=event,
                      result=result, now=now, open_=open_, actor=actor, complaints=complaints)
    entries = _exit_execute([plan], now=now)
    _exit_notify([plan])
    agency.standing = plan.standing_to
    if audits is not None:
        audits.extend(entries)
    elif entries:
        audit_record_many(entries)
    return plan.created
