"""The selection methods other than live bidding (docs/design.md §3): average-price comparison
(sealed single quotes), comprehensive evaluation by a panel of experts the platform draws
(``bidding/services/panels.py``), direct selection; the random draw's commit–reveal steps are
``bidding.services.draws``, built on the helpers here.

Each method's execution is one service: it locks the project, checks the state, computes the
result, publishes the computation and the full ``ranking`` (the order in which sign-ups are
offered the award if a winner drops out) and ends in ``award_create``. Running it again after
the award returns the existing award (idempotent); every step is audited. Who may run what is
``bidding.permissions`` (``bidding.run_selection``, ``pick_agency``); who may
still be chosen is ``bidding.eligibility``.
"""
from __future__ import annotations

import hashlib
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import Agency
from bidding import (
    draw,
    evaluation,
    permissions,  # noqa: F401  (registers the bidding.* permissions)
    rules,
)
from bidding.eligibility import (
    BARRED,
    eligibility_problems,
    eligible_signups,
    read_standing_facts,
)
from bidding.models import Award, ExpertScore, Panel, PanelSeat, Project, SignUp
from bidding.services.awards import award_create
from bidding.services.common import lock_project
from core.audit import audit_record
from core.errors import Conflict, NotAllowed, ValidationFailed
from core.locking import lock
from core.money import parse_money
from core.permissions import require_perm
from core.roles import organisation_of
from core.transitions import transition

Method = Project.Method


def _existing_award(project: Project) -> Award | None:
    return project.awards.filter(rank=1).first()


def _require_method(project: Project, method: str) -> None:
    if project.method != method:
        raise Conflict(_("This project is selected by %(method)s.") % {
            "method": project.get_method_display()})


def _require_selecting(project: Project, *, now=None) -> None:
    if project.status != Project.Status.SELECTING:
        raise Conflict(_("The project is not awaiting selection (status: %(status)s).") % {
            "status": project.get_status_display()})
    now = now or timezone.now()
    if project.selection_at and now < project.selection_at:
        raise Conflict(_("Selection may start only at the announced time, %(at)s.") % {
            "at": timezone.localtime(project.selection_at).strftime("%Y-%m-%d %H:%M")})


def _require_runner(actor, project: Project) -> None:
    """The purchaser runs its selection; the scheduler (actor None) may too. Checked before
    anything else, so an outsider learns nothing (not even "already decided") and gets 403."""
    require_perm(actor, "bidding.run_selection", project)


def _candidates(project: Project) -> list[SignUp]:
    """Active sign-ups still eligible at selection time (``bidding.eligibility``: not suspended
    or expelled, qualifications still valid, not avoided or tied), in sign-up order."""
    active = (project.signups.select_related("agency").filter(status=SignUp.Status.ACTIVE)
              .order_by("created", "pk"))
    return eligible_signups(project, active, for_bid=True)


def _entry(project: Project, signup: SignUp, quote=None, **extra) -> dict:
    price = project.price_for(quote) if quote is not None else project.amount
    return {"signup": signup.pk, "agency": signup.agency.name, "uscc": signup.agency.uscc,
            "quote": None if quote is None else str(quote),
            "price": None if price is None else str(price), **extra}


def _finish(*, project: Project, actor, ranking: list[dict], computation: dict) -> Award:
    if not ranking:
        raise Conflict(_("There is no eligible candidate to award."))
    if ranking[0]["price"] is None:
        raise Conflict(_("The project has no amount to award at."))
    computation["ranking"] = ranking
    winner = SignUp.objects.select_related("agency").get(pk=ranking[0]["signup"])
    quote = ranking[0].get("quote")
    return award_create(project=project, signup=winner, price=Decimal(ranking[0]["price"]),
                        quote=None if quote is None else Decimal(quote),
                        computation=computation, actor=actor, rank=1)


# --- sealed quotes (average-price comparison; also the price in comprehensive evaluation) ----


