"""Writes of the credit ledger and the exit mechanism (R9–R11).

Each event is appended under a lock on the agency row; the agency's stored score, stars and
grade are recomputed from its own ledger (``credit.selectors.ledger_groups``, the same query the
full recompute uses) in the same transaction, then the exit triggers run. ``agency.standing`` is
always derived from the sanctions in force (``_standing_sync``). Everything is audited.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import Agency
from marketplace.audit import audit_record
from marketplace.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from marketplace.models import Organisation
from marketplace.roles import organisation_of, require_kind

from . import scoring, selectors
from .models import CreditEvent, Sanction

Kind = CreditEvent.Kind
Source = CreditEvent.Source
Standing = Agency.Standing


def _conf(key: str, default):
    return settings.MARKETPLACE.get(key, default)


def _lock_agency(agency: Agency | int) -> Agency:
    pk = agency if isinstance(agency, int) else agency.pk
    try:
        return Agency.objects.select_for_update().get(pk=pk)
    except Agency.DoesNotExist:
        raise NotFound(_("No such agency.")) from None


def _ref(ref) -> tuple[str, str]:
    if ref is None:
        return "", ""
    if isinstance(ref, tuple):
        return str(ref[0]), str(ref[1])
    return ref._meta.label_lower, str(ref.pk)


def _decimal(value, field: str, *, lo=None, hi=None) -> Decimal:
    try:
        number = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationFailed(_("Enter a number."), field=field) from None
    if not number.is_finite() or (lo is not None and number < lo) or (hi is not None
                                                                      and number > hi):
        raise ValidationFailed(_("The number is out of range."), field=field)
    return number


def _score_agency(agency: Agency, *, as_of: dt.date | None = None) -> scoring.Result:
    """Recompute ``agency``'s stored score from its ledger. Call holding the agency lock."""
    result = selectors.agency_score(agency.pk, as_of=as_of)
    changed = (agency.credit_score != result.score or agency.credit_stars != result.stars
               or agency.credit_grade != result.grade)
    agency.credit_score, agency.credit_stars, agency.credit_grade = (
        result.score, result.stars, result.grade)
    if changed:
        agency.save(update_fields=["credit_score", "credit_stars", "credit_grade", "modified"])
    return result


def _open_sanctions(agency_id: int) -> list[Sanction]:
    return list(Sanction.objects.filter(
        agency_id=agency_id, status__in=[Sanction.Status.ACTIVE, Sanction.Status.PROPOSED]))


def _standing_sync(agency: Agency, now: dt.datetime,
                   open_: list[Sanction] | None = None) -> str:
    """Set ``agency.standing`` from the sanctions in force (``open_``: its active and proposed
    sanctions, when the caller already has them). Call holding the agency lock."""
    if open_ is None:
        open_ = _open_sanctions(agency.pk)
    kinds = {s.kind for s in open_ if s.in_force(now)}
    if Sanction.Kind.EXPULSION in kinds:
        standing = Standing.EXPELLED
    elif Sanction.Kind.SUSPENSION in kinds:
        standing = Standing.SUSPENDED
    elif Sanction.Kind.WARNING in kinds:
        standing = Standing.WARNED
    else:
        standing = Standing.GOOD
    if agency.standing != standing:
        old = agency.standing
        agency.standing = standing
        agency.save(update_fields=["standing", "modified"])
        audit_record(actor=None, action="agency.standing_changed", obj=agency,
                     data={"from": old, "to": standing})
    return standing


def _sanction_create(*, agency: Agency, kind: str, status: str, trigger: str, reason: str,
                     now: dt.datetime, actor=None, event: CreditEvent | None = None,
                     days: int | None = None) -> Sanction:
    """Values are built by the services themselves (kind, status and trigger from the
    choices), so no ``full_clean`` round trips are needed here."""
    sanction = Sanction(agency=agency, kind=kind, status=status, trigger=trigger,
                        trigger_event=event, reason=str(reason)[:4000],
                        imposed_by=_user(actor))
    if status == Sanction.Status.ACTIVE:
        _activate(sanction, now=now, days=days)
    sanction.save()
    audit_record(actor=actor, action=f"sanction.{status}", obj=sanction,
                 data={"agency": agency.pk, "kind": kind, "trigger": trigger, "reason": reason,
                       "ends_at": sanction.ends_at, "blacklist_until": sanction.blacklist_until})
    return sanction


