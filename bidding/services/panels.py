"""The expert pool (kept by regulators) and the panels of comprehensive evaluation
(docs/design.md §3, "Comprehensive evaluation by a drawn panel").

- Pool: ``expert_create``, ``expert_update``, ``expert_suspend``, ``expert_reinstate``,
  ``expert_tie_add``, ``expert_tie_remove`` — regulators only (``bidding.keep_experts``).
- ``panel_draw``: when sign-up of a comprehensive-evaluation project closes the platform draws
  the panel among the eligible experts (``bidding/panels.py``) with the draw of
  ``bidding/draw.py`` over their codes and the seed ``bidding/panels.py::panel_seed``. Too few
  eligible experts leave the panel SHORT, shown to regulators, who add experts and draw again.
- ``panel_scores_save``: an expert of the panel saves its quality scores as a draft or submits
  them; submitted scores are locked. The last submission completes the panel.
- ``panel_seat_replace``: after the deadline a regulator replaces the experts who did not
  submit with the next experts of the draw order.

The evaluation itself (prices, totals, the award) is ``bidding/services/methods.py::evaluation_run``.
"""
from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bidding import (
    draw,
    permissions,  # noqa: F401  (registers the bidding.* permissions)
)
from bidding.eligibility import eligible_signups
from bidding.models import Expert, ExpertScore, ExpertTie, Panel, PanelSeat, Project, SignUp
from bidding.panels import excluded_counts, panel_commitment, panel_pool, panel_seed
from bidding.services import notices
from bidding.services.closing import bidder_label
from bidding.services.common import lock_project
from core.audit import audit_record, event_for
from core.catalogue import Category, Product
from core.errors import Conflict, NotAllowed, NotFound, ValidationFailed, from_django_validation
from core.locking import lock
from core.models import Organisation
from core.money import parse_decimal
from core.permissions import require_perm
from core.roles import organisation_of
from core.services.accounts import member_account_create
from core.transitions import transition
from core.uscc import uscc_validate

# --- the pool -----------------------------------------------------------------------------------

PROFILE_FIELDS = ("name", "title", "region", "employer_name", "employer_uscc")


def _profile(*, name, title, region, employer_name, employer_uscc) -> dict:
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("Enter the expert's name."), field="name")
    employer_uscc = (employer_uscc or "").strip()
    if employer_uscc:
        try:
            employer_uscc = uscc_validate(employer_uscc)
        except ValidationFailed as exc:
            raise ValidationFailed(exc.message, field="employer_uscc") from None
    employer_name = (employer_name or "").strip()
    if employer_uscc and not employer_name:
        raise ValidationFailed(_("Name the employer whose code you entered."),
                               field="employer_name")
    return {"name": name[:64], "title": (title or "").strip()[:64], "region": region,
            "employer_name": employer_name[:200], "employer_uscc": employer_uscc}


def _specialties(categories, items) -> tuple[list[Category], list[Product]]:
    categories, items = list(categories or ()), list(items or ())
    if not categories and not items:
        raise ValidationFailed(_("Choose at least one specialty (a category or a service item)."),
                               field="items")
    return categories, items


def _snapshot(expert: Expert) -> dict:
    return {"code": expert.code, "name": expert.name, "title": expert.title,
            "region": expert.region_id, "employer_name": expert.employer_name,
            "employer_uscc": expert.employer_uscc,
            "categories": sorted(c.pk for c in expert.categories.all()),
            "items": sorted(i.pk for i in expert.items.all())}


def _save(expert: Expert) -> None:
    try:
        expert.full_clean(exclude=["organisation", "categories", "items"])
    except ValidationError as exc:
        raise from_django_validation(exc) from None
    expert.save()


@transaction.atomic
def expert_create(*, actor, username: str, password: str, email: str = "", name: str,
                  title: str = "", region=None, employer_name: str = "",
                  employer_uscc: str = "", categories=(), items=()) -> Expert:
    """Add an expert to the pool with its own sign-in account (an organisation of kind
    ``expert``: one user, one organisation; the employer is recorded, not joined)."""
    require_perm(actor, "bidding.keep_experts")
    profile = _profile(name=name, title=title, region=region, employer_name=employer_name,
                       employer_uscc=employer_uscc)
    categories, items = _specialties(categories, items)
    org = Organisation.objects.create(kind=Organisation.Kind.EXPERT, name=profile["name"],
                                      region=region)
    member_account_create(organisation=org, username=username, password=password, email=email)
    expert = Expert(organisation=org, code=uuid.uuid4().hex[:16], **profile)
    _save(expert)
    expert.code = f"ZJ{expert.pk:05d}"  # stable, never reused: the draw is computed over it
    expert.save(update_fields=["code"])
    expert.categories.set(categories)
    expert.items.set(items)
    audit_record(actor=actor, action="expert.created", obj=expert,
                 data={**_snapshot(expert), "username": username.strip()})
    return expert