@transaction.atomic
def quote_submit(*, actor, project, quote) -> SignUp:
    """An agency signed up for an average-price or comprehensive-evaluation project submits its
    single sealed quote before the selection time. Nobody sees it before the opening."""
    project = lock_project(project)
    if project.method not in (Method.AVERAGE_PRICE, Method.COMPREHENSIVE):
        raise Conflict(_("This project does not take sealed quotes."))
    org = organisation_of(actor)
    # Under the project lock no other quote of this sign-up can be written concurrently.
    signup = (SignUp.objects.select_related("agency")
              .filter(project=project, agency__organisation=org,
                      status=SignUp.Status.ACTIVE).first() if org else None)
    if signup is None:
        raise NotAllowed(_("Only an agency signed up for this project may submit a quote."))
    now = timezone.now()
    if project.status not in (Project.Status.PUBLISHED, Project.Status.SELECTING) or (
            project.selection_at and now >= project.selection_at):
        raise Conflict(_("Quotes are closed for this project."))
    if signup.quote is not None:
        raise Conflict(_("Each agency quotes once; your sealed quote is already recorded."))
    value = parse_money(quote, field="quote", message=_("Enter a number."))
    if value <= 0:
        raise ValidationFailed(_("The quote must be greater than zero."), field="quote")
    if project.ceiling is not None and value > project.ceiling:
        raise ValidationFailed(_("The quote is above the ceiling (%(c)s).") % {
            "c": project.ceiling}, field="quote")
    if project.floor is not None and value < project.floor:
        raise ValidationFailed(_("The quote is below the floor (%(f)s).") % {
            "f": project.floor}, field="quote")
    signup.quote = value
    signup.quoted_at = now
    signup.save(update_fields=["quote", "quoted_at", "modified"])
    # The audit event proves the quote existed before the opening without revealing it.
    sealed = hashlib.sha256(f"{signup.pk}|{signup.quote}|{now.isoformat()}".encode()).hexdigest()
    audit_record(actor=actor, action="quote.sealed", obj=signup, data={"sealed": sealed})
    return signup


@transaction.atomic
def quotes_open(*, actor, project) -> Award:
    """Average-price comparison: open the sealed quotes; the quote closest to their mean wins,
    ties to the earlier quote."""
    project = lock_project(project)
    _require_runner(actor, project)
    _require_method(project, Method.AVERAGE_PRICE)
    if (existing := _existing_award(project)) is not None:
        return existing
    _require_selecting(project)
    quoted = [s for s in _candidates(project) if s.quote is not None]
    if not quoted:
        raise Conflict(_("No sealed quote was submitted."))
    mean = (sum(s.quote for s in quoted) / len(quoted)).quantize(Decimal("0.0001"))
    ordered = sorted(quoted, key=lambda s: (abs(s.quote - mean), s.quoted_at, s.pk))
    ranking = [_entry(project, s, s.quote, distance=str(abs(s.quote - mean)),
                      quoted_at=s.quoted_at.isoformat()) for s in ordered]
    computation = {
        "method": Method.AVERAGE_PRICE,
        "quotes": [{"agency": s.agency.name, "uscc": s.agency.uscc, "quote": str(s.quote),
                    "quoted_at": s.quoted_at.isoformat()}
                   for s in sorted(quoted, key=lambda s: (s.quoted_at, s.pk))],
        "mean": str(mean),
        "rule": "closest to the mean wins; ties to the earlier quote",
        "opened_at": timezone.now(),
    }
    audit_record(actor=actor, action="quotes.opened", obj=project,
                 data={"count": len(quoted), "mean": str(mean)})
    return _finish(project=project, actor=actor, ranking=ranking, computation=computation)


# --- comprehensive evaluation (综合评价) --------------------------------------------------------


def _tiebreak_rounds(seed: str, usccs: list[str]) -> dict[str, int]:
    return {r["uscc"]: r["round"] for r in draw.draw_ranking(seed, usccs)}