def _activate(sanction: Sanction, *, now: dt.datetime, days: int | None = None) -> None:
    sanction.status = Sanction.Status.ACTIVE
    sanction.starts_at = now
    if sanction.kind == Sanction.Kind.SUSPENSION:
        sanction.ends_at = now + dt.timedelta(
            days=days or int(_conf("SANCTION_SUSPENSION_DAYS", 90)))
    elif sanction.kind == Sanction.Kind.EXPULSION:
        years = int(_conf("SANCTION_BLACKLIST_YEARS", 3))
        try:
            sanction.blacklist_until = now.replace(year=now.year + years)
        except ValueError:  # 29 February
            sanction.blacklist_until = now.replace(year=now.year + years, day=28)


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _grade_triggers_due(result: scoring.Result, open_: list[Sanction], now: dt.datetime) -> bool:
    """Would the score-based triggers (warning, its lifting, one-star suspension) change
    anything? Pure; lets the full recompute skip agencies with nothing to do."""
    warn_rank = scoring.grade_rank(str(_conf("SANCTION_WARNING_GRADE", "D")))
    warned = any(s.kind == Sanction.Kind.WARNING and s.status == Sanction.Status.ACTIVE
                 and s.trigger == Sanction.Trigger.LOW_GRADE for s in open_)
    if (scoring.grade_rank(result.grade) >= warn_rank) != warned:
        return True
    suspended = any(s.kind == Sanction.Kind.SUSPENSION and s.in_force(now) for s in open_)
    return result.stars <= int(_conf("SANCTION_SUSPEND_AT_STARS", 1)) and not suspended


def _exit_apply(agency: Agency, *, event: CreditEvent | None, result: scoring.Result,
                now: dt.datetime, actor=None, open_: list[Sanction] | None = None) -> list:
    """Run the automatic exit triggers (R10), then sync the standing. Call holding the agency
    lock. ``open_`` (the agency's active and proposed sanctions) is read once and kept up to
    date here, so one event costs one sanctions query."""
    if open_ is None:
        open_ = _open_sanctions(agency.pk)
    created: list[Sanction] = []
    active, proposed = Sanction.Status.ACTIVE, Sanction.Status.PROPOSED
    kind = event.kind if event is not None and not event.voided else None

    def add(**kwargs):
        sanction = _sanction_create(agency=agency, event=event, now=now, **kwargs)
        created.append(sanction)
        open_.append(sanction)

    # Expulsion (proposed; a regulator confirms): fraud, or N upheld complaints in a window.
    if not any(s.kind == Sanction.Kind.EXPULSION for s in open_):
        if kind == Kind.REGISTRATION_FRAUD:
            add(kind=Sanction.Kind.EXPULSION, status=proposed, trigger=Sanction.Trigger.FRAUD,
                reason=_("Fraud in registration: %(reason)s") % {"reason": event.reason})
        elif kind == Kind.COMPLAINT_UPHELD:
            limit = int(_conf("SANCTION_COMPLAINTS_FOR_EXPULSION", 3))
            window = int(_conf("SANCTION_COMPLAINT_WINDOW_DAYS", 365))
            count = selectors.complaints_in_window(agency.pk, now, window)
            if count >= limit:
                add(kind=Sanction.Kind.EXPULSION, status=proposed,
                    trigger=Sanction.Trigger.COMPLAINTS,
                    reason=_("%(count)s quality complaints upheld within %(days)s days.")
                    % {"count": count, "days": window})

    # Suspension (in force at once): refusal to sign / missed signing, or one-star credit.
    if not any(s.kind == Sanction.Kind.SUSPENSION and s.in_force(now) for s in open_):
        if kind in (Kind.CONTRACT_REFUSED, Kind.CONTRACT_MISSED):
            add(kind=Sanction.Kind.SUSPENSION, status=active,
                trigger=Sanction.Trigger.CONTRACT_REFUSAL,
                reason=_("%(what)s: %(reason)s") % {"what": event.get_kind_display(),
                                                    "reason": event.reason})
        elif result.stars <= int(_conf("SANCTION_SUSPEND_AT_STARS", 1)):
            add(kind=Sanction.Kind.SUSPENSION, status=active, trigger=Sanction.Trigger.ONE_STAR,
                reason=_("Credit fell to %(stars)s star (score %(score)s).")
                % {"stars": result.stars, "score": result.score})

    # Warning at a low grade; lifted by itself when the grade recovers.
    warn_rank = scoring.grade_rank(str(_conf("SANCTION_WARNING_GRADE", "D")))
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
            _close(warning, status=Sanction.Status.LIFTED, now=now, actor=None,
                   reason=_("Credit grade recovered to %(grade)s.") % {"grade": result.grade})
            open_.remove(warning)
    _standing_sync(agency, now, open_)
    return created