@transaction.atomic
def expert_update(*, actor, expert: Expert, name: str, title: str = "", region=None,
                  employer_name: str = "", employer_uscc: str = "", categories=(),
                  items=()) -> Expert:
    require_perm(actor, "bidding.keep_experts")
    expert = lock(Expert, expert, missing=_("No such expert."))
    profile = _profile(name=name, title=title, region=region, employer_name=employer_name,
                       employer_uscc=employer_uscc)
    categories, items = _specialties(categories, items)
    before = _snapshot(expert)
    for key, value in profile.items():
        setattr(expert, key, value)
    _save(expert)
    expert.categories.set(categories)
    expert.items.set(items)
    after = _snapshot(expert)
    audit_record(actor=actor, action="expert.updated", obj=expert,
                 data={k: [before[k], after[k]] for k in after if before[k] != after[k]})
    return expert


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Give the reason."), field="reason")
    return reason


@transaction.atomic
def expert_suspend(*, actor, expert: Expert, reason: str) -> Expert:
    """A suspended expert is not drawn any more and cannot score (its open seats can be
    replaced after the deadline)."""
    require_perm(actor, "bidding.keep_experts")
    expert = lock(Expert, expert, missing=_("No such expert."))
    expert.status_reason = _reason(reason)
    transition(expert, "suspend", actor=actor, fields=["status_reason"],
               data={"reason": expert.status_reason})
    return expert


@transaction.atomic
def expert_reinstate(*, actor, expert: Expert, reason: str) -> Expert:
    require_perm(actor, "bidding.keep_experts")
    expert = lock(Expert, expert, missing=_("No such expert."))
    expert.status_reason = _reason(reason)
    transition(expert, "reinstate", actor=actor, fields=["status_reason"],
               data={"reason": expert.status_reason})
    return expert


@transaction.atomic
def expert_tie_add(*, actor, expert: Expert, uscc: str, name: str, note: str) -> ExpertTie:
    """Record a tie the expert declared (former employer, shareholding, relatives…)."""
    require_perm(actor, "bidding.keep_experts")
    expert = lock(Expert, expert, missing=_("No such expert."))
    code = uscc_validate(uscc)
    name, note = (name or "").strip(), (note or "").strip()
    if not name:
        raise ValidationFailed(_("Name the organisation."), field="name")
    if not note:
        raise ValidationFailed(_("Describe the tie (former employer, shareholding, relative…)."),
                               field="note")
    if expert.ties.filter(uscc=code).exists():
        raise ValidationFailed(_("This tie is already declared."), field="uscc")
    tie = ExpertTie.objects.create(expert=expert, uscc=code, name=name[:200], note=note[:300])
    audit_record(actor=actor, action="expert.tie_declared", obj=expert,
                 data={"uscc": code, "name": tie.name, "note": tie.note})
    return tie


@transaction.atomic
def expert_tie_remove(*, actor, tie: ExpertTie) -> Expert:
    require_perm(actor, "bidding.keep_experts")
    expert = lock(Expert, tie.expert_id, missing=_("No such expert."))
    tie = ExpertTie.objects.filter(pk=tie.pk, expert=expert).first()
    if tie is None:
        raise NotFound(_("No such tie."))
    audit_record(actor=actor, action="expert.tie_removed", obj=expert,
                 data={"uscc": tie.uscc, "name": tie.name, "note": tie.note})
    tie.delete()
    return expert


# --- the panel draw -----------------------------------------------------------------------------


def _deadline(now):
    return now + dt.timedelta(hours=settings.MARKETPLACE["EXPERT_SCORING_HOURS"])


