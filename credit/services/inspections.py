"""Random inspections (双随机、一公开, R11): random agencies × random inspectors, results public.

The randomness is the random draw's (``bidding.draw``), so anyone can re-check it:

1. At the announcement the pool is frozen and published — the candidate agencies (by unified
   social credit code) and the candidate inspectors (by inspector code) — together with the
   commitment ``sha256(seed)``; the seed stays secret.
2. At the draw the seed is revealed. Agencies are drawn in rounds: in each round the candidates
   not drawn yet are sorted, ``digest = sha256(seed + "|" + "|".join(sorted codes))`` and the
   drawn one is ``sorted_codes[int(digest, 16) % n]``; N rounds for the agencies, then the same
   for the M inspectors with the inspector codes.
3. Each drawn agency's finding (pass / fail with points) becomes a credit event.

``draw_picks`` and ``verify_inspection_computation`` are pure; the services below change state.
"""
from __future__ import annotations

import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import Agency
from bidding.draw import commitment_of, draw_digest
from core.audit import audit_record
from core.errors import Conflict, ValidationFailed
from core.locking import lock
from core.money import parse_decimal
from core.permissions import require_perm
from core.regions import within_region
from core.transitions import transition
from credit import permissions  # noqa: F401  (registers the credit permissions)
from credit.models import Inspection, InspectionFinding, Inspector
from credit.services import notices
from credit.services.ledger import credit_event_record

FORMULA = ('each round: drawn = sorted_codes[int(sha256(seed + "|" + "|".join(sorted_codes)), 16)'
           ' % n], among the codes not drawn yet')


# --- pure functions ---------------------------------------------------------------------------

def draw_picks(seed: str, codes, k: int) -> list[dict]:
    """The first ``k`` rounds of the verifiable draw among ``codes`` (each a dict with the
    round, the number of candidates left, the digest, the index and the code drawn)."""
    remaining = sorted(set(codes))
    rounds = []
    while remaining and len(rounds) < k:
        digest = draw_digest(seed, remaining)
        index = int(digest, 16) % len(remaining)
        rounds.append({"round": len(rounds) + 1, "n": len(remaining), "digest": digest,
                       "index": index, "code": remaining[index]})
        remaining = remaining[:index] + remaining[index + 1:]
    return rounds


def verify_inspection_computation(computation: dict) -> bool:
    """Recompute a published inspection draw from its seed and candidate lists."""
    seed = str(computation.get("seed") or "")
    if not seed or commitment_of(seed) != computation.get("commitment"):
        return False
    agencies = [c["code"] for c in computation.get("agency_candidates", [])]
    inspectors = [c["code"] for c in computation.get("inspector_candidates", [])]
    got_a = [r["code"] for r in draw_picks(seed, agencies, int(computation["agency_count"]))]
    got_i = [r["code"] for r in draw_picks(seed, inspectors,
                                           int(computation["inspector_count"]))]
    return (got_a == [r["code"] for r in computation.get("agency_rounds", [])]
            and got_i == [r["code"] for r in computation.get("inspector_rounds", [])])


# --- reads ------------------------------------------------------------------------------------

def inspection_pool(*, item=None, region=None, grade: str = ""):
    """Agencies eligible to be drawn: optionally those offering ``item``, in ``region`` (or a
    region under it) and of credit ``grade``. Expelled agencies are not inspected."""
    qs = Agency.objects.exclude(standing=Agency.Standing.EXPELLED)
    if item is not None:
        qs = qs.filter(partner__stockrecords__product=item)
    if region is not None:
        qs = qs.filter(within_region(region, "region"))  # any level: by code prefix
    if grade:
        qs = qs.filter(credit_grade=grade)
    return qs.distinct().order_by("uscc")


# --- writes -----------------------------------------------------------------------------------

def _count(value, name: str, label) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if not 1 <= number <= 200:
        raise ValidationFailed(_("%(label)s: give a number from 1 to 200.") % {"label": label},
                               field=name)
    return number


@transaction.atomic
def inspection_announce(*, actor, title: str, agency_count, inspector_count, item=None,
                        region=None, grade: str = "",
                        source: str = Inspection.Source.INDUSTRY_DEPARTMENT) -> Inspection:
    """A regulator announces an inspection: the pools are frozen and published with the seed's
    commitment; the seed stays secret until the draw."""
    require_perm(actor, "credit.run_inspection")
    title = (title or "").strip()
    if not title:
        raise ValidationFailed(_("Give the inspection a title."), field="title")
    n = _count(agency_count, "agency_count", _("Agencies to draw"))
    m = _count(inspector_count, "inspector_count", _("Inspectors to draw"))
    if source not in Inspection.Source.values:
        raise ValidationFailed(_("Choose who records the findings."), field="source")
    pool = list(inspection_pool(item=item, region=region, grade=grade or "")
                .values_list("uscc", "name"))
    inspectors = list(Inspector.objects.filter(active=True).order_by("code")
                      .values_list("code", "name", "department"))
    if not pool:
        raise ValidationFailed(_("No agency matches these filters; widen the pool."))
    if len(inspectors) < m:
        raise ValidationFailed(
            _("The inspector pool has only %(n)s inspectors.") % {"n": len(inspectors)},
            field="inspector_count")
    seed = secrets.token_hex(32)
    inspection = Inspection.objects.create(
        title=title, item=item, region=region, grade=grade or "", agency_count=min(n, len(pool)),
        inspector_count=m, source=source, commitment=commitment_of(seed), seed=seed,
        created_by=actor,
        computation={
            "formula": FORMULA,
            "commitment": commitment_of(seed),
            "agency_count": min(n, len(pool)),
            "inspector_count": m,
            "agency_candidates": [{"code": c, "name": nm} for c, nm in pool],
            "inspector_candidates": [{"code": c, "name": nm, "department": d}
                                     for c, nm, d in inspectors],
        })
    audit_record(actor=actor, action="inspection.announced", obj=inspection,
                 data={"title": title, "commitment": inspection.commitment,
                       "pool": len(pool), "inspectors": len(inspectors),
                       "agency_count": inspection.agency_count, "inspector_count": m})
    return inspection


