"""Comprehensive evaluation by a panel drawn from the regulator's expert pool (issue 10, item 4):
the pool is the regulators', the platform draws the panel excluding the purchaser's staff and
experts tied to a bidder, each expert scores alone and its submission is locked, the purchaser
sees no score before all are in, the price score is computed by the published formula and the
award follows the computed totals; the draw is recomputed from the published data."""
from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from bidding import draw, evaluation
from bidding.models import Expert, Panel, PanelSeat
from bidding.panels import panel_commitment, verify_panel_draw
from bidding.services import methods, panels
from core.errors import Conflict, NotAllowed, ValidationFailed
from core.models import AuditEvent, Organisation
from tests.factories import bidding as bf
from tests.factories import experts as xf
from tests.factories.agencies import agency, agency_user
from tests.factories.core import PASSWORD, purchaser_user, regulator_user

pytestmark = pytest.mark.django_db


def actions():
    return list(AuditEvent.objects.values_list("action", flat=True))


# --- the pool ------------------------------------------------------------------------------------


def test_only_regulators_keep_the_expert_pool():
    item = bf.service_item()
    for outsider in (purchaser_user(), agency_user(agency()), None):
        with pytest.raises(NotAllowed):
            panels.expert_create(actor=outsider, username="x1", password=PASSWORD, name="甲",
                                 items=[item])
    expert = xf.expert(items=[item])
    with pytest.raises(NotAllowed):  # an expert does not keep the pool either
        panels.expert_suspend(actor=xf.user_of(expert), expert=expert, reason="x")
    assert expert.organisation.kind == Organisation.Kind.EXPERT
    assert expert.code == f"ZJ{expert.pk:05d}" and "expert.created" in actions()


def test_an_expert_needs_a_valid_employer_code_and_a_specialty_and_nothing_is_half_saved():
    regulator, item = regulator_user(), bf.service_item()
    with pytest.raises(ValidationFailed) as bad_code:
        panels.expert_create(actor=regulator, username="x2", password=PASSWORD, name="乙",
                             employer_name="某院", employer_uscc="123", items=[item])
    assert "employer_uscc" in bad_code.value.fields
    with pytest.raises(ValidationFailed) as no_specialty:
        panels.expert_create(actor=regulator, username="x3", password=PASSWORD, name="丙")
    assert "items" in no_specialty.value.fields
    assert not Organisation.objects.filter(kind=Organisation.Kind.EXPERT).exists()


def test_suspension_reinstatement_and_ties_are_audited():
    regulator = regulator_user()
    expert = xf.expert(items=[bf.service_item()], actor=regulator)
    tie = panels.expert_tie_add(actor=regulator, expert=expert, uscc=agency().uscc,
                                name="某中介", note="原工作单位")
    panels.expert_suspend(actor=regulator, expert=expert, reason="多次缺席评审")
    with pytest.raises(Conflict):
        panels.expert_suspend(actor=regulator, expert=expert, reason="again")
    panels.expert_reinstate(actor=regulator, expert=expert, reason="整改完成")
    panels.expert_tie_remove(actor=regulator, tie=tie)
    assert {"expert.tie_declared", "expert.suspended", "expert.reinstated",
            "expert.tie_removed"} <= set(actions())


def test_regulator_pages_keep_the_pool(client):
    regulator, item = regulator_user(), bf.service_item()
    client.force_login(regulator)
    response = client.post("/regulator/experts/new/", {
        "name": "周专家", "username": "zhou", "password": PASSWORD, "employer_name": "武汉大学",
        "items": [item.pk]})
    expert = Expert.objects.get(name="周专家")
    assert response.status_code == 302 and response.url == f"/regulator/experts/{expert.pk}/"
    assert "周专家" in client.get("/regulator/experts/").content.decode()
    assert client.get(f"/regulator/experts/{expert.pk}/").status_code == 200
    client.post(f"/regulator/experts/{expert.pk}/tie/", {
        "uscc": agency().uscc, "name": "某中介", "note": "原工作单位"})
    client.post(f"/regulator/experts/{expert.pk}/suspend/", {"reason": "缺席评审"})
    expert.refresh_from_db()
    assert expert.ties.count() == 1 and expert.status == Expert.Status.SUSPENDED
    assert client.get("/regulator/panels/").status_code == 200
    assert "ZJ" in client.get("/regulator/experts/?format=csv").getvalue().decode()
    client.force_login(purchaser_user())
    assert client.get("/regulator/experts/").status_code == 403
    assert client.post("/regulator/experts/new/", {"name": "x"}).status_code == 403


