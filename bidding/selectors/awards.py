"""Reads of the award stage: the public notices, verification of a code, the approval
departments' dashboard."""
from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from bidding import draw
from bidding.models import Award, Contract, Objection, Project
from bidding.verification import award_record_hash, code_from_hash, normalise_code
from core.audit import event_for
from core.errors import NotFound
from core.money import format_money
from core.roles import organisation_of
from core.workdays import add_working_days

ENDED = (Award.Status.SUPERSEDED, Award.Status.WITHDRAWN)


def award_list(*, query: str = "", method: str = "", status: str = "",
               project: int | None = None) -> QuerySet[Award]:
    qs = Award.objects.select_related("project", "project__item", "project__purchaser",
                                      "agency")
    if query:
        q = query.strip()
        qs = qs.filter(Q(project__title__icontains=q) | Q(agency__name__icontains=q)
                       | Q(project__investment_code__icontains=q)
                       | Q(code__iexact=normalise_code(q)))
    if method in Project.Method.values:
        qs = qs.filter(method=method)
    if status in Award.Status.values:
        qs = qs.filter(status=status)
    if project is not None:
        qs = qs.filter(project_id=project)
    return qs.order_by("-decided_at", "-pk")


def award_detail(pk) -> Award:
    try:
        return (Award.objects
                .select_related("project", "project__item", "project__purchaser",
                                "project__approval_department", "agency", "signup",
                                "contract", "contract__uploaded_by", "contract__confirmed_by")
                .prefetch_related(Prefetch("objections",
                                           queryset=Objection.objects.select_related("agency")),
                                  "deliveries")
                .get(pk=int(pk)))
    except (Award.DoesNotExist, TypeError, ValueError):
        raise NotFound(_("No such award.")) from None


def project_awards(project: Project) -> list[Award]:
    return list(project.awards.select_related("agency").order_by("rank", "decided_at"))


def contract_of(award: Award):
    try:
        return award.contract
    except Award.contract.RelatedObjectDoesNotExist:
        return None


def objection_period_over(award: Award, now=None) -> bool:
    return (now or timezone.now()) >= award.objection_until


def has_pending_objection(award: Award) -> bool:
    return award.objections.filter(status__in=Objection.PENDING).exists()


def service_due(award: Award):
    """The delivery deadline: ``service_days`` working days from the contract confirmation."""
    contract = Contract.objects.filter(award=award, confirmed_at__isnull=False).first()
    if contract is None:
        return None
    return add_working_days(contract.confirmed_at, award.project.service_days)


def award_facts(award: Award, user, now=None) -> dict:
    """What the award's state allows now, as the award page's buttons need it; who may press
    them is each action's permission (``{% can %}``, bidding/permissions.py)."""
    now = now or timezone.now()
    org = organisation_of(user)
    contract = contract_of(award)
    in_period = award.status == Award.Status.NOTICE and now < award.objection_until
    pending = any(o.status in Objection.PENDING for o in award.objections.all())
    confirmed = bool(contract and contract.confirmed_at)
    return {
        "in_period": in_period,
        "objected": bool(org) and any(o.agency.organisation_id == org.pk
                                      for o in award.objections.all()),
        "contract": contract,
        "contract_phase": award.status == Award.Status.CONTRACTING or (
            award.status == Award.Status.NOTICE and not in_period and not pending),
        "uploaded_by_me": bool(org and contract and contract.uploaded_by_id == org.pk),
        "confirmed": confirmed,
        # no contract yet, or an unconfirmed one the viewer's side uploaded (it may replace it)
        "upload_open": contract is None or (not confirmed and bool(org)
                                            and contract.uploaded_by_id == org.pk),
        "refusable": Award.transitions.allowed(award, "supersede") and not confirmed,
        "deliverable": Award.transitions.allowed(award, "deliver"),
    }


# --- integrity and verification ----------------------------------------------------------------


@dataclass
class Integrity:
    authentic: bool
    problem: str = ""


def award_integrity(award: Award) -> Integrity:
    """Recompute the record hash from the award row and its ``award.made`` audit event; any
    change to the price, agency, project, method, time or rank, or to the event, shows."""
    event = event_for(award, "award.made")
    if event is None:
        return Integrity(False, str(_("The award has no record in the audit trail.")))
    data = event.data or {}
    if award_record_hash(award, event.hash) != award.record_hash \
            or code_from_hash(award.record_hash) != award.code:
        return Integrity(False, str(_("The award record does not match its hash: it was "
                                      "altered after it was made.")))
    if data.get("agency_uscc") != award.agency.uscc \
            or data.get("price") != format_money(award.price):
        return Integrity(False, str(_("The award record differs from the audit trail.")))
    return Integrity(True)


