"""Reads of the expert pool and the evaluation panels: the regulator's lists, an expert's own
panels and the anonymised offers it scores, the progress the purchaser may see (a count, never a
score) before the award."""
from __future__ import annotations

from django.db.models import Count, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import OfferTerms, Qualification
from bidding.models import Expert, ExpertScore, Panel, PanelSeat, SignUp
from core.errors import NotFound
from core.roles import organisation_of


def expert_pool(*, query: str = "", status: str = ""):
    qs = (Expert.objects.select_related("region")
          .prefetch_related("categories", "items", "ties")
          .annotate(panel_count=Count("seats", filter=~Q(seats__status="replaced")))
          .order_by("code"))
    if query:
        qs = qs.filter(Q(name__icontains=query) | Q(code__icontains=query)
                       | Q(employer_name__icontains=query) | Q(employer_uscc__icontains=query))
    if status:
        qs = qs.filter(status=status)
    return qs


def expert_detail(pk) -> Expert:
    expert = (Expert.objects.select_related("region", "organisation")
              .prefetch_related("categories", "items", "ties").filter(pk=pk).first())
    if expert is None:
        raise NotFound(_("No such expert."))
    return expert


def panel_list():
    """Every panel, those needing the regulator first (short, then past the deadline)."""
    return (Panel.objects.select_related("project", "project__purchaser", "project__item")
            .annotate(submitted=Count("seats", filter=Q(seats__status="submitted")),
                      open_seats=Count("seats", filter=Q(seats__status="seated")))
            .order_by("-created"))


def panel_detail(pk) -> Panel:
    panel = (Panel.objects.select_related("project", "project__purchaser", "project__item")
             .prefetch_related(Prefetch("seats", queryset=PanelSeat.objects
                                        .select_related("expert").order_by("rank")))
             .filter(pk=pk).first())
    if panel is None:
        raise NotFound(_("No such panel."))
    return panel


def panel_needs_regulator(panel: Panel, now=None) -> bool:
    now = now or timezone.now()
    return panel.status == Panel.Status.SHORT or (
        panel.status == Panel.Status.SCORING and panel.deadline is not None
        and now >= panel.deadline and panel.seats.filter(status="seated").exists())


def panel_progress(project) -> dict | None:
    """What anyone may know of a panel before the award: its state and how many experts have
    submitted (no name, no score)."""
    panel = Panel.objects.filter(project=project).first()
    if panel is None:
        return None
    seats = list(panel.seats.exclude(status=PanelSeat.Status.REPLACED)
                 .values_list("status", flat=True))
    return {"panel": panel, "status": panel.status, "label": panel.get_status_display(),
            "size": panel.size, "submitted": seats.count(PanelSeat.Status.SUBMITTED),
            "deadline": panel.deadline}


def seats_of_expert(user):
    """The expert's own seats (replaced ones included, so it sees why), newest first."""
    org = organisation_of(user)
    return (PanelSeat.objects.filter(expert__organisation=org)
            .select_related("panel", "panel__project", "panel__project__item")
            .order_by("-panel__drawn_at"))


def seat_for(user, panel_id) -> PanelSeat:
    """The user's seat on panel ``panel_id``; ``NotFound`` for anyone else (an expert sees only
    its own panels)."""
    org = organisation_of(user)
    seat = (PanelSeat.objects.filter(panel_id=panel_id, expert__organisation=org)
            .select_related("panel", "panel__project", "panel__project__item", "expert")
            .order_by("-rank").first() if org else None)
    if seat is None:
        raise NotFound(_("No such panel."))
    return seat


def anonymised_offers(seat: PanelSeat) -> list[dict]:
    """What the expert scores, per bidder label: the offer's commitment and committed days on
    the item, the qualifications held (name, grade), the practitioners assigned (speciality,
    certificate); never the agency's name, code, contact or quote. With the expert's own
    scores (draft or submitted)."""
    panel = seat.panel
    ids = [b["signup"] for b in panel.draw.get("bidders", [])]
    signups = SignUp.objects.in_bulk(ids)
    agency_ids = [s.agency_id for s in signups.values()]
    partners = dict(SignUp.objects.filter(pk__in=ids).values_list("pk", "agency__partner_id"))
    terms = {t.stockrecord.partner_id: t for t in OfferTerms.objects.select_related("stockrecord")
             .filter(stockrecord__product_id=panel.project.item_id,
                     stockrecord__partner_id__in=partners.values())}
    quals: dict[int, list] = {}
    for q in Qualification.objects.filter(agency_id__in=agency_ids).order_by("name"):
        quals.setdefault(q.agency_id, []).append(q)
    mine = {s.signup_id: s.quality_score for s in ExpertScore.objects.filter(seat=seat)}
    practitioners = {s.pk: list(s.practitioners.all()) for s in SignUp.objects.filter(
        pk__in=ids).prefetch_related("practitioners")}
    rows = []
    for b in panel.draw.get("bidders", []):
        signup = signups.get(b["signup"])
        if signup is None:
            continue
        term = terms.get(partners.get(signup.pk))
        rows.append({"signup": signup.pk, "label": b["label"],
                     "commitment": term.commitment if term else "",
                     "committed_days": term.committed_days if term else None,
                     "qualifications": [f"{q.name} {q.grade}".strip()
                                        for q in quals.get(signup.agency_id, [])],
                     "practitioners": [f"{p.speciality} {p.public_certificate}".strip()
                                       for p in practitioners.get(signup.pk, [])],
                     "score": mine.get(signup.pk)})
    return rows