def _close(sanction: Sanction, *, status: str, now: dt.datetime, actor, reason: str) -> None:
    old = sanction.status
    sanction.status = status
    sanction.closed_at = now
    sanction.closed_by = _user(actor)
    sanction.close_reason = reason
    sanction.save(update_fields=["status", "closed_at", "closed_by", "close_reason",
                                 "modified"])
    audit_record(actor=actor, action=f"sanction.{status}", obj=sanction,
                 data={"agency": sanction.agency_id, "from": old, "reason": reason})


# ---------------------------------------------------------------------------------------------
# The ledger
# ---------------------------------------------------------------------------------------------

@transaction.atomic
def credit_event_record(*, agency: Agency | int, kind: str, source: str, actor=None,
                        points=None, stars=None, reason: str = "", ref=None,
                        occurred_at: dt.datetime | None = None) -> CreditEvent:
    """Append one event to ``agency``'s ledger, update its stored score/stars/grade in the same
    transaction and run the exit triggers.

    Called by other services (ratings, inspections, bidding signal receivers) which have already
    authorised their actor. ``points`` defaults to the rule version's points for ``kind``;
    ``stars`` is required for a rating (its star average, 1–5). With a ``ref`` (a model instance
    or ``(type, id)``) the call is idempotent: the same kind for the same ref is recorded once."""
    if kind not in Kind.values:
        raise ValidationFailed(_("Unknown credit event kind."), field="kind")
    if source not in Source.values:
        raise ValidationFailed(_("Unknown credit event source."), field="source")
    now = timezone.now()
    locked = _lock_agency(agency)
    ref_type, ref_id = _ref(ref)
    if ref_id:
        existing = CreditEvent.objects.filter(agency=locked, kind=kind, ref_type=ref_type,
                                              ref_id=ref_id).first()
        if existing is not None:
            return existing
    if kind == Kind.RATING:
        if stars is None:
            raise ValidationFailed(_("A rating needs its star average."), field="stars")
        stars = _decimal(stars, "stars", lo=Decimal(1), hi=Decimal(5))
        points = Decimal(0)
    else:
        stars = None
        points = scoring.DEFAULT_POINTS[kind] if points is None else _decimal(
            points, "points", lo=Decimal(-100), hi=Decimal(100))
    event = CreditEvent(
        agency=locked, kind=kind, source=source, points=points, stars=stars,
        occurred_at=occurred_at or now, rule_version=scoring.RULE_VERSION,
        reason=str(reason or "")[:4000], ref_type=ref_type, ref_id=ref_id,
        created_by=_user(actor),
    )
    event.save()
    result = _score_agency(locked)
    event.score_after = result.score
    event.save(update_fields=["score_after"])
    audit_record(actor=actor, action="credit.event_recorded", obj=event,
                 data={"agency": locked.pk, "kind": kind, "source": source, "points": points,
                       "stars": stars, "ref": f"{ref_type}:{ref_id}" if ref_id else "",
                       "score": result.score, "grade": result.grade})
    _exit_apply(locked, event=event, result=result, now=now, actor=actor)
    if isinstance(agency, Agency):
        _copy_credit(locked, agency)
    return event


