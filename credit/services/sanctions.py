"""The sanctions of the exit mechanism (R10) through their life: imposed by a regulator or
proposed / put in force by the exit triggers (``credit.services.exits``), confirmed or rejected,
appealed and decided, lifted, expired; and the agency's ``standing``, always derived from the
sanctions in force (``_standing_for``).

Every move of a sanction is a transition of ``Sanction.transitions`` (credit/models.py), applied
with ``core.transitions.transition`` holding the agency's and the sanction's locks, so it is
checked, saved and audited in one place.
"""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import Agency
from core.audit import audit_record
from core.errors import Conflict, NotFound, ValidationFailed
from core.locking import lock, lock_many
from core.permissions import require_perm
from core.transitions import transition
from credit import permissions  # noqa: F401  (registers the credit permissions)
from credit.models import CreditEvent, Sanction
from credit.services import notices

Standing = Agency.Standing

# The audit action of a sanction as it is created (credit/actions.py); later moves are the
# transitions' own.
CREATED_ACTIONS = {Sanction.Status.PROPOSED: "sanction.proposed",
                   Sanction.Status.ACTIVE: "sanction.active"}


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def lock_agency(agency: Agency | int) -> Agency:
    return lock(Agency, agency, missing=_("No such agency."))


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


def _activate(sanction: Sanction, *, now: dt.datetime, days: int | None = None) -> None:
    """Set the period of a sanction coming into force at ``now`` (its status is the caller's:
    a new sanction is created active, a proposed one moves by the ``confirm`` transition)."""
    rules = settings.MARKETPLACE
    sanction.starts_at = now
    if sanction.kind == Sanction.Kind.SUSPENSION:
        sanction.ends_at = now + dt.timedelta(days=days or rules["SANCTION_SUSPENSION_DAYS"])
    elif sanction.kind == Sanction.Kind.EXPULSION:
        years = rules["SANCTION_BLACKLIST_YEARS"]
        try:
            sanction.blacklist_until = now.replace(year=now.year + years)
        except ValueError:  # 29 February
            sanction.blacklist_until = now.replace(year=now.year + years, day=28)


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
    return {"actor": actor, "action": CREATED_ACTIONS[sanction.status], "obj": sanction,
            "data": {"agency": sanction.agency_id, "kind": sanction.kind,
                     "trigger": sanction.trigger,
                     "reason": sanction.reason if reason is None else reason,
                     "ends_at": sanction.ends_at, "blacklist_until": sanction.blacklist_until}}


def _close(sanction: Sanction, name: str, *, now: dt.datetime, actor, reason: str) -> None:
    """Apply the closing transition ``name`` (reject, lift, expire, revoke) to ``sanction``,
    locked by the caller."""
    old = sanction.status
    sanction.closed_at = now
    sanction.closed_by = _user(actor)
    sanction.close_reason = reason
    transition(sanction, name, actor=actor,
               data={"agency": sanction.agency_id, "from": old, "reason": reason},
               fields=["closed_at", "closed_by", "close_reason"])


def _lock_sanction(sanction: Sanction | int) -> tuple[Agency, Sanction]:
    """Lock the sanction's agency, then the sanction (the order every credit write takes)."""
    pk = sanction if isinstance(sanction, int) else sanction.pk
    agency_id = Sanction.objects.filter(pk=pk).values_list("agency_id", flat=True).first()
    if agency_id is None:
        raise NotFound(_("No such sanction."))
    agency = lock_agency(agency_id)
    locked = lock(Sanction, pk, missing=_("No such sanction."))
    locked.agency = agency
    return agency, locked


def _reason(reason: str, message=None) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(message or _("Give the reason; it is published."),
                               field="reason")
    return reason


@transaction.atomic
def sanction_impose(*, actor, agency: Agency | int, kind: str, reason: str,
                    days: int | None = None) -> Sanction:
    """A regulator imposes a warning, a suspension (``days``, default the configured period) or
    an expulsion (in force at once, with the blacklist period)."""
    require_perm(actor, "credit.impose_sanction")
    if kind not in Sanction.Kind.values:
        raise ValidationFailed(_("Choose warning, suspension or expulsion."), field="kind")
    reason = _reason(reason)
    if days is not None:
        try:
            days = int(days)
        except (TypeError, ValueError):
            raise ValidationFailed(_("Enter a whole number of days."), field="days") from None
        if not 1 <= days <= 3650:
            raise ValidationFailed(_("Enter between 1 and 3650 days."), field="days")
    locked = lock_agency(agency)
    now = timezone.now()
    sanction = _sanction_new(agency_id=locked.pk, kind=kind, status=Sanction.Status.ACTIVE,
                             trigger=Sanction.Trigger.REGULATOR, reason=reason, now=now,
                             actor=actor, days=days)
    sanction.confirmed_by, sanction.confirmed_at = _user(actor), now
    sanction.save()
    audit_record(**_sanction_created_audit(sanction, actor=actor, reason=reason))
    _standing_sync(locked, now)
    notices.sanctions_created_notify([sanction])
    return sanction


