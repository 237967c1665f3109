"""Who may sit on a comprehensive-evaluation panel, and the seed the panel is drawn with
(docs/design.md §3, "Comprehensive evaluation by a drawn panel"). Reads only: the service
``bidding/services/panels.py::panel_draw`` and the pages both use these functions, so the
regulator sees exactly the exclusions the draw applied.

An active expert is eligible for a project when its specialties cover the project's service
item (the item itself, or one of the item's categories or an ancestor category) and none of
these holds:

- it is employed by the purchaser or by an agency that signed up (employer's unified social
  credit code, or the employer's name where no code is recorded);
- it declared a tie to the purchaser or to one of those agencies;
- it sat on a panel for the same purchaser within ``EXPERT_COOLDOWN_DAYS``.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bidding import draw
from bidding.models import Expert, PanelSeat, Project, SignUp

REASONS = {
    "purchaser_staff": _("employed by the purchaser"),
    "bidder_staff": _("employed by a bidder"),
    "purchaser_tie": _("declared tie to the purchaser"),
    "bidder_tie": _("declared tie to a bidder"),
    "recent_panel": _("sat on a panel for this purchaser recently"),
}


def panel_seed(project: Project) -> str:
    """THE seed of the project's panel draw, in one place: HMAC-SHA256 of the project's number
    under the platform secret ``PANEL_SEED_SECRET``, fixed from the moment the project exists,
    before any bidder is known. Its sha256 (``panel_commitment``) is written to the audit trail
    when the project is published (``panel.committed``) and shown on the selection page; the
    panel draw refuses a seed that no longer matches it (bidding/services/panels.py)."""
    secret = settings.MARKETPLACE["PANEL_SEED_SECRET"].encode("utf-8")
    return hmac.new(secret, f"panel|{project.pk}".encode(), hashlib.sha256).hexdigest()


def panel_commitment(project: Project) -> str:
    return draw.commitment_of(panel_seed(project))


def covering_experts(project: Project):
    """Active experts whose specialties cover the project's item, with their ties."""
    category_ids = set()
    for category in project.item.categories.all():
        category_ids.update(c.pk for c in category.get_ancestors_and_self())
    return (Expert.objects.filter(status=Expert.Status.ACTIVE)
            .filter(Q(items=project.item) | Q(categories__in=category_ids))
            .distinct().prefetch_related("ties").order_by("code"))


def _same(uscc: str, name: str, org_uscc: str, org_name: str) -> bool:
    if uscc and org_uscc:
        return uscc == org_uscc
    return bool(name) and name.strip() == (org_name or "").strip()


def panel_pool(project: Project, bidders: list[SignUp], now) -> tuple[list[Expert], list[dict]]:
    """``(eligible experts, exclusions)``; each exclusion is ``{"code", "name", "reasons":
    [reason codes], "details": [text for the regulator]}``."""
    purchaser = project.purchaser
    agencies = [(s.agency.uscc, s.agency.name) for s in bidders]
    since = now - dt.timedelta(days=settings.MARKETPLACE["EXPERT_COOLDOWN_DAYS"])
    recent = set(PanelSeat.objects.filter(
        panel__project__purchaser=purchaser, panel__drawn_at__gte=since,
        status__in=[PanelSeat.Status.SEATED, PanelSeat.Status.SUBMITTED],
    ).exclude(panel__project=project).values_list("expert_id", flat=True))
    eligible, excluded = [], []
    for expert in covering_experts(project):
        reasons, details = [], []

        def add(code, detail, reasons=reasons, details=details):
            if code not in reasons:
                reasons.append(code)
            details.append(detail)

        if _same(expert.employer_uscc, expert.employer_name, purchaser.uscc, purchaser.name):
            add("purchaser_staff", f"{REASONS['purchaser_staff']}: {purchaser.name}")
        for uscc, name in agencies:
            if _same(expert.employer_uscc, expert.employer_name, uscc, name):
                add("bidder_staff", f"{REASONS['bidder_staff']}: {name}")
        for tie in expert.ties.all():
            if purchaser.uscc and tie.uscc == purchaser.uscc:
                add("purchaser_tie", f"{REASONS['purchaser_tie']}: {purchaser.name} ({tie.note})")
            for uscc, name in agencies:
                if tie.uscc == uscc:
                    add("bidder_tie", f"{REASONS['bidder_tie']}: {name} ({tie.note})")
        if expert.pk in recent:
            add("recent_panel", str(REASONS["recent_panel"]))
        if reasons:
            excluded.append({"code": expert.code, "name": expert.name, "reasons": reasons,
                             "details": [str(d) for d in details]})
        else:
            eligible.append(expert)
    return eligible, excluded


def excluded_counts(exclusions: list[dict]) -> dict[str, int]:
    """How many experts each reason excluded (an expert counts once per reason)."""
    counts = dict.fromkeys(REASONS, 0)
    for row in exclusions:
        for code in row["reasons"]:
            counts[code] += 1
    return counts


def verify_panel_draw(data: dict) -> bool:
    """Recompute a published panel draw: the seed matches its commitment and
    ``draw_ranking(seed, candidates)`` gives the published order."""
    seed = str(data.get("seed", ""))
    if draw.commitment_of(seed) != data.get("commitment"):
        return False
    order = [r["uscc"] for r in draw.draw_ranking(seed, data.get("candidates", []))]
    return order == [r["code"] for r in data.get("rounds", [])]