def _copy_credit(src: Agency, dst: Agency) -> None:
    for name in ("credit_score", "credit_stars", "credit_grade", "standing"):
        setattr(dst, name, getattr(src, name))


@transaction.atomic
def credit_event_void(*, actor, event: CreditEvent | int, reason: str) -> CreditEvent:
    """A regulator voids an event with a public reason: it stops counting but stays listed."""
    require_kind(actor, Organisation.Kind.REGULATOR)
    return _void(actor=actor, event=event, reason=reason)


def _void(*, actor, event: CreditEvent | int, reason: str) -> CreditEvent:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Give the reason for voiding; it is published."),
                               field="reason")
    pk = event if isinstance(event, int) else event.pk
    agency_id = CreditEvent.objects.filter(pk=pk).values_list("agency_id", flat=True).first()
    if agency_id is None:
        raise NotFound(_("No such credit event."))
    agency = _lock_agency(agency_id)
    locked = CreditEvent.objects.select_for_update().get(pk=pk)
    if locked.voided:
        raise Conflict(_("This event has already been voided."))
    now = timezone.now()
    locked.voided, locked.voided_reason, locked.voided_at = True, reason, now
    locked.voided_by = _user(actor)
    locked.save(update_fields=["voided", "voided_reason", "voided_at", "voided_by"])
    result = _score_agency(agency)
    audit_record(actor=actor, action="credit.event_voided", obj=locked,
                 data={"agency": agency.pk, "kind": locked.kind, "reason": reason,
                       "score": result.score, "grade": result.grade})
    _exit_apply(agency, event=None, result=result, now=now, actor=actor)
    return locked


@transaction.atomic
def credit_event_void_for_ref(*, actor, ref, reason: str, kind: str | None = None) -> int:
    """Void the events recorded for ``ref`` (e.g. a rating a regulator voided). Returns how many
    were voided. The caller (e.g. ``ratings.services``) has authorised ``actor``."""
    ref_type, ref_id = _ref(ref)
    qs = CreditEvent.objects.filter(ref_type=ref_type, ref_id=ref_id, voided=False)
    if kind:
        qs = qs.filter(kind=kind)
    ids = list(qs.values_list("pk", flat=True))
    for pk in ids:
        _void(actor=actor, event=pk, reason=reason)
    return len(ids)


@transaction.atomic
def credit_finding_record(*, actor, agency: Agency | int, kind: str = Kind.REGULATOR_FINDING,
                          points=None, reason: str) -> CreditEvent:
    """A regulator records a finding (or fraud, refusal to obey management…) on an agency."""
    require_kind(actor, Organisation.Kind.REGULATOR)
    allowed = {Kind.REGULATOR_FINDING, Kind.REGISTRATION_FRAUD, Kind.REFUSED_MANAGEMENT,
               Kind.COMPLAINT_UPHELD, Kind.INSPECTION_PASS, Kind.INSPECTION_FAIL}
    if kind not in allowed:
        raise ValidationFailed(_("A regulator cannot record this kind of event."), field="kind")
    if not (reason or "").strip():
        raise ValidationFailed(_("Give the reason; it is published."), field="reason")
    return credit_event_record(agency=agency, kind=kind, source=Source.OPERATOR, actor=actor,
                               points=points, reason=reason)


@transaction.atomic
def credit_repair(*, actor, agency: Agency | int, points, reason: str) -> CreditEvent:
    """Credit repair (信用修复): a regulator adds a positive repair event after the agency
    corrected its conduct."""
    require_kind(actor, Organisation.Kind.REGULATOR)
    value = _decimal(points, "points", lo=Decimal("0.01"), hi=Decimal(50))
    if not (reason or "").strip():
        raise ValidationFailed(_("Give the reason for the repair; it is published."),
                               field="reason")
    return credit_event_record(agency=agency, kind=Kind.REPAIR, source=Source.OPERATOR,
                               actor=actor, points=value, reason=reason)