@transaction.atomic
def sanction_confirm(*, actor, sanction: Sanction | int) -> Sanction:
    """A regulator confirms a proposed sanction (an automatic expulsion): it comes into force,
    the blacklist period starts."""
    require_perm(actor, "credit.confirm_sanction")
    agency, locked = _lock_sanction(sanction)
    if not Sanction.transitions.allowed(locked, "confirm"):
        raise Conflict(_("Only a proposed sanction can be confirmed; this one is %(status)s.")
                       % {"status": locked.get_status_display()})
    now = timezone.now()
    _activate(locked, now=now)
    locked.confirmed_by, locked.confirmed_at = _user(actor), now
    transition(locked, "confirm", actor=actor,
               data={"agency": agency.pk, "kind": locked.kind,
                     "blacklist_until": locked.blacklist_until, "ends_at": locked.ends_at},
               fields=["starts_at", "ends_at", "blacklist_until", "confirmed_by",
                       "confirmed_at"])
    _standing_sync(agency, now)
    notices.sanction_decided_notify(locked, confirmed=True)
    return locked


def _regulator_close(*, actor, sanction, reason: str, permission: str, move: str) -> Sanction:
    """Close ``sanction`` by the regulator's ``move`` with a public reason, then resync the
    agency's standing. Call inside the service's transaction."""
    require_perm(actor, permission)
    reason = _reason(reason)
    agency, locked = _lock_sanction(sanction)
    now = timezone.now()
    _close(locked, move, now=now, actor=actor, reason=reason)
    _standing_sync(agency, now)
    if move == "reject":
        notices.sanction_decided_notify(locked, confirmed=False, decision=reason)
    else:
        notices.sanction_ended_notify(locked, kind="sanction.lifted", decision=reason)
    return locked


@transaction.atomic
def sanction_reject(*, actor, sanction: Sanction | int, reason: str) -> Sanction:
    """A regulator rejects a proposed sanction (it is revoked, with a public reason)."""
    return _regulator_close(actor=actor, sanction=sanction, reason=reason,
                            permission="credit.confirm_sanction", move="reject")


@transaction.atomic
def sanction_appeal(*, actor, sanction: Sanction | int, text: str) -> Sanction:
    """The sanctioned agency appeals (once), with its grounds."""
    agency, locked = _lock_sanction(sanction)
    require_perm(actor, "credit.appeal_sanction", locked)
    text = (text or "").strip()
    if not text:
        raise ValidationFailed(_("State the grounds of the appeal."), field="text")
    if locked.status not in (Sanction.Status.PROPOSED, Sanction.Status.ACTIVE):
        raise Conflict(_("This sanction is no longer in force."))
    if locked.appeal_status:
        raise Conflict(_("This sanction has already been appealed."))
    locked.appeal_status, locked.appeal_text = Sanction.Appeal.PENDING, text[:4000]
    locked.appealed_at = timezone.now()
    locked.save(update_fields=["appeal_status", "appeal_text", "appealed_at", "modified"])
    audit_record(actor=actor, action="sanction.appealed", obj=locked,
                 data={"agency": agency.pk, "text": locked.appeal_text})
    notices.sanction_appealed_notify(locked)
    return locked


@transaction.atomic
def sanction_appeal_decide(*, actor, sanction: Sanction | int, upheld: bool,
                           decision: str) -> Sanction:
    """A regulator decides an appeal; an upheld appeal revokes the sanction."""
    require_perm(actor, "credit.decide_sanction_appeal")
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
    if upheld and Sanction.transitions.allowed(locked, "revoke"):
        _close(locked, "revoke", now=now, actor=actor,
               reason=_("Appeal upheld: %(decision)s") % {"decision": decision})
    _standing_sync(agency, now)
    notices.sanction_ended_notify(
        locked, kind="sanction.appeal_upheld" if upheld else "sanction.appeal_rejected",
        decision=decision)
    return locked


@transaction.atomic
def sanction_lift(*, actor, sanction: Sanction | int, reason: str) -> Sanction:
    """A regulator lifts a sanction in force (reinstatement)."""
    return _regulator_close(actor=actor, sanction=sanction, reason=reason,
                            permission="credit.lift_sanction", move="lift")


@transaction.atomic
def agency_reinstate(*, actor, agency: Agency | int, reason: str) -> Agency:
    """A regulator reinstates an agency: every sanction in force on it is lifted (a proposed
    one is revoked)."""
    require_perm(actor, "credit.lift_sanction")
    reason = _reason(reason)
    locked = lock_agency(agency)
    now = timezone.now()
    open_ = list(lock_many(Sanction, [s.pk for s in _open_sanctions(locked.pk)]).values())
    if not open_:
        raise Conflict(_("This agency has no sanction to lift."))
    for sanction in open_:
        name = "lift" if sanction.status == Sanction.Status.ACTIVE else "revoke"
        _close(sanction, name, now=now, actor=actor, reason=reason)
    audit_record(actor=actor, action="agency.reinstated", obj=locked,
                 data={"reason": reason, "sanctions": [s.pk for s in open_]})
    _standing_sync(locked, now)
    notices.agency_reinstated_notify(locked, open_, reason=reason)
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
            agency = lock_agency(agency_id)
            try:
                sanction = lock(Sanction, pk, skip_locked=True)
            except NotFound:
                continue  # another run holds it
            if not Sanction.transitions.allowed(sanction, "expire"):
                continue  # another run moved it already
            _close(sanction, "expire", now=now, actor=None, reason=_("The period ended."))
            _standing_sync(agency, now)
            notices.sanction_ended_notify(sanction, kind="sanction.expired")
            done += 1
    return done