# --- the draw ------------------------------------------------------------------------------------


def test_the_panel_excludes_the_purchasers_staff_and_experts_tied_to_a_bidder():
    project, signups = xf.closing_project()
    purchaser = project.purchaser
    bidder = signups[1].agency
    plain = xf.pool(project.item, 2)
    staff = xf.expert(items=[project.item], employer_name=purchaser.name,
                      employer_uscc=purchaser.uscc)
    tied = xf.expert(items=[project.item], ties=[(bidder.uscc, bidder.name, "持股5%")])
    employed = xf.expert(items=[project.item], employer_name=signups[0].agency.name,
                         employer_uscc=signups[0].agency.uscc)
    from bidding.services.closing import signups_close
    signups_close(project=project)
    panel = Panel.objects.get(project=project)
    # Five experts cover the item, three seats: without the exclusions the panel would sit.
    assert panel.status == Panel.Status.SHORT
    assert sorted(panel.draw["candidates"]) == sorted(e.code for e in plain)
    reasons = {x["code"]: x["reasons"] for x in panel.draw["exclusions"]}
    assert reasons == {staff.code: ["purchaser_staff"], tied.code: ["bidder_tie"],
                       employed.code: ["bidder_staff"]}
    assert panel.draw["excluded_counts"]["bidder_tie"] == 1
    assert "panel.short" in actions()


def test_too_few_experts_is_a_state_the_regulator_sees_and_no_one_else_scores():
    project, signups = xf.closing_project()
    xf.pool(project.item, 2)
    from bidding.services.closing import signups_close
    signups_close(project=project)
    panel = Panel.objects.get(project=project)
    assert panel.status == Panel.Status.SHORT and not panel.seats.exists()
    with pytest.raises(Conflict, match="too few eligible experts"):
        methods.evaluation_run(actor=project.created_by, project=project)
    regulator = regulator_user()
    client = APIClient()
    client.force_login(regulator)
    page = client.get(f"/regulator/panels/{panel.pk}/").content.decode()
    assert "Only 2 eligible expert(s)" in page or "仅有 2 名" in page
    with pytest.raises(NotAllowed):
        panels.panel_draw(actor=project.created_by, project=project)
    xf.pool(project.item, 1)
    panel = panels.panel_draw(actor=regulator, project=project)
    assert panel.status == Panel.Status.SCORING and panel.seats.count() == 3


def test_an_expert_on_a_recent_panel_for_the_same_purchaser_is_not_drawn_again():
    project, signups, panel = xf.panel_project(experts=3)
    seated = set(panel.seats.values_list("expert_id", flat=True))
    again, _s = xf.closing_project(owner=project.created_by, item=project.item)
    from bidding.services.closing import signups_close
    signups_close(project=again)
    second = Panel.objects.get(project=again)
    assert second.status == Panel.Status.SHORT
    assert {x["code"] for x in second.draw["exclusions"]} == set(
        Expert.objects.filter(pk__in=seated).values_list("code", flat=True))


def test_the_draw_is_recomputed_from_the_published_data():
    project, signups = xf.closing_project(ceiling=Decimal("100000"))
    published_before_close = panel_commitment(project)
    xf.pool(project.item, 6)
    from bidding.services.closing import signups_close
    signups_close(project=project)
    panel = Panel.objects.get(project=project)
    xf.submit_all(panel, {s.pk: "50" for s in signups})
    award = methods.evaluation_run(actor=project.created_by, project=project)
    drawn = award.computation["panel_draw"]
    assert drawn["commitment"] == published_before_close
    assert hashlib.sha256(drawn["seed"].encode()).hexdigest() == drawn["commitment"]
    order = [r["uscc"] for r in draw.draw_ranking(drawn["seed"], drawn["candidates"])]
    assert [e["code"] for e in award.computation["experts"]] == order[:3]
    assert verify_panel_draw(drawn)
    assert not verify_panel_draw({**drawn, "seed": "0" * 64})