@dataclass
class Verification:
    code: str
    found: bool
    authentic: bool = False
    award: Award | None = None
    problem: str = ""
    verdict: str = ""          # authentic / altered / withdrawn / superseded / not_found
    warnings: list = field(default_factory=list)

    @property
    def good_standing(self) -> bool:
        return bool(self.award) and self.award.agency.standing in (Agency.Standing.GOOD,)

    def as_dict(self, request=None) -> dict:
        body = {"code": self.code, "found": self.found, "authentic": self.authentic,
                "verdict": self.verdict, "detail": str(self.problem or self.summary)}
        if self.award is not None:
            a = self.award
            body.update({
                "award": a.pk,
                "status": a.status, "status_label": str(a.get_status_display()),
                "status_reason": a.status_reason,
                "project": {"id": a.project_id, "title": a.project.title,
                            "investment_code": a.project.investment_code,
                            "approval_case_no": a.project.approval_case_no,
                            "item": a.project.item.title},
                "agency": {"id": a.agency_id, "name": a.agency.name, "uscc": a.agency.uscc,
                           "standing": a.agency.standing,
                           "standing_label": str(a.agency.get_standing_display()),
                           "good_standing": self.good_standing},
                "price": str(a.price), "method": a.method,
                "decided_at": a.decided_at.isoformat(), "rank": a.rank,
                "url": (request.build_absolute_uri(f"/awards/{a.pk}/") if request
                        else f"/awards/{a.pk}/"),
            })
        return body

    @property
    def summary(self) -> str:
        return {
            "authentic": _("Authentic: this award was made on the platform and is in force."),
            "altered": _("NOT authentic: the award record was altered after it was made."),
            "withdrawn": _("Authentic record, but the award was WITHDRAWN."),
            "superseded": _("Authentic record, but the award was SUPERSEDED: the winner did "
                            "not sign and the award went to another agency."),
            "not_found": _("Not found: no award has this code. The document is not authentic."),
        }.get(self.verdict, "")


def award_verify(code: str) -> Verification:
    """What an approval department learns from a verification code."""
    norm = normalise_code(code)
    award = (Award.objects.select_related("project", "project__item", "agency")
             .filter(code=norm).first()) if norm else None
    if award is None:
        return Verification(code=norm, found=False, verdict="not_found")
    integrity = award_integrity(award)
    if not integrity.authentic:
        return Verification(code=norm, found=True, authentic=False, award=award,
                            problem=integrity.problem, verdict="altered")
    verdict = {Award.Status.WITHDRAWN: "withdrawn",
               Award.Status.SUPERSEDED: "superseded"}.get(award.status, "authentic")
    return Verification(code=norm, found=True, authentic=True, award=award, verdict=verdict)


# --- the draw computation, ready for the notice -----------------------------------------------


def draw_check(award: Award):
    if award.method != Project.Method.RANDOM_DRAW or not award.computation.get("seed"):
        return None
    return draw.verify_computation(award.computation)


# --- approval departments ---------------------------------------------------------------------


class Stage:
    SELECTION = "selection", _("Awaiting selection")
    NOTICE = "notice", _("Awaiting confirmation (award notice)")
    CONTRACT = "contract", _("Awaiting contract")
    SERVICE = "service", _("In service")
    DELIVERED = "delivered", _("Result delivered")
    ACCEPTED = "accepted", _("Result accepted")
    FAILED = "failed", _("Failed (流标)")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    DRAFT = "draft", _("Not yet published")


@dataclass
class ProjectStage:
    project: Project
    award: Award | None
    key: str
    label: str
    due: object = None


def current_award(project: Project) -> Award | None:
    """The award in force: the newest (highest rank) not superseded or withdrawn."""
    live = [a for a in project.awards.all() if a.status not in ENDED]
    return max(live, key=lambda a: (a.rank, a.decided_at)) if live else None


def stage_of(project: Project, now=None) -> ProjectStage:
    now = now or timezone.now()
    award = current_award(project)
    if project.status == Project.Status.DRAFT:
        key, label = Stage.DRAFT
    elif project.status == Project.Status.FAILED:
        key, label = Stage.FAILED
    elif project.status == Project.Status.WITHDRAWN:
        key, label = Stage.WITHDRAWN
    elif award is None:
        key, label = Stage.SELECTION
    elif award.status == Award.Status.NOTICE:
        pending = any(o.status in Objection.PENDING for o in award.objections.all())
        key, label = Stage.CONTRACT if (now >= award.objection_until and not pending) \
            else Stage.NOTICE
    elif award.status == Award.Status.CONTRACTING:
        key, label = Stage.CONTRACT
    elif award.status == Award.Status.IN_SERVICE:
        key, label = Stage.SERVICE
    elif award.status == Award.Status.DELIVERED:
        key, label = Stage.DELIVERED
    else:
        key, label = Stage.ACCEPTED
    due = None
    if award is not None:
        due = {"notice": award.objection_until, "contract": award.contract_deadline}.get(key)
    return ProjectStage(project=project, award=award, key=key, label=str(label), due=due)


def approval_projects(*, department, query: str = "") -> list[ProjectStage]:
    """The projects whose approval department is ``department`` (searchable by investment code,
    approval case number or name), each with the stage its intermediary service is at."""
    qs = (Project.objects.filter(approval_department=department)
          .select_related("item", "purchaser")
          .prefetch_related(Prefetch("awards", queryset=Award.objects.select_related("agency")
                                     .prefetch_related("objections")))
          .order_by("-created"))
    if query:
        q = query.strip()
        qs = qs.filter(Q(investment_code__icontains=q) | Q(approval_case_no__icontains=q)
                       | Q(title__icontains=q))
    now = timezone.now()
    return [stage_of(p, now) for p in qs[:500]]