@transaction.atomic
def credit_recompute_agency(*, agency: Agency | int, as_of: dt.date | None = None) -> Agency:
    """Recompute one agency's stored score from its ledger (and resync its standing)."""
    locked = _lock_agency(agency)
    _score_agency(locked, as_of=as_of)
    _standing_sync(locked, timezone.now())
    return locked


def credit_recompute(*, as_of: dt.date | None = None, chunk_size: int = 5000,
                     params: scoring.Params | None = None) -> tuple[int, int]:
    """Rebuild every agency's stored score from the ledger; returns (agencies, changed).

    Chunked by primary key: one grouped SQL query per chunk (sums done by the database),
    scores computed by the same pure function as the incremental update, changed rows written
    with ``bulk_update``. Each chunk is its own transaction and locks its rows (skipping none:
    a concurrent event on one agency waits, then both write the same number)."""
    as_of = as_of or timezone.localdate()
    params = params or scoring.params_from_settings()
    total = changed = 0
    last_pk = 0
    while True:
        with transaction.atomic():
            agencies = list(
                Agency.objects.select_for_update().filter(pk__gt=last_pk).order_by("pk")
                .only("pk", "credit_score", "credit_stars", "credit_grade", "standing",
                      "modified")[:chunk_size])
            if not agencies:
                break
            last_pk = agencies[-1].pk
            groups = selectors.ledger_groups_range(agencies[0].pk, last_pk)
            dirty, moved = [], []
            for agency in agencies:
                result = scoring.score(groups.get(agency.pk, ()), as_of=as_of, params=params)
                if (agency.credit_score != result.score or agency.credit_stars != result.stars
                        or agency.credit_grade != result.grade):
                    if (agency.credit_stars, agency.credit_grade) != (result.stars,
                                                                      result.grade):
                        moved.append((agency, result))
                    agency.credit_score, agency.credit_stars, agency.credit_grade = (
                        result.score, result.stars, result.grade)
                    dirty.append(agency)
            if dirty:
                Agency.objects.bulk_update(dirty, ["credit_score", "credit_stars",
                                                   "credit_grade"], batch_size=2000)
            if moved:
                # Stars or grade moved (age decay, a changed model): the score-based exit
                # triggers may apply. Open sanctions of the chunk are read in one query and
                # only agencies whose warning/suspension state would change are touched.
                now = timezone.now()
                open_by_agency: dict[int, list[Sanction]] = {}
                for sanction in Sanction.objects.filter(
                        agency_id__in=[a.pk for a, _r in moved],
                        status__in=[Sanction.Status.ACTIVE, Sanction.Status.PROPOSED]):
                    open_by_agency.setdefault(sanction.agency_id, []).append(sanction)
                for agency, result in moved:
                    open_ = open_by_agency.get(agency.pk, [])
                    if _grade_triggers_due(result, open_, now):
                        _exit_apply(agency, event=None, result=result, now=now, open_=open_)
            total += len(agencies)
            changed += len(dirty)
    audit_record(actor=None, action="credit.recomputed",
                 data={"as_of": as_of, "agencies": total, "changed": changed,
                       "rule_version": scoring.RULE_VERSION})
    return total, changed


# ---------------------------------------------------------------------------------------------
# Sanctions
# ---------------------------------------------------------------------------------------------

def _lock_sanction(sanction: Sanction | int) -> tuple[Agency, Sanction]:
    pk = sanction if isinstance(sanction, int) else sanction.pk
    agency_id = Sanction.objects.filter(pk=pk).values_list("agency_id", flat=True).first()
    if agency_id is None:
        raise NotFound(_("No such sanction."))
    agency = _lock_agency(agency_id)
    return agency, Sanction.objects.select_for_update().get(pk=pk)


