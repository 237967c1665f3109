"""What awaits a purchaser, an agency or an expert in the life of a project: the to-dos the
account page lists (``core/todos.py``), registered per role by ``BiddingConfig.ready``.

Read-only, and a fixed number of queries per role whatever the number of items: each kind of
item is one query with its joins; deadlines computed in Python (``service_due`` is derived here
from the joined contract instead of one query per award)."""
from __future__ import annotations

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import Agency
from agencies.selectors.papers import papers_expiring
from bidding.eligibility import BARRED
from bidding.models import (
    Award,
    Contract,
    Delivery,
    DrawContribution,
    Objection,
    Panel,
    PanelSeat,
    PostingReview,
    Project,
    SignUp,
)
from core.todos import Todo
from core.workdays import add_working_days

CONTRACT_PHASE = (Award.Status.NOTICE, Award.Status.CONTRACTING)


def _award_url(award_id: int, anchor: str = "") -> str:
    return reverse("bidding:award-detail", args=[award_id]) + anchor


def _contract_phase(awards, now):
    """Awards waiting for their contract: signing opened, or the objection period over with no
    objection pending (``selectors.awards.award_facts``' ``contract_phase``), nothing confirmed."""
    pending = Objection.objects.filter(award=OuterRef("pk"), status__in=Objection.PENDING)
    confirmed = Contract.objects.filter(award=OuterRef("pk"), confirmed_at__isnull=False)
    return (awards.filter(status__in=CONTRACT_PHASE)
            .annotate(_pending=Exists(pending), _confirmed=Exists(confirmed))
            .filter(_confirmed=False)
            .filter(Q(status=Award.Status.CONTRACTING)
                    | Q(_pending=False, objection_until__lte=now))
            .select_related("project", "agency", "contract"))


def _contract_todos(awards, org, now) -> list[Todo]:
    """The contract step of each award in ``awards`` for the side ``org``: upload it when there
    is none, confirm it when the other side uploaded it; nothing while the other side must
    confirm what this side uploaded."""
    items = []
    for award in _contract_phase(awards, now):
        contract = award.contract if _has_contract(award) else None
        if contract is None:
            title = _("Upload the signed contract")
        elif contract.uploaded_by_id != org.pk:
            title = _("Confirm the contract the other side uploaded")
        else:
            continue
        items.append(Todo(kind="contract.sign", title=title, subject=award.project.title,
                          url=_award_url(award.pk, "#contract"),
                          deadline=_contract_deadline(award)))
    return items


def _contract_deadline(award: Award):
    """The signing deadline; before signing opens, the one it will get
    (``bidding/services/contracts.py::_enter_contracting``)."""
    return award.contract_deadline or add_working_days(
        award.objection_until, settings.MARKETPLACE["CONTRACT_WORKING_DAYS"])


def _has_contract(award: Award) -> bool:
    try:
        award.contract  # noqa: B018  (joined by select_related: no query)
    except Award.contract.RelatedObjectDoesNotExist:
        return False
    return True


# --- purchaser --------------------------------------------------------------------------------


def purchaser_todos(user, org, now) -> list[Todo]:
    """Contracts to upload or confirm, a declined winner's award to decide on, deliveries to
    accept or return, objections to answer, selections to run."""
    mine = Award.objects.filter(project__purchaser=org)
    items = _contract_todos(mine, org, now)
    barred = (mine.filter(status__in=CONTRACT_PHASE, agency__standing__in=BARRED)
              .exclude(contract__confirmed_at__isnull=False).select_related("project"))
    for award in barred:
        items.append(Todo(kind="award.decline", subject=award.project.title,
                          title=_("The winner is suspended or expelled: you may decline the "
                                  "award"),
                          url=_award_url(award.pk, "#contract"),
                          deadline=_contract_deadline(award)))
    deliveries = (Delivery.objects.filter(award__project__purchaser=org,
                                          status=Delivery.Status.SUBMITTED,
                                          award__status=Award.Status.DELIVERED)
                  .select_related("award__project"))
    for delivery in deliveries:
        items.append(Todo(kind="delivery.decide", subject=delivery.award.project.title,
                          title=_("Accept or return the delivered result"),
                          url=_award_url(delivery.award_id, "#delivery")))
    objections = (Objection.objects.filter(award__project__purchaser=org,
                                           status=Objection.Status.FILED)
                  .select_related("award__project"))
    for objection in objections:
        items.append(Todo(kind="objection.answer", subject=objection.award.project.title,
                          title=_("Answer an objection to your award"),
                          url=_award_url(objection.award_id, "#objections")))
    for review in _latest_reviews(org):
        approved = review.status == PostingReview.Status.APPROVED
        items.append(Todo(kind="posting_review.decided", subject=review.project.title,
                          title=_("The regulator approved the reviewed terms: publish the "
                                  "posting") if approved else
                          _("The regulator refused the reviewed terms: rewrite the posting"),
                          url=reverse("bidding:project-detail", args=[review.project_id])))
    items.extend(_selection_todos(org, now))
    return items


