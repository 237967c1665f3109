"""Random inspections (双随机、一公开): verifiable draw, findings become credit events, published."""
import hashlib
from decimal import Decimal

import pytest

from agencies.models import Agency
from core.errors import Conflict, NotAllowed, ValidationFailed
from core.models import AuditEvent
from credit.models import CreditEvent, Inspection, InspectionFinding
from credit.services.inspections import (
    draw_picks,
    inspection_announce,
    inspection_draw,
    inspection_finding_record,
    inspection_publish,
    verify_inspection_computation,
)
from tests.factories import ratings as rf
from tests.factories.agencies import agency, service_item
from tests.factories.bidding import purchaser
from tests.factories.core import regulator_user

pytestmark = pytest.mark.django_db


def recompute(seed: str, codes: list[str], k: int) -> list[str]:
    """An independent re-implementation of the published formula, from its description."""
    left = sorted(codes)
    out = []
    while left and len(out) < k:
        digest = hashlib.sha256((seed + "|" + "|".join(left)).encode("utf-8")).hexdigest()
        out.append(left.pop(int(digest, 16) % len(left)))
    return out


def test_draw_picks_is_deterministic_without_repeats_and_independent_of_input_order():
    codes = [f"91420100MA4K{n:06d}" for n in range(30)]
    a = draw_picks("abc123", codes, 7)
    b = draw_picks("abc123", list(reversed(codes)), 7)
    assert [r["code"] for r in a] == [r["code"] for r in b] == recompute("abc123", codes, 7)
    assert len({r["code"] for r in a}) == 7
    assert [r["code"] for r in draw_picks("other", codes, 7)] != [r["code"] for r in a]
    assert len(draw_picks("abc", codes[:3], 10)) == 3


@pytest.fixture
def pool():
    regulator = regulator_user()
    rf.inspectors(5)
    agencies = [agency() for _ in range(8)]
    return regulator, agencies


def test_announced_inspection_publishes_commitment_and_pool_but_not_the_seed(pool, client):
    regulator, agencies = pool
    insp = inspection_announce(actor=regulator, title="2026年第一批中介机构双随机抽查",
                               agency_count=3, inspector_count=2)
    assert insp.commitment == hashlib.sha256(insp.seed.encode()).hexdigest()
    assert "seed" not in insp.computation
    assert sorted(c["code"] for c in insp.computation["agency_candidates"]) == sorted(
        a.uscc for a in agencies)
    page = client.get(f"/inspections/{insp.pk}/").content.decode()
    api = client.get(f"/api/v1/inspections/{insp.pk}/").json()
    assert insp.commitment in page and insp.seed not in page
    assert api["seed"] is None and insp.seed not in str(api)


def test_the_draw_reveals_the_seed_and_anyone_can_recompute_agencies_and_inspectors(pool, client):
    regulator, agencies = pool
    insp = inspection_announce(actor=regulator, title="抽查", agency_count=3, inspector_count=2)
    insp = inspection_draw(actor=regulator, inspection=insp)
    comp = client.get(f"/api/v1/inspections/{insp.pk}/").json()["computation"]
    assert hashlib.sha256(comp["seed"].encode()).hexdigest() == comp["commitment"]
    drawn = recompute(comp["seed"], [c["code"] for c in comp["agency_candidates"]], 3)
    assert list(insp.findings.order_by("rank").values_list("agency__uscc", flat=True)) == drawn
    inspectors = recompute(comp["seed"], [c["code"] for c in comp["inspector_candidates"]], 2)
    assert sorted(insp.inspectors.values_list("code", flat=True)) == sorted(inspectors)
    assert verify_inspection_computation(comp)
    tampered = {**comp, "agency_rounds": list(reversed(comp["agency_rounds"]))}
    assert not verify_inspection_computation(tampered)
    assert not verify_inspection_computation({**comp, "seed": "0" * 64})
    with pytest.raises(Conflict):
        inspection_draw(actor=regulator, inspection=insp)
    assert AuditEvent.objects.filter(action="inspection.drawn").count() == 1


def test_pool_filters_by_item_region_and_grade(pool):
    regulator, agencies = pool
    item = service_item(title="水土保持方案编制")
    offering = [agency(offers=[item]) for _ in range(2)]
    Agency.objects.filter(pk=offering[1].pk).update(credit_grade="A")
    insp = inspection_announce(actor=regulator, title="按事项抽查", item=item,
                               agency_count=5, inspector_count=1)
    assert {c["code"] for c in insp.computation["agency_candidates"]} == {a.uscc for a in offering}
    assert insp.agency_count == 2   # capped at the pool size
    graded = inspection_announce(actor=regulator, title="按等级抽查", item=item, grade="A",
                                 agency_count=5, inspector_count=1)
    assert [c["code"] for c in graded.computation["agency_candidates"]] == [offering[1].uscc]
    with pytest.raises(ValidationFailed):
        inspection_announce(actor=regulator, title="空池", item=item, grade="E",
                            agency_count=1, inspector_count=1)
    with pytest.raises(ValidationFailed):
        inspection_announce(actor=regulator, title="检查员不足", agency_count=1,
                            inspector_count=50)


def test_only_regulators_run_inspections(pool):
    _regulator, agencies = pool
    with pytest.raises(NotAllowed):
        inspection_announce(actor=purchaser(), title="x", agency_count=1, inspector_count=1)
    with pytest.raises(NotAllowed):
        inspection_announce(actor=rf.agency_user(agencies[0]), title="x", agency_count=1,
                            inspector_count=1)


def test_findings_become_credit_events_and_results_are_published(pool, client):
    regulator, _agencies = pool
    insp = inspection_announce(actor=regulator, title="抽查", agency_count=2, inspector_count=1,
                               source=Inspection.Source.INDUSTRY_DEPARTMENT)
    insp = inspection_draw(actor=regulator, inspection=insp)
    first, second = insp.findings.order_by("rank")
    score_before = second.agency.credit_score
    with pytest.raises(Conflict):
        inspection_publish(actor=regulator, inspection=insp)
    inspection_finding_record(actor=regulator, finding=first, result="pass", note="")
    with pytest.raises(ValidationFailed):
        inspection_finding_record(actor=regulator, finding=second, result="fail", note="")
    inspection_finding_record(actor=regulator, finding=second, result="fail", points="-12",
                              note="报告编制人员无相应执业资格")
    with pytest.raises(Conflict):
        inspection_finding_record(actor=regulator, finding=second, result="pass")
    passed = CreditEvent.objects.get(pk=InspectionFinding.objects.get(pk=first.pk).credit_event_id)
    failed = CreditEvent.objects.get(pk=InspectionFinding.objects.get(pk=second.pk).credit_event_id)
    assert (passed.kind, passed.source) == ("inspection_pass", "industry_department")
    assert (failed.kind, failed.points) == ("inspection_fail", Decimal("-12.00"))
    second.agency.refresh_from_db()
    assert second.agency.credit_score < score_before
    assert "报告编制人员无相应执业资格" not in client.get(f"/inspections/{insp.pk}/").content.decode()
    inspection_publish(actor=regulator, inspection=insp)
    page = client.get(f"/inspections/{insp.pk}/").content.decode()
    assert "报告编制人员无相应执业资格" in page
    api = client.get("/api/v1/inspections/").json()
    published = api["results"][0]
    assert published["status"] == "published"
    assert {f["result"] for f in published["findings"]} == {"pass", "fail"}