@transaction.atomic
def sanction_impose(*, actor, agency: Agency | int, kind: str, reason: str,
                    days: int | None = None) -> Sanction:
    """A regulator imposes a warning, a suspension (``days``, default the configured period) or
    an expulsion (in force at once, with the blacklist period)."""
    require_kind(actor, Organisation.Kind.REGULATOR)
    if kind not in Sanction.Kind.values:
        raise ValidationFailed(_("Choose warning, suspension or expulsion."), field="kind")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Give the reason; it is published."), field="reason")
    if days is not None:
        try:
            days = int(days)
        except (TypeError, ValueError):
            raise ValidationFailed(_("Enter a whole number of days."), field="days") from None
        if not 1 <= days <= 3650:
            raise ValidationFailed(_("Enter between 1 and 3650 days."), field="days")
    locked = _lock_agency(agency)
    now = timezone.now()
    sanction = _sanction_create(agency=locked, kind=kind, status=Sanction.Status.ACTIVE,
                                trigger=Sanction.Trigger.REGULATOR, reason=reason, now=now,
                                actor=actor, days=days)
    sanction.confirmed_by, sanction.confirmed_at = _user(actor), now
    sanction.save(update_fields=["confirmed_by", "confirmed_at"])
    _standing_sync(locked, now)
    return sanction


@transaction.atomic
def sanction_confirm(*, actor, sanction: Sanction | int) -> Sanction:
    """A regulator confirms a proposed sanction (an automatic expulsion): it comes into force,
    the blacklist period starts."""
    require_kind(actor, Organisation.Kind.REGULATOR)
    agency, locked = _lock_sanction(sanction)
    if locked.status != Sanction.Status.PROPOSED:
        raise Conflict(_("Only a proposed sanction can be confirmed; this one is %(status)s.")
                       % {"status": locked.get_status_display()})
    now = timezone.now()
    _activate(locked, now=now)
    locked.confirmed_by, locked.confirmed_at = _user(actor), now
    locked.save()
    audit_record(actor=actor, action="sanction.confirmed", obj=locked,
                 data={"agency": agency.pk, "kind": locked.kind,
                       "blacklist_until": locked.blacklist_until, "ends_at": locked.ends_at})
    _standing_sync(agency, now)
    return locked


@transaction.atomic
def sanction_reject(*, actor, sanction: Sanction | int, reason: str) -> Sanction:
    """A regulator rejects a proposed sanction (it is revoked, with a public reason)."""
    require_kind(actor, Organisation.Kind.REGULATOR)
    if not (reason or "").strip():
        raise ValidationFailed(_("Give the reason; it is published."), field="reason")
    agency, locked = _lock_sanction(sanction)
    if locked.status != Sanction.Status.PROPOSED:
        raise Conflict(_("Only a proposed sanction can be rejected."))
    now = timezone.now()
    _close(locked, status=Sanction.Status.REVOKED, now=now, actor=actor, reason=reason.strip())
    _standing_sync(agency, now)
    return locked


@transaction.atomic
def sanction_appeal(*, actor, sanction: Sanction | int, text: str) -> Sanction:
    """The sanctioned agency appeals (once), with its grounds."""
    org = require_kind(actor, Organisation.Kind.AGENCY)
    text = (text or "").strip()
    if not text:
        raise ValidationFailed(_("State the grounds of the appeal."), field="text")
    agency, locked = _lock_sanction(sanction)
    if agency.organisation_id != org.pk:
        raise NotAllowed(_("Only the sanctioned agency can appeal."))
    if locked.status not in (Sanction.Status.PROPOSED, Sanction.Status.ACTIVE):
        raise Conflict(_("This sanction is no longer in force."))
    if locked.appeal_status:
        raise Conflict(_("This sanction has already been appealed."))
    locked.appeal_status, locked.appeal_text = Sanction.Appeal.PENDING, text[:4000]
    locked.appealed_at = timezone.now()
    locked.save(update_fields=["appeal_status", "appeal_text", "appealed_at", "modified"])
    audit_record(actor=actor, action="sanction.appealed", obj=locked,
                 data={"agency": agency.pk, "text": locked.appeal_text})
    return locked


