"""The demo loader: ≥30 real items, ≥50 agencies with valid codes, one account per role,
fast (CPU and statement budget), idempotent with --once, everything audited."""
import io

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from stdnum.cn import uscc

from agencies.models import Agency
from core.audit import audit_verify
from core.catalogue import SERVICE_CLASS_SLUG, Product, item_attributes
from marketplace.demo import DEMO_LOGINS, demo_loaded

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(demo_module):
    """The demo loaded once for this module (tests/conftest.py::demo_module); each test in its
    own savepoint."""
    return demo_module


def test_demo_loads_thirty_items_with_legal_basis_and_fifty_agencies_with_valid_codes(loaded):
    items = Product.objects.filter(product_class__slug=SERVICE_CLASS_SLUG).prefetch_related(
        "attribute_values__attribute", "attribute_values__value_option", "categories")
    assert items.count() >= 30
    for item in items:
        attrs = item_attributes(item)
        assert attrs["legal_basis"] and attrs["fee_standard"] and attrs["statutory_days"]
        assert str(attrs["fee_type"]) in ("政府指导价", "市场调节价")
        assert item.categories.exists()
    agencies = Agency.objects.all()
    assert agencies.count() >= 50
    assert all(uscc.is_valid(a.uscc) for a in agencies)
    assert agencies.values("region").distinct().count() >= 20
    assert agencies.filter(gov_tie_declared=True).count() == 1
    assert all(a.partner.stockrecords.exists() for a in agencies.select_related("partner"))
    assert audit_verify().ok


def test_demo_logins_work_for_every_role(loaded):
    for _role, username in DEMO_LOGINS["users"]:
        assert authenticate(username=username, password=DEMO_LOGINS["password"]), username
    assert "demo_regulator" in loaded["output"] and DEMO_LOGINS["password"] in loaded["output"]


def test_demo_loads_within_its_cpu_and_statement_budget_and_once_skips_a_second_run(loaded):
    """The bound is on what the loader itself costs, which the machine's other load does not
    change: its CPU in this process and the statements it sends (the database's share grows
    with them). Wall time inside a suite sharing two cores with another worker, on a shared
    machine, measured 19–39 s for the same code; alone on a quiet machine the load takes
    under 20 s on PostgreSQL (README, "Development")."""
    assert loaded["cpu"] < 20, loaded["cpu"]
    assert loaded["statements"] < 22_000, loaded["statements"]
    assert demo_loaded()
    counts = (Product.objects.count(), Agency.objects.count())
    out = io.StringIO()
    call_command("load_demo", once=True, stdout=out)
    assert "already loaded" in out.getvalue()
    assert (Product.objects.count(), Agency.objects.count()) == counts


def test_core_demo_rerun_without_once_adds_nothing_twice(loaded):
    from marketplace.demo import load_core_demo

    counts = (Product.objects.count(), Agency.objects.count())
    load_core_demo()
    assert (Product.objects.count(), Agency.objects.count()) == counts


def test_demo_takes_awards_through_the_whole_life_cycle_to_ratings_and_five_star_credit(loaded):
    import datetime as dt

    from django.utils import timezone

    from bidding.models import Award, Delivery, Objection, Project
    from credit.models import CreditEvent
    from ratings.models import Rating

    accepted = Award.objects.filter(status=Award.Status.ACCEPTED)
    assert accepted.count() >= 6
    assert accepted.filter(rating__isnull=False).exists()
    assert set(accepted.values_list("method", flat=True)) == set(Project.Method.values)
    winners = set(accepted.values_list("agency__organisation__members__user__username",
                                       flat=True))
    assert {"demo_agency1", "demo_agency2", "demo_agency3"} <= winners
    owners = set(accepted.values_list("project__created_by__username", flat=True))
    assert owners == {"demo_enterprise", "demo_government"}
    assert all(a.contract.confirmed_at for a in accepted.select_related("contract"))
    assert Delivery.objects.filter(status=Delivery.Status.RETURNED, award__in=accepted).exists()
    assert Rating.objects.filter(reply__isnull=False).exists()
    assert Rating.objects.filter(appeal__isnull=False).exists()

    # One award in its objection period with a losing bidder's objection pending.
    objection = Objection.objects.select_related("award").get()
    assert objection.award.status == Award.Status.NOTICE
    assert objection.agency_id != objection.award.agency_id
    # One winner refused to sign: a violation, and the runner-up took the award.
    refused = Award.objects.get(status=Award.Status.SUPERSEDED)
    assert CreditEvent.objects.filter(kind=CreditEvent.Kind.CONTRACT_REFUSED,
                                      agency=refused.agency).exists()
    assert refused.agency.standing == Agency.Standing.SUSPENDED
    assert Award.objects.filter(project=refused.project, rank=2,
                                status=Award.Status.ACCEPTED).exists()

    # R9: a few five-star agencies, and a spread of grades below them.
    assert 3 <= Agency.objects.filter(credit_stars=5).count() <= 8
    assert set(Agency.objects.values_list("credit_grade", flat=True)) >= {"A", "B", "C", "D"}

    # The demo auction is still open for hours.
    live = Project.objects.get(method=Project.Method.LIVE_BIDDING,
                               status=Project.Status.SELECTING)
    assert live.auction_ends_at > timezone.now() + dt.timedelta(hours=4)
    assert f"/projects/{live.pk}/auction/" in loaded["output"]
    assert audit_verify().ok