@transaction.atomic
def panel_draw(*, actor, project) -> Panel:
    """Draw the project's panel (idempotent: a panel already seated is returned as it is). Run
    by the platform when sign-up closes (``actor`` None), or by a regulator for a panel left
    SHORT once the pool has enough experts.

    The bidders are the active sign-ups still eligible; they are labelled A, B… in sign-up
    order, the names experts never see. Every active sign-up's agency counts for the
    exclusions. ``draw_ranking(panel_seed(project), codes)`` orders the eligible experts; the
    first ``EVALUATION_PANEL_SIZE`` are seated, the rest are the reserves in that order."""
    project = lock_project(project)
    if actor is not None:
        require_perm(actor, "bidding.manage_panel")
    if project.method != Project.Method.COMPREHENSIVE:
        raise Conflict(_("Only comprehensive evaluation has an expert panel."))
    if project.status != Project.Status.SELECTING or project.awards.exists():
        raise Conflict(_("The panel is drawn when sign-up has closed, before the award."))
    panel = Panel.objects.filter(project=project).first()
    if panel is not None:
        panel = lock(Panel, panel)
        if panel.status != Panel.Status.SHORT:
            return panel
    now = timezone.now()
    active = list(SignUp.objects.filter(project=project, status=SignUp.Status.ACTIVE)
                  .select_related("agency").order_by("created", "pk"))
    bidders = eligible_signups(project, active)
    for index, signup in enumerate(bidders):
        if signup.label != bidder_label(index):
            signup.label = bidder_label(index)
            signup.save(update_fields=["label", "modified"])
    committed = event_for(project, "panel.committed")
    if committed is not None and committed.data.get("commitment") != panel_commitment(project):
        raise Conflict(_("The panel's seed no longer matches the commitment published with the "
                         "posting (the platform secret changed); the panel cannot be drawn."),
                       code="commitment_mismatch")
    eligible, exclusions = panel_pool(project, active, now)
    seed = panel_seed(project)
    codes = sorted(e.code for e in eligible)
    rounds = [{"round": r["round"], "code": r["uscc"], "digest": r["digest"],
               "index": r["index"], "n": r["n"]} for r in draw.draw_ranking(seed, codes)]
    size = settings.MARKETPLACE["EVALUATION_PANEL_SIZE"]
    data = {"commitment": panel_commitment(project), "candidates": codes, "rounds": rounds,
            "size": size, "exclusions": exclusions, "excluded_counts": excluded_counts(exclusions),
            "bidders": [{"signup": s.pk, "label": s.label} for s in bidders],
            "formula": "rounds = bidding/draw.py::draw_ranking(seed, sorted expert codes); "
                       "the first N rounds are seated, the others are reserves in order"}
    short = len(codes) < size
    status = Panel.Status.SHORT if short else Panel.Status.SCORING
    audit = {"commitment": data["commitment"], "eligible": len(codes), "size": size,
             "excluded_counts": data["excluded_counts"],
             "seated": [r["code"] for r in rounds[:size]] if not short else []}
    fields = {"size": size, "commitment": data["commitment"], "seed": seed, "draw": data,
              "drawn_at": now, "deadline": None if short else _deadline(now)}
    if panel is None:
        panel = Panel.objects.create(project=project, status=status, **fields)
        audit_record(actor=actor, action="panel.short" if short else "panel.drawn", obj=panel,
                     data=audit)
    else:
        for key, value in fields.items():
            setattr(panel, key, value)
        if short:
            panel.save(update_fields=[*fields, "modified"])
            audit_record(actor=actor, action="panel.short", obj=panel, data=audit)
        else:
            transition(panel, "seat", actor=actor, fields=list(fields), data=audit)
    if not short:
        by_code = {e.code: e for e in eligible}
        PanelSeat.objects.bulk_create([PanelSeat(panel=panel, expert=by_code[r["code"]],
                                                 rank=r["round"]) for r in rounds[:size]])
        notices.panel_seated(panel, panel.seats.filter(status=PanelSeat.Status.SEATED)
                             .select_related("expert__organisation").order_by("rank"))
    return panel


# --- scoring --------------------------------------------------------------------------------------


def bidders_of(panel: Panel) -> list[SignUp]:
    """The bidders the panel scores, labelled, in label order."""
    ids = [b["signup"] for b in panel.draw.get("bidders", [])]
    by_pk = SignUp.objects.in_bulk(ids)
    return [by_pk[i] for i in ids if i in by_pk]


def _seat_of(actor, panel: Panel) -> PanelSeat:
    org = organisation_of(actor)
    seat = (PanelSeat.objects.filter(panel=panel, expert__organisation=org)
            .exclude(status=PanelSeat.Status.REPLACED).first() if org else None)
    if seat is None:
        raise NotAllowed(_("Only an expert seated on this panel may score it."))
    return lock(PanelSeat, seat, related=("expert",))