def _latest_reviews(org):
    """The newest decided review of each of the purchaser's drafts with no review pending."""
    rows = (PostingReview.objects.filter(project__purchaser=org,
                                         project__status=Project.Status.DRAFT)
            .exclude(status=PostingReview.Status.VOIDED)
            .select_related("project").order_by("project_id", "-created"))
    latest = {}
    for review in rows:
        latest.setdefault(review.project_id, review)
    return [r for r in latest.values() if r.status in (PostingReview.Status.APPROVED,
                                                       PostingReview.Status.REFUSED)]


def _selection_todos(org, now) -> list[Todo]:
    """Selections the purchaser runs: the direct pick, and (run_due_selections also runs them)
    the opening of sealed quotes and the evaluation once its panel has scored."""
    awarded = Award.objects.filter(project=OuterRef("pk"))
    complete = Panel.objects.filter(project=OuterRef("pk"), status=Panel.Status.COMPLETE)
    due = Q(selection_at__isnull=True) | Q(selection_at__lte=now)
    projects = (Project.objects.filter(purchaser=org, status=Project.Status.SELECTING)
                .annotate(_awarded=Exists(awarded), _complete=Exists(complete))
                .filter(_awarded=False)
                .filter(Q(method=Project.Method.DIRECT)
                        | (Q(method=Project.Method.AVERAGE_PRICE) & due)
                        | (Q(method=Project.Method.COMPREHENSIVE, _complete=True) & due))
                .order_by("selection_at", "pk"))
    titles = {Project.Method.DIRECT: _("Choose the agency (direct selection)"),
              Project.Method.AVERAGE_PRICE: _("Open the sealed quotes"),
              Project.Method.COMPREHENSIVE: _("Run the evaluation: the panel has scored")}
    return [Todo(kind="selection.run", title=titles[p.method], subject=p.title,
                 url=reverse("bidding:selection", args=[p.pk]), deadline=p.selection_at)
            for p in projects]


# --- agency -----------------------------------------------------------------------------------


def agency_todos(user, org, now) -> list[Todo]:
    """Contracts to upload or confirm, results to deliver within the service time limit, draw
    contributions to reveal, registration papers expiring."""
    agency = Agency.objects.filter(organisation=org).first()
    if agency is None:
        return []
    mine = Award.objects.filter(agency=agency)
    items = _contract_todos(mine, org, now)
    in_service = (mine.filter(status=Award.Status.IN_SERVICE)
                  .select_related("project", "contract"))
    for award in in_service:
        confirmed_at = award.contract.confirmed_at if _has_contract(award) else None
        due = (add_working_days(confirmed_at, award.project.service_days)
               if confirmed_at else None)
        items.append(Todo(kind="delivery.submit", subject=award.project.title,
                          title=_("Deliver the result within the service time limit"),
                          url=_award_url(award.pk, "#delivery"), deadline=due))
    reveals = (DrawContribution.objects
               .filter(signup__agency=agency, signup__status=SignUp.Status.ACTIVE,
                       revealed_at__isnull=True,
                       signup__project__status=Project.Status.SELECTING,
                       signup__project__draw__reveal_ends_at__gt=now,
                       signup__project__draw__revealed_at__isnull=True)
               .select_related("signup__project__draw"))
    for contribution in reveals:
        project = contribution.signup.project
        items.append(Todo(kind="draw.reveal", subject=project.title,
                          title=_("Reveal your draw contribution"),
                          url=reverse("bidding:selection", args=[project.pk]),
                          deadline=project.draw.reveal_ends_at))
    for paper in papers_expiring(agency=agency, today=timezone.localdate(now)):
        items.append(Todo(kind="paper.expiring", subject=paper.title,
                          title=_("Renew a registration paper before it expires"),
                          url=reverse("agencies:papers", args=[agency.pk]),
                          deadline=paper.expires_on))
    return items


# --- expert -----------------------------------------------------------------------------------


def expert_todos(user, org, now) -> list[Todo]:
    """Panels awaiting the expert's scores, with the scoring deadline."""
    seats = (PanelSeat.objects.filter(expert__organisation=org, status=PanelSeat.Status.SEATED,
                                      panel__status=Panel.Status.SCORING)
             .select_related("panel__project"))
    return [Todo(kind="panel.score", title=_("Score the bidders on your panel"),
                 subject=seat.panel.project.title,
                 url=reverse("bidding:expert-panel", args=[seat.panel_id]),
                 deadline=seat.panel.deadline) for seat in seats]