# --- scoring -------------------------------------------------------------------------------------


def test_scores_are_drafts_until_submitted_then_locked():
    project, signups, panel = xf.panel_project()
    user = xf.seated_users(panel)[0]
    a, b, c = signups
    panels.panel_scores_save(actor=user, panel=panel, scores={a.pk: "40", b.pk: "55.5"})
    panels.panel_scores_save(actor=user, panel=panel, scores={a.pk: "45"})
    with pytest.raises(ValidationFailed, match="missing: C"):
        panels.panel_scores_save(actor=user, panel=panel, scores={}, submit=True)
    seat = panels.panel_scores_save(actor=user, panel=panel, scores={c.pk: "60"}, submit=True)
    assert seat.status == PanelSeat.Status.SUBMITTED
    assert sorted(str(s.quality_score) for s in seat.scores.all()) == ["45.00", "55.50", "60.00"]
    with pytest.raises(Conflict, match="can no longer be changed"):
        panels.panel_scores_save(actor=user, panel=panel, scores={a.pk: "70"})
    assert str(seat.scores.get(signup=a).quality_score) == "45.00"
    assert actions().count("panel.scores_saved") == 2 and "panel.scores_submitted" in actions()


def test_a_score_is_bounded_by_the_quality_weight_on_its_field():
    project, signups, panel = xf.panel_project(quality_weight=70, price_weight=30)
    user = xf.seated_users(panel)[0]
    with pytest.raises(ValidationFailed) as too_high:
        panels.panel_scores_save(actor=user, panel=panel, scores={signups[0].pk: "70.01"})
    assert f"score_{signups[0].pk}" in too_high.value.fields
    with pytest.raises(ValidationFailed):
        panels.panel_scores_save(actor=user, panel=panel, scores={"999999": "10"})


def test_experts_score_only_their_own_panels(client):
    project, signups, panel = xf.panel_project()
    outsider = xf.user_of(xf.expert(items=[project.item]))
    for who in (outsider, project.created_by, agency_user(signups[0].agency), regulator_user()):
        with pytest.raises(NotAllowed):
            panels.panel_scores_save(actor=who, panel=panel, scores={signups[0].pk: "1"})
    client.force_login(outsider)
    assert client.get(f"/expert/panels/{panel.pk}/").status_code == 404
    api = APIClient()
    api.force_authenticate(outsider)
    assert api.get(f"/api/v1/panels/{panel.pk}/").status_code == 404
    assert api.post(f"/api/v1/panels/{panel.pk}/scores/", {"scores": {signups[0].pk: "1"}},
                    format="json").status_code == 403


def test_the_expert_sees_anonymised_offers_and_no_price(client):
    project, signups, panel = xf.panel_project(quotes=["91234", "88888", "87777"])
    client.force_login(xf.seated_users(panel)[0])
    page = client.get(f"/expert/panels/{panel.pk}/").content.decode()
    for s in signups:
        assert s.agency.name not in page and s.agency.uscc not in page
    assert "91234" not in page and "88888" not in page


def test_the_purchaser_and_other_experts_see_no_score_before_all_are_in(client):
    project, signups, panel = xf.panel_project()
    first, second, _third = xf.seated_users(panel)
    panels.panel_scores_save(actor=first, panel=panel, scores={s.pk: "61.25" for s in signups},
                             submit=True)
    client.force_login(project.created_by)
    page = client.get(f"/projects/{project.pk}/selection/").content.decode()
    assert "61.25" not in page and "1 / 3" in page
    api = APIClient()
    api.force_authenticate(project.created_by)
    assert api.get(f"/api/v1/panels/{panel.pk}/").status_code == 404
    assert "61.25" not in api.get(f"/api/v1/projects/{project.pk}/").content.decode()
    refused = api.post(f"/api/v1/projects/{project.pk}/evaluate/")
    assert refused.status_code == 409 and not project.awards.exists()
    api.force_authenticate(second)
    assert "61.25" not in api.get(f"/api/v1/panels/{panel.pk}/").content.decode()