@transaction.atomic
def panel_scores_save(*, actor, panel, scores: dict, submit: bool = False) -> PanelSeat:
    """Save the expert's quality scores (``{sign-up id: score}``, each between 0 and the
    project's quality weight; a blank value clears a draft score) and, with ``submit``, submit
    them: every bidder must be scored, and the scores can never change again."""
    panel = lock(Panel, panel, related=("project",), missing=_("No such panel."))
    require_perm(actor, "bidding.score_panel", panel)
    seat = _seat_of(actor, panel)
    if seat.status == PanelSeat.Status.SUBMITTED:
        PanelSeat.transitions.check(seat, "submit")  # Conflict: submitted, locked
    if seat.expert.status != Expert.Status.ACTIVE:
        raise NotAllowed(_("Your expert account is suspended."))
    if panel.status != Panel.Status.SCORING or panel.project.awards.exists():
        raise Conflict(_("This panel is not scoring."))
    if not isinstance(scores, dict):
        raise ValidationFailed(_("Send the scores as an object mapping each bidder to its score."), field="scores")
    bidders = {s.pk: s for s in bidders_of(panel)}
    top = panel.project.quality_weight
    existing = {s.signup_id: s for s in seat.scores.all()}
    changed = {}
    for key, value in scores.items():
        pk = int(key) if str(key).isdigit() else None
        if pk not in bidders:
            raise ValidationFailed(_("Score only the bidders of this panel."), field="scores")
        field = f"score_{pk}"
        if value is None or str(value).strip() == "":
            if pk in existing:
                existing.pop(pk).delete()
                changed[bidders[pk].label] = None
            continue
        number = parse_decimal(value, field=field, lo=0, hi=top, message=_("Enter a number."),
                               limit=Decimal("1000"))
        if pk in existing:
            if existing[pk].quality_score != number:
                existing[pk].quality_score = number
                existing[pk].save(update_fields=["quality_score", "modified"])
                changed[bidders[pk].label] = str(number)
        else:
            existing[pk] = ExpertScore.objects.create(seat=seat, signup=bidders[pk],
                                                      quality_score=number)
            changed[bidders[pk].label] = str(number)
    if not submit:
        audit_record(actor=actor, action="panel.scores_saved", obj=seat, data={"draft": changed})
        return seat
    missing = [s.label for pk, s in bidders.items() if pk not in existing]
    if missing:
        raise ValidationFailed(_("Score every bidder before submitting; missing: %(m)s") % {
            "m": "、".join(missing)}, field="scores")
    seat.submitted_at = timezone.now()
    transition(seat, "submit", actor=actor, fields=["submitted_at"], data={
        "scores": {bidders[pk].label: str(s.quality_score) for pk, s in sorted(existing.items())}})
    if not panel.seats.filter(status=PanelSeat.Status.SEATED).exists():
        transition(panel, "complete", actor=actor)
    return seat


# --- replacing an expert who missed the deadline -------------------------------------------------


@transaction.atomic
def panel_seat_replace(*, actor, panel) -> Panel:
    """After the scoring deadline a regulator replaces every seated expert who has not
    submitted by the next active experts of the draw order (reserves); the deadline starts
    again for them. Refused when no reserve is left: the regulator then sees the panel short."""
    panel = lock(Panel, panel, related=("project",), missing=_("No such panel."))
    require_perm(actor, "bidding.manage_panel")
    if panel.status != Panel.Status.SCORING:
        raise Conflict(_("This panel is not scoring."))
    now = timezone.now()
    if panel.deadline and now < panel.deadline:
        raise Conflict(_("The scoring deadline has not passed yet."))
    open_seats = list(panel.seats.select_related("expert").filter(status=PanelSeat.Status.SEATED))
    if not open_seats:
        raise Conflict(_("Every expert of this panel has submitted."))
    used = set(panel.seats.values_list("expert__code", flat=True))
    active = set(Expert.objects.filter(status=Expert.Status.ACTIVE)
                 .values_list("code", flat=True))
    reserves = [r for r in panel.draw.get("rounds", [])
                if r["code"] not in used and r["code"] in active]
    if len(reserves) < len(open_seats):
        raise Conflict(_("Not enough drawn experts are left to replace %(n)s missing expert(s); "
                         "add experts to the pool.") % {"n": len(open_seats)})
    experts = {e.code: e for e in Expert.objects.filter(
        code__in=[r["code"] for r in reserves[:len(open_seats)]])}
    seated = []
    for seat, reserve in zip(open_seats, reserves):
        transition(seat, "replace", actor=actor,
                   data={"expert": seat.expert.code, "by": reserve["code"]})
        seated.append(PanelSeat.objects.create(panel=panel, expert=experts[reserve["code"]],
                                               rank=reserve["round"]))
    panel.deadline = _deadline(now)
    panel.save(update_fields=["deadline", "modified"])
    notices.panel_seats_replaced(panel, open_seats)
    notices.panel_seated(panel, seated)
    return panel