def test_demo_draws_are_commit_reveal_with_a_missing_reveal_and_verify(loaded):
    from bidding.models import Award, DrawCommitment, Project

    drawn = Award.objects.filter(method=Project.Method.RANDOM_DRAW, rank=1)
    assert drawn.count() >= 2
    for award in drawn:
        comp = award.computation
        assert comp["scheme"] == "commit-reveal"
        reveals = [c["reveal"] for c in comp["contributions"]]
        assert len(reveals) >= 2 and None in reveals and any(reveals)
        out = io.StringIO()
        call_command("draw_verify", str(award.project_id), stdout=out)
        assert out.getvalue().startswith("OK")
    waiting = DrawCommitment.objects.get(project__status=Project.Status.SELECTING)
    assert waiting.reveal_ends_at and not waiting.secret


def test_demo_holds_purchasers_to_account_too(loaded, client):
    """Two-sided accountability: the agencies rated the purchasers after acceptance (one reply)
    and the demo government department carries a late contract on its purchaser credit."""
    from credit.models import PurchaserCredit, PurchaserCreditEvent
    from ratings.models import PurchaserRating

    assert PurchaserRating.objects.count() >= 4
    assert PurchaserRating.objects.filter(reply__isnull=False).exists()
    late = PurchaserCreditEvent.objects.get(kind=PurchaserCreditEvent.Kind.CONTRACT_MISSED)
    assert late.purchaser.name == "武汉市交通运输局"
    assert PurchaserCredit.objects.get(purchaser=late.purchaser).score < 80
    page = client.get(f"/purchasers/{late.purchaser_id}/").content.decode()
    assert "合同逾期未确认" in page
    assert audit_verify().ok


def test_demo_has_an_expert_pool_an_evaluated_panel_and_one_awaiting_demo_expert1(loaded):
    from bidding.models import Award, Expert, Panel, PanelSeat
    from bidding.panels import verify_panel_draw

    assert Expert.objects.filter(status=Expert.Status.ACTIVE).count() == 12
    award = Award.objects.get(method="comprehensive")
    assert len(award.computation["experts"]) == 3 and verify_panel_draw(
        award.computation["panel_draw"])
    counts = Panel.objects.get(project=award.project).draw["excluded_counts"]
    assert counts["bidder_staff"] == 1 and counts["bidder_tie"] == 1
    waiting = PanelSeat.objects.get(expert__organisation__members__user__username="demo_expert1",
                                    status=PanelSeat.Status.SEATED)
    assert waiting.panel.status == Panel.Status.SCORING
    assert waiting.panel.seats.filter(status=PanelSeat.Status.SUBMITTED).count() == 1


def test_demo_postings_pick_their_qualifications_from_the_catalogue(loaded):
    from bidding.models import ProjectQualification
    from core.models import StatutoryQualification

    assert StatutoryQualification.objects.filter(abolished_by="").count() >= 15
    assert StatutoryQualification.objects.exclude(abolished_by="").count() >= 4
    rows = ProjectQualification.objects.select_related("entry", "project__item")
    assert rows and all(r.entry is not None and r.entry.item_id == r.project.item_id
                        and not r.entry.abolished for r in rows)