@transaction.atomic
def sanction_appeal_decide(*, actor, sanction: Sanction | int, upheld: bool,
                           decision: str) -> Sanction:
    """A regulator decides an appeal; an upheld appeal revokes the sanction."""
    require_kind(actor, Organisation.Kind.REGULATOR)
    decision = (decision or "").strip()
    if not decision:
        raise ValidationFailed(_("Give the decision's reasons; they are published."),
                               field="decision")
    agency, locked = _lock_sanction(sanction)
    if locked.appeal_status != Sanction.Appeal.PENDING:
        raise Conflict(_("There is no pending appeal on this sanction."))
    now = timezone.now()
    locked.appeal_status = Sanction.Appeal.UPHELD if upheld else Sanction.Appeal.REJECTED
    locked.appeal_decision, locked.appeal_decided_at = decision, now
    locked.appeal_decided_by = _user(actor)
    locked.save(update_fields=["appeal_status", "appeal_decision", "appeal_decided_at",
                               "appeal_decided_by", "modified"])
    audit_record(actor=actor, action="sanction.appeal_decided", obj=locked,
                 data={"agency": agency.pk, "upheld": bool(upheld), "decision": decision})
    if upheld and locked.status in (Sanction.Status.PROPOSED, Sanction.Status.ACTIVE):
        _close(locked, status=Sanction.Status.REVOKED, now=now, actor=actor,
               reason=_("Appeal upheld: %(decision)s") % {"decision": decision})
    _standing_sync(agency, now)
    return locked


@transaction.atomic
def sanction_lift(*, actor, sanction: Sanction | int, reason: str) -> Sanction:
    """A regulator lifts a sanction in force (reinstatement)."""
    require_kind(actor, Organisation.Kind.REGULATOR)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Give the reason; it is published."), field="reason")
    agency, locked = _lock_sanction(sanction)
    if locked.status != Sanction.Status.ACTIVE:
        raise Conflict(_("Only a sanction in force can be lifted."))
    now = timezone.now()
    _close(locked, status=Sanction.Status.LIFTED, now=now, actor=actor, reason=reason)
    _standing_sync(agency, now)
    return locked


@transaction.atomic
def agency_reinstate(*, actor, agency: Agency | int, reason: str) -> Agency:
    """A regulator reinstates an agency: every sanction in force on it is lifted."""
    require_kind(actor, Organisation.Kind.REGULATOR)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Give the reason; it is published."), field="reason")
    locked = _lock_agency(agency)
    now = timezone.now()
    open_ = list(Sanction.objects.select_for_update().filter(
        agency=locked, status__in=[Sanction.Status.ACTIVE, Sanction.Status.PROPOSED]))
    if not open_:
        raise Conflict(_("This agency has no sanction to lift."))
    for sanction in open_:
        status = (Sanction.Status.LIFTED if sanction.status == Sanction.Status.ACTIVE
                  else Sanction.Status.REVOKED)
        _close(sanction, status=status, now=now, actor=actor, reason=reason)
    audit_record(actor=actor, action="agency.reinstated", obj=locked,
                 data={"reason": reason, "sanctions": [s.pk for s in open_]})
    _standing_sync(locked, now)
    return locked


def sanctions_expire(*, now: dt.datetime | None = None) -> int:
    """End every suspension whose period is over and every expulsion whose blacklist period is
    over. Safe to run concurrently: each due sanction is taken with ``SKIP LOCKED`` and moved
    only if still active, so two runs make exactly one transition each."""
    now = now or timezone.now()
    due = Q(kind=Sanction.Kind.SUSPENSION, ends_at__lte=now) | Q(
        kind=Sanction.Kind.EXPULSION, blacklist_until__lte=now)
    done = 0
    ids = list(Sanction.objects.filter(due, status=Sanction.Status.ACTIVE)
               .order_by("pk").values_list("pk", "agency_id"))
    for pk, agency_id in ids:
        with transaction.atomic():
            agency = _lock_agency(agency_id)
            sanction = (Sanction.objects.select_for_update(skip_locked=True)
                        .filter(pk=pk, status=Sanction.Status.ACTIVE).first())
            if sanction is None:
                continue
            _close(sanction, status=Sanction.Status.EXPIRED, now=now, actor=None,
                   reason=_("The period ended."))
            _standing_sync(agency, now)
            done += 1
    return done