# --- the computed result ------------------------------------------------------------------------


def test_price_score_formula_full_weight_for_the_lowest_quote():
    assert evaluation.price_score(base=Decimal("15000"), price=Decimal("15000"),
                                  weight=30) == Decimal("30.00")
    # 15000 / 19000 × 30 = 23.684…, rounded half up
    assert evaluation.price_score(base=Decimal("15000"), price=Decimal("19000"),
                                  weight=30) == Decimal("23.68")
    assert evaluation.half_up(Decimal("1.005")) == Decimal("1.01")
    assert evaluation.quality_of([Decimal(x) for x in ("10", "50", "52", "54", "99")]) == (
        Decimal("52.00"), True)


def test_the_award_follows_the_computed_totals_19000_against_15000():
    project, (dear, cheap, mid), panel = xf.panel_project(
        quotes=["19000", "15000", "17000"], ceiling=Decimal("20000"), floor=Decimal("10000"),
        price_weight=30, quality_weight=70)
    # dear: 23.68 + 70 = 93.68; cheap: 30 + 60 = 90; mid: 26.47 + 50 = 76.47
    xf.submit_all(panel, {dear.pk: "70", cheap.pk: "60", mid.pk: "50"})
    award = methods.evaluation_run(actor=None, project=project)
    assert award.signup_id == dear.pk and award.price == Decimal("19000.00")
    ranking = award.computation["ranking"]
    assert [(r["signup"], r["price_score"], r["quality_score"], r["total"]) for r in ranking] == [
        (dear.pk, "23.68", "70.00", "93.68"), (cheap.pk, "30.00", "60.00", "90.00"),
        (mid.pk, "26.47", "50.00", "76.47")]
    assert award.computation["base_price"] == "15000.00"
    assert len(award.computation["experts"]) == 3


def test_five_experts_use_the_trimmed_mean_and_ties_go_to_the_lower_price(settings):
    settings.MARKETPLACE = {**settings.MARKETPLACE, "EVALUATION_PANEL_SIZE": 5}
    project, (a, b, c), panel = xf.panel_project(
        experts=5, quotes=["20000", "10000", "10000"], ceiling=Decimal("20000"),
        floor=Decimal("5000"), price_weight=50, quality_weight=50)
    rows = [{a.pk: q, b.pk: "0", c.pk: "0"} for q in ("50", "50", "50", "50", "0")]
    xf.submit_all(panel, rows)
    award = methods.evaluation_run(actor=None, project=project)
    by = {r["signup"]: r for r in award.computation["ranking"]}
    # a: 25 + trimmed mean(0, 50, 50, 50, 50 → 50, 50, 50) = 75; b and c: 50 + 0, tied
    assert by[a.pk]["total"] == "75.00" and award.computation["trimmed"]
    assert by[b.pk]["total"] == by[c.pk]["total"] == "50.00"
    assert award.signup_id == a.pk


def test_evaluation_waits_for_every_expert_and_the_regulator_replaces_a_missing_one():
    project, signups, panel = xf.panel_project(experts=4)
    first, second, missing = xf.seated_users(panel)
    for user in (first, second):
        panels.panel_scores_save(actor=user, panel=panel, scores={s.pk: "50" for s in signups},
                                 submit=True)
    with pytest.raises(Conflict, match="2 of 3"):
        methods.evaluation_run(actor=project.created_by, project=project)
    regulator = regulator_user()
    with pytest.raises(Conflict, match="deadline has not passed"):
        panels.panel_seat_replace(actor=regulator, panel=panel)
    Panel.objects.filter(pk=panel.pk).update(deadline=timezone.now() - dt.timedelta(minutes=1))
    with pytest.raises(NotAllowed):
        panels.panel_seat_replace(actor=project.created_by, panel=panel)
    panels.panel_seat_replace(actor=regulator, panel=panel)
    with pytest.raises(NotAllowed):
        panels.panel_scores_save(actor=missing, panel=panel, scores={}, submit=True)
    (reserve,) = xf.seated_users(panel)
    panels.panel_scores_save(actor=reserve, panel=panel, scores={s.pk: "40" for s in signups},
                             submit=True)
    award = methods.evaluation_run(actor=project.created_by, project=project)
    assert len(award.computation["replaced"]) == 1
    assert award.computation["experts"][-1]["round"] == 4