@transaction.atomic
def evaluation_run(*, actor, project) -> Award:
    """Comprehensive evaluation by the drawn panel, once every seated expert has submitted
    (``bidding/services/panels.py``). Nothing here is typed by the purchaser: the sealed quotes
    are opened, each valid quote gets its price score by the published formula
    (``bidding/evaluation.py``), each bidder its quality score from the experts' scores (mean,
    trimmed from five experts), total = price score + quality score; highest wins, ties to the
    lower price, then to the draw order of the panel seed. A bidder without a quote is not
    ranked. The computation publishes the panel (names and employers), every expert's scores,
    the price inputs, the totals and the draw data."""
    project = lock_project(project)
    _require_runner(actor, project)
    _require_method(project, Method.COMPREHENSIVE)
    if (existing := _existing_award(project)) is not None:
        return existing
    _require_selecting(project)
    panel = Panel.objects.filter(project=project).first()
    if panel is None or panel.status == Panel.Status.SHORT:
        raise Conflict(_("The expert panel has not been drawn: too few eligible experts. The "
                         "regulator must complete the pool and draw it."))
    seats = list(panel.seats.select_related("expert").order_by("rank"))
    submitted = [s for s in seats if s.status == PanelSeat.Status.SUBMITTED]
    if panel.status != Panel.Status.COMPLETE:
        raise Conflict(_("The expert panel has not submitted all its scores yet (%(done)s of "
                         "%(size)s).") % {"done": len(submitted), "size": panel.size})
    labelled = {b["signup"]: b["label"] for b in panel.draw.get("bidders", [])}
    candidates = [c for c in _candidates(project) if c.pk in labelled]
    quoted = [c for c in candidates if c.quote is not None]
    if not quoted:
        raise Conflict(_("No sealed quote was submitted."))
    scores: dict[int, dict[str, Decimal]] = {}
    for score in ExpertScore.objects.filter(seat__in=submitted).select_related("seat__expert"):
        scores.setdefault(score.signup_id, {})[score.seat.expert.code] = score.quality_score
    prices = {c.pk: project.price_for(c.quote) for c in quoted}
    base, price_scores = evaluation.price_scores(prices, project.price_weight)
    tiebreak = _tiebreak_rounds(panel.seed, [c.agency.uscc for c in quoted])
    rows = []
    for c in quoted:
        quality, trimmed = evaluation.quality_of(list(scores.get(c.pk, {}).values()))
        rows.append((c, price_scores[c.pk], quality, price_scores[c.pk] + quality))
    rows.sort(key=lambda r: (-r[3], prices[r[0].pk], tiebreak[r[0].agency.uscc]))
    ranking = [_entry(project, c, c.quote, label=labelled[c.pk], price_score=str(p),
                      quality_score=str(q), total=str(t), tiebreak=tiebreak[c.agency.uscc])
               for c, p, q, t in rows]
    experts = [{"code": s.expert.code, "name": s.expert.name, "title": s.expert.title,
                "employer": s.expert.employer_name, "round": s.rank,
                "submitted_at": s.submitted_at} for s in submitted]
    computation = {
        "method": Method.COMPREHENSIVE,
        "price_weight": project.price_weight,
        "quality_weight": project.quality_weight,
        "price_formula": evaluation.PRICE_FORMULA,
        "quality_rule": evaluation.QUALITY_RULE,
        "rule": evaluation.TOTAL_RULE,
        "trimmed": len(submitted) >= evaluation.TRIM_FROM,
        "base_price": str(base),
        "experts": experts,
        "replaced": [{"code": s.expert.code, "name": s.expert.name} for s in seats
                     if s.status == PanelSeat.Status.REPLACED],
        "scores": [{"label": labelled[c.pk], "agency": c.agency.name, "quality_score": str(q),
                    "by_expert": [str(scores.get(c.pk, {}).get(e["code"], "")) for e in experts]}
                   for c, _p, q, _t in rows],
        "prices": [{"label": labelled[c.pk], "agency": c.agency.name, "quote": str(c.quote),
                    "price": str(prices[c.pk]), "price_score": str(p)} for c, p, *_r in rows],
        "no_quote": [{"label": labelled[c.pk], "agency": c.agency.name}
                     for c in candidates if c.quote is None],
        "panel_draw": {"seed": panel.seed, "commitment": panel.commitment,
                       "candidates": panel.draw.get("candidates", []),
                       "rounds": panel.draw.get("rounds", []), "size": panel.size,
                       "excluded_counts": panel.draw.get("excluded_counts", {}),
                       "drawn_at": panel.drawn_at},
        "tiebreak": sorted(tiebreak, key=tiebreak.get),
        "evaluated_at": timezone.now(),
    }
    audit_record(actor=actor, action="evaluation.run", obj=project,
                 data={"panel": [e["code"] for e in experts], "winner": rows[0][0].pk,
                       "total": str(rows[0][3]), "base_price": str(base)})
    return _finish(project=project, actor=actor, ranking=ranking, computation=computation)


