"""THE eligibility check of an agency for a project, used by the sign-up service, closing
sign-up, every selection method (``eligible_signups``, direct selection), the HTTP bid, the
WebSocket bid and the pages (so a button can say why it is disabled).

Region is never checked (R1, R3): any agency in the country may sign up for any project.

Apps above bidding add checks of their own through ``register_standing_check`` (credit plugs in
the exit mechanism's sanctions check, R10, from its ``AppConfig.ready``), so bidding never
imports them.
"""
from __future__ import annotations

import re

from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import Agency
from agencies.selectors.papers import qualifications_with_paper_expiry
from bidding.models import Avoidance, Project, ProjectQualification, SignUp
from core.catalogue import StockRecord
from core.errors import NotAllowed

# Standings that bar an agency from taking part at all (checked first, R10).
BARRED = (Agency.Standing.SUSPENDED, Agency.Standing.EXPELLED)

_STANDING_CHECKS: dict[str, tuple[object, object]] = {}


def register_standing_check(name: str, check, fact=None) -> None:
    """Add ``check(agency, now) -> str | None`` to every eligibility check: a reason that
    overrides all others (the agency may not take part at all), or ``None``. Registered once per
    ``name``, so a reload does not add it twice.

    ``fact(agency, now)``, optional: a boolean expression, true when ``check`` would give a
    reason for the agency whose id ``agency`` (an ``OuterRef``) names. It joins the
    ``standing_facts`` a bid reads in its one query, so ``check`` (which stays THE rule and
    words the reason) runs only when the fact says there is one."""
    _STANDING_CHECKS[name] = (check, fact)


def _fact_key(name: str) -> str:
    return "blocked_" + re.sub(r"\W", "_", name)


def _norm(text: str) -> str:
    return "".join((text or "").split()).lower()


def _grade_ok(required: str, held: str) -> bool:
    """Grades are compared by name; a higher Chinese grade (甲 > 乙 > 丙 > 丁) satisfies a lower
    one. Unknown grade words must match exactly."""
    if not required:
        return True
    order = "甲乙丙丁"
    req, got = _norm(required), _norm(held)
    if req == got:
        return True
    req_rank = next((i for i, ch in enumerate(order) if ch in req), None)
    got_rank = next((i for i, ch in enumerate(order) if ch in got), None)
    if req_rank is not None and got_rank is not None:
        return got_rank <= req_rank
    return False


def qualification_valid_on(qualification, day) -> bool:
    """Whether a held qualification counts on ``day`` (docs/design.md, "Registration papers"):
    the certificates the agency uploaded for it are the evidence, so when there is any (not
    withdrawn) the latest of their expiry dates decides; without one, the date on the
    qualification itself does (none: long-term). No certificate is never a refusal by itself
    (R1). ``qualification`` carries ``paper_count`` and ``papers_until``
    (``agencies/selectors/papers.py::qualifications_with_paper_expiry``)."""
    if qualification.paper_count:
        return qualification.papers_until is not None and qualification.papers_until >= day
    return qualification.is_valid_on(day)


def qualification_problems(*, agency: Agency, requirements, mode: str, today=None) -> list[str]:
    """Missing or expired legally required qualifications (any-of / all-of); a qualification
    whose certificates have all expired is expired (``qualification_valid_on``)."""
    requirements = list(requirements)
    if not requirements:
        return []
    today = today or timezone.localdate()
    held = list(qualifications_with_paper_expiry(agency))

    def status(req: ProjectQualification) -> str:
        matching = [q for q in held if _norm(q.name) == _norm(req.name)
                    and _grade_ok(req.grade, q.grade)]
        if not matching:
            return "missing"
        if not any(qualification_valid_on(q, today) for q in matching):
            return "expired"
        return "ok"

    states = [(req, status(req)) for req in requirements]
    if mode == Project.QualificationMode.ANY:
        if any(s == "ok" for _r, s in states):
            return []
        names = "、".join(str(r) for r, _s in states)
        if any(s == "expired" for _r, s in states):
            return [_("Your qualification for this project has expired; one of these valid "
                      "qualifications is required: %(names)s.") % {"names": names}]
        return [_("One of these legally required qualifications is needed: %(names)s.")
                % {"names": names}]
    problems = []
    for req, s in states:
        if s == "missing":
            problems.append(_("The legally required qualification “%(q)s” is missing (%(basis)s).")
                            % {"q": str(req), "basis": req.legal_basis})
        elif s == "expired":
            problems.append(_("Your qualification “%(q)s” has expired.") % {"q": str(req)})
    return problems


def _tied(agency: Agency, project: Project) -> bool:
    """R8: the agency declared a tie to the approving department or to the purchasing
    government department."""
    if not agency.gov_tie_declared:
        return False
    tied_to = _norm(agency.gov_tie_department)
    if not tied_to:
        return False
    names = []
    if project.approval_department_id:
        names.append(project.approval_department.name)
    if project.purchaser.is_government:
        names.append(project.purchaser.name)
    return any(_norm(n) and (_norm(n) == tied_to or _norm(n) in tied_to or tied_to in _norm(n))
               for n in names)