def _lock_inspection(inspection) -> Inspection:
    return lock(Inspection, inspection, missing=_("This inspection does not exist."))


@transaction.atomic
def inspection_draw(*, actor, inspection) -> Inspection:
    """Reveal the seed and draw the agencies and inspectors from the frozen pools."""
    require_perm(actor, "credit.run_inspection")
    inspection = _lock_inspection(inspection)
    Inspection.transitions.check(inspection, "draw")
    comp = dict(inspection.computation)
    seed = inspection.seed
    agency_rounds = draw_picks(seed, [c["code"] for c in comp["agency_candidates"]],
                               inspection.agency_count)
    inspector_rounds = draw_picks(seed, [c["code"] for c in comp["inspector_candidates"]],
                                  inspection.inspector_count)
    agencies = {a.uscc: a for a in Agency.objects.filter(
        uscc__in=[r["code"] for r in agency_rounds])}
    for r in agency_rounds:
        InspectionFinding.objects.create(inspection=inspection, agency=agencies[r["code"]],
                                         rank=r["round"])
    inspection.inspectors.set(Inspector.objects.filter(
        code__in=[r["code"] for r in inspector_rounds]))
    comp.update({"seed": seed, "agency_rounds": agency_rounds,
                 "inspector_rounds": inspector_rounds})
    inspection.computation = comp
    inspection.drawn_at = timezone.now()
    transition(inspection, "draw", actor=actor, fields=["computation", "drawn_at"],
               data={"seed": seed, "agencies": [r["code"] for r in agency_rounds],
                     "inspectors": [r["code"] for r in inspector_rounds]})
    notices.inspection_drawn_notify(inspection)
    return inspection


@transaction.atomic
def inspection_finding_record(*, actor, finding, result: str, note: str = "",
                              points=None) -> InspectionFinding:
    """Record the result of inspecting one drawn agency; it becomes a credit event (source: the
    inspection's source, kind inspection_pass / inspection_fail)."""
    require_perm(actor, "credit.run_inspection")
    finding = lock(InspectionFinding, finding, related=("inspection", "agency"),
                   missing=_("This finding does not exist."))
    if finding.inspection.status != Inspection.Status.DRAWN:
        raise Conflict(_("Findings are recorded after the draw and before publication."))
    InspectionFinding.transitions.check(finding, "pass")  # recorded once
    if result not in (InspectionFinding.Result.PASS, InspectionFinding.Result.FAIL):
        raise ValidationFailed(_("Choose passed or failed."), field="result")
    note = (note or "").strip()
    if result == InspectionFinding.Result.FAIL and not note:
        raise ValidationFailed(_("Describe what failed; the finding is published."),
                               field="note")
    value = None
    if points not in (None, ""):
        value = parse_decimal(points, field="points", message=_("Points must be a number."))
        if not -100 <= value <= 100:
            raise ValidationFailed(_("Points must be between -100 and 100."), field="points")
    kind = "inspection_pass" if result == InspectionFinding.Result.PASS else "inspection_fail"
    event = credit_event_record(
        agency=finding.agency, kind=kind, source=finding.inspection.source, actor=actor,
        points=value, reason=note or _("Random inspection: %(title)s")
        % {"title": finding.inspection.title}, ref=finding)
    finding.note = note
    finding.points = event.points
    finding.recorded_by = actor
    finding.recorded_at = timezone.now()
    finding.credit_event = event
    transition(finding, result, actor=actor,
               fields=["note", "points", "recorded_by", "recorded_at", "credit_event"],
               data={"inspection": finding.inspection_id, "agency": finding.agency_id,
                     "result": result, "points": str(event.points), "note": note})
    notices.inspection_finding_notify(finding)
    return finding


@transaction.atomic
def inspection_publish(*, actor, inspection) -> Inspection:
    """Publish the results once every drawn agency has a finding."""
    require_perm(actor, "credit.run_inspection")
    inspection = _lock_inspection(inspection)
    Inspection.transitions.check(inspection, "publish")
    if inspection.findings.filter(result=InspectionFinding.Result.PENDING).exists():
        raise Conflict(_("Record a finding for every drawn agency first."))
    inspection.published_at = timezone.now()
    transition(inspection, "publish", actor=actor, fields=["published_at"],
               data={"findings": list(inspection.findings.values_list("agency_id", "result"))})
    notices.inspection_published_notify(inspection)
    return inspection


@transaction.atomic
def inspector_add(*, actor, code: str, name: str, department: str) -> Inspector:
    require_perm(actor, "credit.run_inspection")
    code, name, department = (code or "").strip(), (name or "").strip(), (department or "").strip()
    if not (code and name and department):
        raise ValidationFailed(_("Give the inspector's code, name and department."))
    if Inspector.objects.filter(code=code).exists():
        raise Conflict(_("An inspector with this code exists."), field="code")
    inspector = Inspector.objects.create(code=code, name=name, department=department)
    audit_record(actor=actor, action="inspector.added", obj=inspector,
                 data={"code": code, "name": name, "department": department})
    return inspector
