"""Writes of the credit ledger and the exit mechanism (R9–R11).

Each event is appended under a lock on the agency row; the agency's stored score, stars and
grade are recomputed from its own ledger (``credit.selectors.ledger.ledger_groups``: the same rows,
grouping and ``scoring.Scorer`` as the full recompute) in the same transaction, then the exit
triggers run. ``agency.standing`` is always derived from the sanctions in force
(``_standing_for``). Everything is audited.

The exit triggers are decided by ``_exit_plan`` (pure) and carried out by ``_exit_execute``,
for one agency after an event or for a whole chunk of the full recompute at once, so both
paths create the same sanctions and write the same audit events.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import gc
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import connections, router, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import Agency
from core.audit import audit_record, audit_record_many
from core.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from core.models import Organisation
from core.roles import require_kind
from credit import scoring
from credit.models import CreditEvent, Sanction
from credit.selectors import ledger as selectors

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


def _standing_for(open_: list[Sanction], now: dt.datetime) -> str:
    """The standing that the sanctions ``open_`` (active and proposed) give at ``now``."""
    kinds = {s.kind for s in open_ if s.in_force(now)}
    if Sanction.Kind.EXPULSION in kinds:
        return Standing.EXPELLED
    if Sanction.Kind.SUSPENSION in kinds:
        return Standing.SUSPENDED
    if Sanction.Kind.WARNING in kinds:
        return Standing.WARNED
    return Standing.GOOD


def _standing_sync(agency: Agency, now: dt.datetime,
                   open_: list[Sanction] | None = None) -> str:
    """Set ``agency.standing`` from the sanctions in force (``open_``: its active and proposed
    sanctions, when the caller already has them). Call holding the agency lock."""
    if open_ is None:
        open_ = _open_sanctions(agency.pk)
    standing = _standing_for(open_, now)
    if agency.standing != standing:
        old = agency.standing
        agency.standing = standing
        agency.save(update_fields=["standing", "modified"])
        audit_record(actor=None, action="agency.standing_changed", obj=agency,
                     data={"from": old, "to": standing})
    return standing


def _sanction_new(*, agency_id: int, kind: str, status: str, trigger: str, reason: str,
                  now: dt.datetime, actor=None, event: CreditEvent | None = None,
                  days: int | None = None) -> Sanction:
    """An unsaved sanction, activated if ``status`` is active. Values are built by the services
    themselves (kind, status and trigger from the choices), so no ``full_clean`` round trips
    are needed."""
    sanction = Sanction(agency_id=agency_id, kind=kind, status=status, trigger=trigger,
                        trigger_event=event, reason=str(reason)[:4000],
                        imposed_by=_user(actor))
    if status == Sanction.Status.ACTIVE:
        _activate(sanction, now=now, days=days)
    return sanction


def _sanction_created_audit(sanction: Sanction, *, actor, reason: str | None = None) -> dict:
    """The audit entry of a new sanction (``audit_record`` keyword arguments); ``reason`` as
    given, when the stored one was cut to length."""
    return {"actor": actor, "action": f"sanction.{sanction.status}", "obj": sanction,
            "data": {"agency": sanction.agency_id, "kind": sanction.kind,
                     "trigger": sanction.trigger,
                     "reason": sanction.reason if reason is None else reason,
                     "ends_at": sanction.ends_at, "blacklist_until": sanction.blacklist_until}}


def _sanction_create(*, agency: Agency, kind: str, status: str, trigger: str, reason: str,
                     now: dt.datetime, actor=None, event: CreditEvent | None = None,
                     days: int | None = None) -> Sanction:
    sanction = _sanction_new(agency_id=agency.pk, kind=kind, status=status, trigger=trigger,
                             reason=reason, now=now, actor=actor, event=event, days=days)
    sanction.save()
    audit_record(**_sanction_created_audit(sanction, actor=actor, reason=reason))
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
    if result.stars <= int(_conf("SANCTION_SUSPEND_AT_STARS", 1)):
        return True
    warn_rank = scoring.grade_rank(str(_conf("SANCTION_WARNING_GRADE", "D")))
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
            limit = int(_conf("SANCTION_COMPLAINTS_FOR_EXPULSION", 3))
            window = int(_conf("SANCTION_COMPLAINT_WINDOW_DAYS", 365))
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
            lifts.setdefault(reason, []).append(warning.pk)
            old = warning.status
            warning.status, warning.closed_at, warning.closed_by = (
                Sanction.Status.LIFTED, now, None)
            warning.close_reason = reason
            audits.append({"actor": None, "action": f"sanction.{warning.status}",
                           "obj": warning, "data": {"agency": warning.agency_id, "from": old,
                                                    "reason": reason}})
        if plan.standing_to != plan.standing_from:
            standings.setdefault(plan.standing_to, []).append(plan.agency_id)
            audits.append({"actor": None, "action": "agency.standing_changed",
                           "object_type": agency_label, "object_id": str(plan.agency_id),
                           "data": {"from": plan.standing_from, "to": plan.standing_to}})
    for reason, pks in lifts.items():
        Sanction.objects.filter(pk__in=pks).update(
            status=Sanction.Status.LIFTED, closed_at=now, closed_by=None, close_reason=reason,
            modified=now)
    for standing, pks in standings.items():
        Agency.objects.filter(pk__in=pks).update(standing=standing, modified=now)
    return audits


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
            agency.pk, now, int(_conf("SANCTION_COMPLAINT_WINDOW_DAYS", 365)))
    plan = _exit_plan(agency_id=agency.pk, standing=agency.standing, event=event,
                      result=result, now=now, open_=open_, actor=actor, complaints=complaints)
    entries = _exit_execute([plan], now=now)
    agency.standing = plan.standing_to
    if audits is not None:
        audits.extend(entries)
    elif entries:
        audit_record_many(entries)
    return plan.created


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
    audits = [{"actor": actor, "action": "credit.event_recorded", "obj": event,
               "data": {"agency": locked.pk, "kind": kind, "source": source, "points": points,
                        "stars": stars, "ref": f"{ref_type}:{ref_id}" if ref_id else "",
                        "score": result.score, "grade": result.grade}}]
    if _exit_may_apply(locked.standing, kind=kind, result=result):
        _exit_apply(locked, event=event, result=result, now=now, actor=actor, audits=audits)
    audit_record_many(audits)
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
    audits = [{"actor": actor, "action": "credit.event_voided", "obj": locked,
               "data": {"agency": agency.pk, "kind": locked.kind, "reason": reason,
                        "score": result.score, "grade": result.grade}}]
    _exit_apply(agency, event=None, result=result, now=now, actor=actor, audits=audits)
    audit_record_many(audits)
    return locked


@transaction.atomic
def credit_event_void_for_ref(*, actor, ref, reason: str, kind: str | None = None) -> int:
    """Void the events recorded for ``ref`` (e.g. a rating a regulator voided). Returns how many
    were voided. The caller (e.g. ``ratings.services.ratings``) has authorised ``actor``."""
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


def credit_recompute(*, as_of: dt.date | None = None, chunk_size: int = 2000,
                     params: scoring.Params | None = None) -> tuple[int, int]:
    """Rebuild every agency's stored score from the ledger; returns (agencies, changed).

    Set-wise, chunked by primary key. Each chunk is one transaction: lock its agency rows
    (a concurrent event on one of them waits, then both write the same number), read the
    chunk's ledger rows in one query, score each agency with the same ``scoring.Scorer`` and
    ``scoring.group_rows`` as the incremental update, write the changed scores with one
    ``UPDATE … FROM (VALUES …)`` per batch, then run the score-based exit triggers of the
    agencies whose stars or grade moved with a handful of set-wise writes, every sanction and
    standing change audited (``audit_record_many``: one lock of the chain head per chunk)."""
    as_of = as_of or timezone.localdate()
    scorer = scoring.Scorer(as_of=as_of, params=params or scoring.params_from_settings())
    total = changed = 0
    last_pk = 0
    while True:
        with transaction.atomic():
            rows = list(
                Agency.objects.select_for_update().filter(pk__gt=last_pk).order_by("pk")
                .values_list("pk", "credit_score", "credit_stars", "credit_grade",
                             "standing")[:chunk_size])
            if not rows:
                break
            first_pk, last_pk = rows[0][0], rows[-1][0]
            dirty: list[tuple[int, scoring.Result]] = []
            moved: list[tuple[int, str, scoring.Result]] = []
            with _cyclic_gc_paused():
                groups = selectors.ledger_groups_range(first_pk, last_pk)
                for pk, score, stars, grade, standing in rows:
                    result = scorer.score(groups.get(pk, ()))
                    if score != result.score or stars != result.stars or grade != result.grade:
                        dirty.append((pk, result))
                        if stars != result.stars or grade != result.grade:
                            moved.append((pk, standing, result))
                del groups
            now = timezone.now()
            if dirty:
                _scores_write(dirty, now=now)
            if moved:
                _recompute_triggers(moved, first_pk=first_pk, last_pk=last_pk, now=now)
            total += len(rows)
            changed += len(dirty)
    audit_record(actor=None, action="credit.recomputed",
                 data={"as_of": as_of, "agencies": total, "changed": changed,
                       "rule_version": scoring.RULE_VERSION})
    return total, changed


@contextlib.contextmanager
def _cyclic_gc_paused():
    """Pause Python's cyclic garbage collector while a recompute chunk is read and scored.

    The chunk allocates about a hundred thousand tuples, lists and results, none in a
    reference cycle (reference counting frees them all), yet their allocation triggers full
    collections that walk every object of the process again and again: a third of the
    recompute's time. The collector is resumed (if it was on) before anything else runs."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _scores_write(rows: list[tuple[int, scoring.Result]], *, now: dt.datetime) -> None:
    """Store the new score, stars and grade of many agencies (``modified`` too, as the event
    path does): one ``UPDATE … FROM (VALUES …)`` per batch. ``bulk_update`` is not used: it
    builds one ``CASE WHEN`` per row and field, which costs about a millisecond of Python per
    row and is quadratic for the database. Call holding the agencies' locks."""
    connection = connections[router.db_for_write(Agency)]
    meta = Agency._meta
    names = ("credit_score", "credit_stars", "credit_grade")
    fields = [meta.get_field(name) for name in names]
    if connection.vendor == "sqlite" and connection.Database.sqlite_version_info < (3, 33):
        objs = []
        for pk, result in rows:  # no UPDATE … FROM before SQLite 3.33
            obj = Agency(pk=pk, credit_score=result.score, credit_stars=result.stars,
                         credit_grade=result.grade, modified=now)
            objs.append(obj)
        Agency.objects.bulk_update(objs, [*names, "modified"], batch_size=200)
        return
    qn = connection.ops.quote_name
    table = qn(meta.db_table)
    modified = meta.get_field("modified")
    sets = ", ".join(f"{qn(f.column)} = v.column{i}" for i, f in enumerate(fields, start=2))
    sql = (f"UPDATE {table} SET {sets}, {qn(modified.column)} = %s "
           f"FROM (VALUES {{values}}) AS v WHERE {table}.{qn(meta.pk.column)} = v.column1")
    batch = min(1000, ((connection.features.max_query_params or 4001) - 1) // 4)
    stamp = modified.get_db_prep_save(now, connection)
    score_field, stars_field, grade_field = fields
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch):
            part = rows[start:start + batch]
            params = [stamp]
            for pk, result in part:
                params += [pk, score_field.get_db_prep_save(result.score, connection),
                           result.stars, result.grade]
            cursor.execute(sql.format(values=", ".join(["(%s, %s, %s, %s)"] * len(part))),
                           params)


def _recompute_triggers(moved: list[tuple[int, str, scoring.Result]], *, first_pk: int,
                        last_pk: int, now: dt.datetime) -> None:
    """The score-based exit triggers of the agencies of a recompute chunk whose stars or grade
    moved (age decay, a changed model). Their open sanctions are read in one query and only
    the agencies whose warning/suspension state would change are touched. Call holding the
    chunk's agency locks."""
    open_by_agency: dict[int, list[Sanction]] = {}
    for sanction in Sanction.objects.filter(
            agency_id__gte=first_pk, agency_id__lte=last_pk,
            status__in=[Sanction.Status.ACTIVE, Sanction.Status.PROPOSED]):
        open_by_agency.setdefault(sanction.agency_id, []).append(sanction)
    plans = []
    for pk, standing, result in moved:
        open_ = open_by_agency.get(pk, [])
        if _grade_triggers_due(result, open_, now):
            plans.append(_exit_plan(agency_id=pk, standing=standing, event=None, result=result,
                                    now=now, open_=open_))
    if plans:
        audit_record_many(_exit_execute(plans, now=now))


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