def standing_facts(project: Project, now, *, agency: str = "pk", partner: str = "partner_id",
                   for_bid: bool = False) -> dict:
    """The facts of eligibility that are read per call, as expressions to annotate a query
    whose rows lead to the agency's id through ``agency`` and to its partner's id through
    ``partner``: whether it offers the project's item (``offers_item``), why it is on the
    avoidance list if it is (``avoidance``), whether the project requires any qualification
    (``requires_qualifications``), whether each registered standing check with a fact would
    block it at ``now`` and, for a bid, whether it holds an active sign-up (``signed_up``).
    Each is read fresh on every bid."""
    facts = {
        "offers_item": Exists(StockRecord.objects.filter(partner_id=OuterRef(partner),
                                                         product_id=project.item_id)),
        "avoidance": Subquery(Avoidance.objects.filter(project=project, agency_id=OuterRef(agency))
                              .order_by("pk").values("reason")[:1]),
        "requires_qualifications": Exists(ProjectQualification.objects.filter(project=project)),
    }
    for name, (_check, fact) in _STANDING_CHECKS.items():
        if fact is not None:
            facts[_fact_key(name)] = fact(OuterRef(agency), now)
    if for_bid:
        facts["signed_up"] = Exists(SignUp.objects.filter(
            project=project, agency_id=OuterRef(agency), status=SignUp.Status.ACTIVE))
    return facts


def standing_fact_names() -> tuple[str, ...]:
    """The names of ``standing_facts`` (``signed_up`` aside), in their order: what a query
    reading them as columns gets, and what shapes it (the registered checks' facts)."""
    return ("offers_item", "avoidance", "requires_qualifications",
            *(_fact_key(name) for name, (_check, fact) in _STANDING_CHECKS.items()
              if fact is not None))


def read_standing_facts(agency: Agency, project: Project, for_bid: bool = False,
                        now=None) -> dict:
    """The values of ``standing_facts`` for one agency at ``now``, in one query."""
    facts = standing_facts(project, now or timezone.now(), for_bid=for_bid)
    row = (Agency.objects.filter(pk=agency.pk).annotate(**facts).order_by()
           .values(*facts).first())
    return row or {"offers_item": False, "avoidance": None, "signed_up": False,
                   "requires_qualifications": True}


def eligibility_problems(*, agency: Agency, project: Project, for_bid: bool = False,
                         facts: dict | None = None, now=None) -> list[str]:
    """Every reason ``agency`` may not sign up for (``for_bid=False``) or bid on
    (``for_bid=True``) ``project`` at ``now``, most serious first; ``[]`` when it may.

    ``facts``: the values of ``standing_facts`` at ``now`` when the caller read them in its own
    query (a bid does, with the bidder's sign-up); read here otherwise. A check (or the
    qualifications) whose fact says it has nothing to say is not run."""
    problems: list[str] = []
    if agency.standing == Agency.Standing.EXPELLED:
        problems.append(_("Your agency has been expelled from the platform and cannot take part."))
    elif agency.standing == Agency.Standing.SUSPENDED:
        problems.append(_("Your agency is suspended and cannot sign up or bid until the "
                          "suspension ends."))
    now = now or timezone.now()
    if facts is None:
        facts = read_standing_facts(agency, project, for_bid, now)
    for name, (check, _fact) in _STANDING_CHECKS.items():
        if not facts.get(_fact_key(name), True):
            continue
        block = check(agency, now)
        if block:  # read fresh on every call, so a sanction imposed mid-auction counts at once
            problems = [block]
            break
    if not facts["offers_item"]:
        problems.append(_("Your agency does not offer the service item “%(item)s”; add it to "
                          "your offers first.") % {"item": project.item.title})
    if facts["requires_qualifications"]:
        problems += qualification_problems(agency=agency,
                                           requirements=project.qualifications.all(),
                                           mode=project.qualification_mode)
    if facts["avoidance"] is not None:
        problems.append(_("Your agency is on this project's avoidance list: %(reason)s")
                        % {"reason": facts["avoidance"]})
    if _tied(agency, project):
        problems.append(_("Your agency declared a tie to %(dept)s, which approves or pays for "
                          "this project; tied agencies cannot take part (R8).")
                        % {"dept": agency.gov_tie_department})
    if for_bid and not facts["signed_up"]:
        problems.append(_("Your agency has not signed up for this project."))
    return problems


def require_eligible(*, agency: Agency, project: Project, for_bid: bool = False,
                     facts: dict | None = None, now=None) -> None:
    """Raise ``NotAllowed`` with the first reason when ``agency`` is not eligible at ``now``."""
    problems = eligibility_problems(agency=agency, project=project, for_bid=for_bid,
                                    facts=facts, now=now)
    if problems:
        raise NotAllowed(problems[0], code="ineligible")


def offers_item(agency: Agency, project: Project) -> bool:
    """Does ``agency`` offer the project's service item (a stock record of its partner)?"""
    return StockRecord.objects.filter(partner_id=agency.partner_id,
                                      product_id=project.item_id).exists()


def pickable_agencies(project: Project, *, limit: int = 200):
    """The agencies a purchaser may pick directly for ``project``: those offering its item and
    not suspended or expelled, five-star first (``direct_pick`` re-checks the one picked)."""
    partner_ids = StockRecord.objects.filter(product_id=project.item_id).values("partner_id")
    return (Agency.objects.filter(partner_id__in=partner_ids).exclude(standing__in=BARRED)
            .order_by("-credit_stars", "name")[:limit])


def eligible_signups(project: Project, signups, *, for_bid: bool = False) -> list[SignUp]:
    """Those of ``signups`` (with their agency loaded) whose agency is still eligible now, in
    the order given: closing sign-up and every selection method use this, so an agency
    suspended, expelled, avoided or whose qualification expired since it signed up drops out."""
    return [s for s in signups
            if not eligibility_problems(agency=s.agency, project=project, for_bid=for_bid)]