# --- direct selection (直接选取) ---------------------------------------------------------------


@transaction.atomic
def direct_pick(*, actor, project, agency: Agency) -> Award:
    """The purchaser of an enterprise-funded project under the threshold picks one agency that
    offers the item (R4: the enterprise chooses). Never for department-funded services (R6);
    the posting rules are re-checked here, and the agency's eligibility (``bidding.eligibility``,
    the reasons told in the purchaser's terms)."""
    project = lock_project(project)
    require_perm(actor, "bidding.pick_agency", project)
    _require_method(project, Method.DIRECT)
    if (existing := _existing_award(project)) is not None:
        return existing
    org = organisation_of(actor)
    problems = rules.method_problems(project)
    if project.is_department_funded or problems:
        raise NotAllowed(problems[0].message if problems else _(
            "A department-funded service must be chosen by a competitive method (R6)."))
    if project.status not in (Project.Status.PUBLISHED, Project.Status.SELECTING):
        raise Conflict(_("The project is not awaiting selection (status: %(status)s).") % {
            "status": project.get_status_display()})
    agency = Agency.objects.select_related("organisation").get(pk=agency.pk)
    if agency.standing in BARRED:
        raise NotAllowed(_("%(name)s is %(standing)s and cannot be chosen.") % {
            "name": agency.name, "standing": agency.get_standing_display()})
    facts = read_standing_facts(agency, project)
    if not facts["offers_item"]:
        raise ValidationFailed(_("%(name)s does not offer this service item.") % {
            "name": agency.name}, field="agency")
    if facts["avoidance"] is not None:
        raise NotAllowed(_("%(name)s is on this project's avoidance list.") % {
            "name": agency.name})
    if other := eligibility_problems(agency=agency, project=project, facts=facts):
        raise NotAllowed(f"{agency.name}: {other[0]}")
    signup, _c = SignUp.objects.get_or_create(project=project, agency=agency)
    if signup.status != SignUp.Status.ACTIVE:
        signup = lock(SignUp, signup)
        # Audited by the ``direct.picked`` event below, with the pick.
        transition(signup, "renew", actor=actor, audit=False)
    if project.status != Project.Status.SELECTING:
        transition(project, "start_direct", actor=actor, audit=False)
    computation = {"method": Method.DIRECT, "picked_by": org.name,
                   "rule": "enterprise-funded, amount not above the direct-selection limit",
                   "limit": str(rules.direct_selection_max()), "picked_at": timezone.now()}
    audit_record(actor=actor, action="direct.picked", obj=project, data={"agency": agency.pk})
    return _finish(project=project, actor=actor, ranking=[_entry(project, signup)],
                   computation=computation)