def test_the_award_notice_publishes_the_experts_and_their_scores(client):
    project, signups, panel = xf.panel_project(quotes=["90000", "80000", "85000"])
    xf.submit_all(panel, {s.pk: "55.5" for s in signups})
    award = methods.evaluation_run(actor=project.created_by, project=project)
    experts = [s.expert for s in panel.seats.select_related("expert")]
    page = client.get(f"/awards/{award.pk}/").content.decode()
    for expert in experts:
        assert expert.name in page
    assert "55.50" in page and "80000.00" in page and panel.seed in page
    data = APIClient().get(f"/api/v1/awards/{award.pk}/").json()["computation"]
    assert {e["name"] for e in data["experts"]} == {e.name for e in experts}
    assert data["prices"][0]["price_score"] and data["panel_draw"]["seed"] == panel.seed


def test_the_expert_scores_through_the_pages_and_the_api(client):
    project, signups, panel = xf.panel_project()
    first, second, third = xf.seated_users(panel)
    client.force_login(first)
    assert project.title in client.get("/expert/panels/").content.decode()
    form = {f"score_{s.pk}": "66" for s in signups}
    response = client.post(f"/expert/panels/{panel.pk}/", {**form, "save": "1"})
    assert response.status_code == 302
    bad = client.post(f"/expert/panels/{panel.pk}/", {**form, f"score_{signups[0].pk}": "abc",
                                                      "submit": "1"})
    assert bad.status_code == 200
    client.post(f"/expert/panels/{panel.pk}/", {**form, "submit": "1"})
    for user in (second, third):
        api = APIClient()
        api.force_authenticate(user)
        body = api.post(f"/api/v1/panels/{panel.pk}/scores/",
                        {"scores": {str(s.pk): "66" for s in signups}, "submit": True},
                        format="json")
        assert body.status_code == 200 and body.json()["status"] == "submitted"
    assert Panel.objects.get(pk=panel.pk).status == Panel.Status.COMPLETE
    api = APIClient()
    api.force_authenticate(project.created_by)
    assert api.post(f"/api/v1/projects/{project.pk}/evaluate/").status_code == 201


def test_the_platform_runs_the_evaluation_once_every_expert_has_submitted():
    import io

    from django.core.management import call_command

    project, signups, panel = xf.panel_project()
    out = io.StringIO()
    call_command("run_due_selections", stdout=out, stderr=io.StringIO())
    assert not project.awards.exists()
    xf.submit_all(panel, {s.pk: "50" for s in signups})
    call_command("run_due_selections", stdout=out, stderr=io.StringIO())
    assert project.awards.filter(rank=1).count() == 1


def test_publishing_records_the_panel_commitment_and_a_changed_secret_cannot_draw(settings):
    """The seed is fixed before any bidder is known: publication writes its commitment to the
    audit trail, and a panel draw whose seed no longer matches it is refused (sign-up closing
    then fails loudly rather than draw with another seed)."""
    from bidding.models import Project
    from bidding.services.postings import project_publish
    from core.audit import event_for

    owner = bf.purchaser()
    from bidding.rules import earliest_signup_deadline
    deadline = earliest_signup_deadline() + dt.timedelta(hours=3)
    project = bf.draft(owner=owner, method=bf.Method.COMPREHENSIVE, price_weight=30,
                       quality_weight=70, signup_deadline=deadline,
                       selection_at=deadline + dt.timedelta(days=1))
    project_publish(actor=owner, project=project)
    event = event_for(project, "panel.committed")
    assert event is not None and event.data["commitment"] == panel_commitment(project)
    xf.pool(project.item, 6)
    for _i in range(3):
        bf.signup(project=project)
    Project.objects.filter(pk=project.pk).update(status=Project.Status.SELECTING)
    settings.MARKETPLACE = {**settings.MARKETPLACE, "PANEL_SEED_SECRET": "another secret"}
    with pytest.raises(Conflict):
        panels.panel_draw(actor=None, project=project)
    assert not Panel.objects.filter(project=project).exists()
