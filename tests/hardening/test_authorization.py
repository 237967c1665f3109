"""Authorization (issue 8): every mutating endpoint of /api/v1/, called anonymously and as each
role on objects that are not theirs, is refused (401/403/404), never 2xx and never 500.

``ROWS`` has one row per URL pattern with a POST, PUT, PATCH or DELETE handler, discovered from
the URL resolver: a new endpoint without a row fails ``test_every_mutating_endpoint_has_a_row``.
A row names the object it is called on (built in ``world``, owned by other parties) and the
roles that are entitled to call it on that object (open registration, a purchaser posting its
own project, a regulator deciding) — for those only "never 500" is asserted.

Also here: the selection methods check the permission before the "already decided" shortcut,
and regulators may not edit agencies or run another purchaser's selection.
"""
from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from rest_framework.test import APIClient

from agencies.models import Qualification, Subscription
from bidding.models import Delivery, Objection, PostingReview, Project
from bidding.rules import earliest_signup_deadline
from credit.models import InspectionFinding, Sanction
from credit.services.inspections import inspection_announce, inspection_draw
from ratings.models import RatingAppeal
from ratings.services.purchasers import purchaser_rating_submit
from supervision.models import Complaint
from tests.factories import bidding as bf
from tests.factories import experts as xf
from tests.factories import ratings as rf
from tests.factories.agencies import agency, agency_user, paper, png_bytes, service_item
from tests.factories.awards import approval_user_of, made_award
from tests.factories.core import purchaser_user, regulator_user
from tests.factories.webhooks import endpoint as webhook_endpoint
from tests.notifications.helpers import delivered

pytestmark = pytest.mark.django_db
Method = Project.Method
MUTATING = ("post", "put", "patch", "delete")
REFUSED = {401, 403, 404}
ROLES = ("anonymous", "purchaser", "agency", "approval", "regulator")


def mutating_routes() -> dict[str, list[str]]:
    """``{"api/v1/…/<int:pk>/…": ["post", …]}`` for every /api/v1/ pattern that writes."""
    found: dict[str, list[str]] = {}

    def walk(resolver, prefix=""):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                route = prefix + str(pattern.pattern)
                view = getattr(pattern.callback, "view_class", None) or getattr(
                    pattern.callback, "cls", None)
                methods = [m for m in MUTATING if view is not None and hasattr(view, m)]
                if route.startswith("api/v1/") and methods:
                    found[route] = methods

    walk(get_resolver())
    return found


# route -> (the path on an object that is not the caller's, the body, the entitled roles)
ROWS = {
    "api/v1/auth/token/": ("/api/v1/auth/token/", {"username": "nobody", "password": "x"},
                           set(ROLES)),
    "api/v1/agencies/": ("/api/v1/agencies/", {}, set(ROLES)),  # registration is open (R1)
    "api/v1/agencies/<int:pk>/": ("/api/v1/agencies/{agency}/", {"address": "改"}, set()),
    "api/v1/agencies/<int:pk>/offers/<int:item_id>/": (
        "/api/v1/agencies/{agency}/offers/{item}/", {"fee": "1"}, set()),
    "api/v1/projects/": ("/api/v1/projects/", lambda w: w["posting"], {"purchaser"}),
    "api/v1/projects/<int:pk>/": ("/api/v1/projects/{draft}/", {"title": "改"}, set()),
    "api/v1/projects/<int:pk>/publish/": ("/api/v1/projects/{draft}/publish/", {}, set()),
    # A draft is its purchaser's: others do not even see it; only regulators decide reviews.
    "api/v1/projects/<int:pk>/review/": ("/api/v1/projects/{draft}/review/",
                                         {"legal_basis": "《中华人民共和国测绘法》第二十七条"}, set()),
    "api/v1/posting-reviews/<int:pk>/decide/": ("/api/v1/posting-reviews/{posting_review}/decide/",
                                                {"decision": "refuse", "reason": "无法律依据"},
                                                {"regulator"}),
    "api/v1/projects/<int:pk>/withdraw/": ("/api/v1/projects/{published}/withdraw/",
                                           {"reason": "x"}, set()),
    # Any agency may sign up for a published project (R1); cancelling needs a sign-up.
    "api/v1/projects/<int:pk>/signups/": ("/api/v1/projects/{published}/signups/", {},
                                          {"agency"}),
    "api/v1/projects/<int:pk>/bids/": ("/api/v1/projects/{live}/bids/", {"value": "90000"},
                                       set()),
    "api/v1/awards/<int:pk>/objections/": ("/api/v1/awards/{award}/objections/",
                                           {"text": "异议"}, set()),
    "api/v1/awards/<int:pk>/contract/": ("/api/v1/awards/{award}/contract/", {}, set()),
    "api/v1/awards/<int:pk>/contract/confirm/": ("/api/v1/awards/{award}/contract/confirm/",
                                                 {}, set()),
    "api/v1/awards/<int:pk>/refuse/": ("/api/v1/awards/{award}/refuse/", {"reason": "x"},
                                       set()),
    # only the award's purchaser declines it (two-sided accountability, R9)
    "api/v1/awards/<int:pk>/decline/": ("/api/v1/awards/{award}/decline/", {"reason": "x"},
                                        set()),
    "api/v1/awards/<int:pk>/deliveries/": ("/api/v1/awards/{award}/deliveries/", {}, set()),
    "api/v1/objections/<int:pk>/answer/": ("/api/v1/objections/{objection}/answer/",
                                           {"answer": "答复"}, set()),
    "api/v1/objections/<int:pk>/decide/": ("/api/v1/objections/{objection}/decide/",
                                           {"upheld": False}, {"regulator"}),
    "api/v1/deliveries/<int:pk>/accept/": ("/api/v1/deliveries/{delivery}/accept/", {}, set()),
    "api/v1/deliveries/<int:pk>/return/": ("/api/v1/deliveries/{delivery}/return/",
                                           {"reason": "x"}, set()),
    "api/v1/projects/<int:pk>/draw/": ("/api/v1/projects/{drawn}/draw/", {}, set()),
    # Only an agency signed up for that project (none of the roles here) may reveal.
    "api/v1/projects/<int:pk>/draw/reveal/": ("/api/v1/projects/{drawn}/draw/reveal/",
                                              {"contribution": "0" * 64}, set()),
    "api/v1/projects/<int:pk>/quote/": ("/api/v1/projects/{quoting}/quote/",
                                        {"quote": "80000"}, set()),
    "api/v1/projects/<int:pk>/open-quotes/": ("/api/v1/projects/{quoted}/open-quotes/", {},
                                              set()),
    # only an expert seated on the panel scores it (none of the roles here); regulators replace
    # the experts who missed the deadline
    "api/v1/panels/<int:pk>/scores/": ("/api/v1/panels/{panel}/scores/", lambda w: {
        "scores": {w["panel_signup"]: "50"}, "submit": True}, set()),
    "api/v1/panels/<int:pk>/replace/": ("/api/v1/panels/{panel}/replace/", {}, {"regulator"}),
    "api/v1/projects/<int:pk>/evaluate/": ("/api/v1/projects/{evaluated}/evaluate/", {}, set()),
    "api/v1/projects/<int:pk>/direct-pick/": ("/api/v1/projects/{picked}/direct-pick/",
                                              {"agency": "{agency}"}, set()),
    "api/v1/awards/<int:award_id>/ratings/": ("/api/v1/awards/{award}/ratings/", dict.fromkeys(
        ("quality", "timeliness", "attitude", "fees", "conduct"), 5), set()),
    "api/v1/sanctions/": ("/api/v1/sanctions/", {"agency": "{agency}", "kind": "warning",
                                                  "reason": "x"}, {"regulator"}),
    "api/v1/sanctions/<int:pk>/confirm/": ("/api/v1/sanctions/{sanction}/confirm/", {},
                                           {"regulator"}),
    "api/v1/sanctions/<int:pk>/reject/": ("/api/v1/sanctions/{sanction}/reject/",
                                          {"reason": "x"}, {"regulator"}),
    "api/v1/sanctions/<int:pk>/lift/": ("/api/v1/sanctions/{sanction}/lift/", {"reason": "x"},
                                        {"regulator"}),
    "api/v1/sanctions/<int:pk>/decide/": ("/api/v1/sanctions/{sanction}/decide/",
                                          {"upheld": False, "decision": "x"}, {"regulator"}),
    # only the sanctioned agency appeals; none of the roles here is that agency
    "api/v1/sanctions/<int:pk>/appeal/": ("/api/v1/sanctions/{sanction}/appeal/",
                                          {"text": "x"}, set()),
    # only the rated agency replies or appeals; regulators void and decide appeals
    # only the award's agency rates its purchaser; only the rated purchaser replies
    "api/v1/awards/<int:award_id>/purchaser-rating/": (
        "/api/v1/awards/{award}/purchaser-rating/", dict.fromkeys(
            ("clarity", "cooperation", "fairness", "payment"), 5), set()),
    "api/v1/purchaser-ratings/<int:pk>/reply/": (
        "/api/v1/purchaser-ratings/{purchaser_rating}/reply/", {"text": "x"}, set()),
    "api/v1/ratings/<int:pk>/reply/": ("/api/v1/ratings/{rating}/reply/", {"text": "x"}, set()),
    "api/v1/ratings/<int:pk>/appeal/": ("/api/v1/ratings/{rating}/appeal/", {"reason": "x"},
                                        set()),
    "api/v1/ratings/<int:pk>/void/": ("/api/v1/ratings/{rating}/void/", {"reason": "x"},
                                      {"regulator"}),
    "api/v1/rating-appeals/<int:pk>/decide/": ("/api/v1/rating-appeals/{rating_appeal}/decide/",
                                               {"uphold": False, "decision": "x"},
                                               {"regulator"}),
    # random inspections are the regulators' (R11)
    "api/v1/inspections/announce/": ("/api/v1/inspections/announce/", {
        "title": "抽查", "agency_count": 1, "inspector_count": 1}, {"regulator"}),
    "api/v1/inspections/<int:pk>/draw/": ("/api/v1/inspections/{inspection}/draw/", {},
                                          {"regulator"}),
    "api/v1/inspections/<int:pk>/publish/": ("/api/v1/inspections/{inspection}/publish/", {},
                                             {"regulator"}),
    "api/v1/inspection-findings/<int:pk>/": ("/api/v1/inspection-findings/{finding}/",
                                             {"result": "pass"}, {"regulator"}),
    # any signed-in organisation complains; the regulator of the region handles (issue 10)
    "api/v1/complaints/": ("/api/v1/complaints/", {}, {"purchaser", "agency", "approval",
                                                       "regulator"}),
    "api/v1/complaints/<int:pk>/handle/": ("/api/v1/complaints/{complaint}/handle/",
                                           {"decision": "accept"}, {"regulator"}),
    # only the agency itself keeps its qualifications
    "api/v1/agencies/<int:pk>/qualifications/": ("/api/v1/agencies/{agency}/qualifications/", {
        "name": "测绘资质", "grade": "乙级", "number": "Q1", "authority": "湖北省自然资源厅",
        "valid_until": "2030-12-31"}, set()),
    "api/v1/agencies/<int:pk>/qualifications/<int:qualification_id>/": (
        "/api/v1/agencies/{agency}/qualifications/{qualification}/", {}, set()),
    # "mine": an agency uploads to its own profile (entitled; the JSON body is a 415), every
    # other role is refused; a paper of another agency is not found.
    "api/v1/agencies/mine/papers/": ("/api/v1/agencies/mine/papers/", {}, {"agency"}),
    "api/v1/agencies/mine/papers/<int:paper_id>/": (
        "/api/v1/agencies/mine/papers/{paper}/", {"expires_on": "2099-01-01"}, set()),
    # An agency subscribes itself (entitled); a line of another agency is not found.
    "api/v1/subscriptions/": ("/api/v1/subscriptions/", {"item": "{item}"}, {"agency"}),
    "api/v1/subscriptions/<int:pk>/": ("/api/v1/subscriptions/{subscription}/", {}, set()),
    # one's own inbox only: another person's notification is not found; read-all marks one's own
    "api/v1/notifications/<int:pk>/read/": ("/api/v1/notifications/{notification}/read/", {},
                                            set()),
    "api/v1/notifications/read-all/": ("/api/v1/notifications/read-all/", {},
                                       {"purchaser", "agency", "approval", "regulator"}),
    # every organisation's members add their own webhook endpoints; another's is not found
    "api/v1/webhooks/": ("/api/v1/webhooks/", {}, {"purchaser", "agency", "approval",
                                                   "regulator"}),
    "api/v1/webhooks/<int:pk>/": ("/api/v1/webhooks/{webhook}/", {"active": False}, set()),
    "api/v1/webhooks/<int:pk>/rotate-secret/": ("/api/v1/webhooks/{webhook}/rotate-secret/",
                                                {}, set()),
    "api/v1/webhooks/<int:pk>/test/": ("/api/v1/webhooks/{webhook}/test/", {}, set()),
    # one's own settings only (the path names no one else's)
    "api/v1/notifications/preferences/": ("/api/v1/notifications/preferences/", {},
                                          {"purchaser", "agency", "approval", "regulator"}),
}


@pytest.fixture
def world():
    """Objects owned by other parties: a victim purchaser's projects in every state an endpoint
    acts on, an award with an objection and a delivery, a victim agency with an offer and a
    proposed sanction."""
    item = service_item()
    victim = agency(offers=[item])
    award = made_award()
    objection = Objection.objects.create(award=award, agency=award.project.signups.exclude(
        agency=award.agency).first().agency, text="异议")
    delivery = Delivery.objects.create(award=award, file=ContentFile(b"x", name="r.pdf"))
    sanction = Sanction.objects.create(agency=victim, kind=Sanction.Kind.WARNING,
                                       trigger=Sanction.Trigger.LOW_GRADE, reason="x",
                                       status=Sanction.Status.PROPOSED)
    quoting, _s = bf.selecting(method=Method.AVERAGE_PRICE,
                               selection_at=timezone.now() + dt.timedelta(hours=1))
    live, _s = bf.live_auction()
    evaluated = made_award(method=Method.COMPREHENSIVE)
    _p, panel_signups, panel = xf.panel_project()
    deadline = earliest_signup_deadline() + dt.timedelta(hours=3)
    posting = {  # a valid posting: only the role decides
        "item": item.pk, "title": "某片区控制性详细规划环评", "content": "编制规划环境影响报告书",
        "investment_code": "2611-420100-04-01-000077", "service_days": 40,
        "method": "random_draw", "amount": "80000.00", "signup_deadline": deadline.isoformat(),
        "selection_at": (deadline + dt.timedelta(days=1)).isoformat(),
        "enquiry_phone": "027-11112222", "complaint_phone": "027-33334444"}
    rated = rf.rating()
    purchaser_rated = purchaser_rating_submit(
        actor=rf.agency_user(rated.agency), award=rated.award, clarity=4, cooperation=4,
        fairness=4, payment=4)
    rating_appeal = RatingAppeal.objects.create(rating=rated, reason="评价不实",
                                                filed_by=rf.agency_user(rated.agency))
    rf.inspectors(2)
    inspector = regulator_user()
    inspection = inspection_announce(actor=inspector, title="抽查", agency_count=1,
                                     inspector_count=1)
    inspection_draw(actor=inspector, inspection=inspection)
    finding = InspectionFinding.objects.filter(inspection=inspection).first()
    qualification = Qualification.objects.create(
        agency=victim, name="测绘资质", grade="乙级", number="Q9", authority="湖北省自然资源厅",
        valid_until=dt.date(2030, 12, 31))
    complainant = purchaser_user()
    complaint = Complaint.objects.create(
        number="TS2026999999", complainant=complainant,
        complainant_org=complainant.member.organisation, subject=Complaint.Subject.AGENCY,
        category=Complaint.Category.CONDUCT, agency=victim, text="机构未按合同约定提供服务" * 3,
        accept_by=timezone.now(), decide_by=timezone.now())
    reviewed = bf.draft(other_requirements="须具有本市业绩")
    posting_review = PostingReview.objects.create(
        project=reviewed, requested_by=reviewed.created_by, legal_basis="《某条例》第三条",
        flagged=[{"field": "other_requirements", "phrase": "本市业绩", "rule": "R4",
                  "category": "past_work", "message": "…"}],
        snapshot={"other_requirements": reviewed.other_requirements})
    notification, = delivered(purchaser_user(), 1)
    return {
        "notification": notification.pk,
        "webhook": webhook_endpoint("https://case.example.gov.cn/hook").pk,
        "complaint": complaint.pk, "purchaser_rating": purchaser_rated.pk,
        "posting_review": posting_review.pk,
        "rating": rated.pk, "rating_appeal": rating_appeal.pk, "inspection": inspection.pk,
        "finding": finding.pk, "qualification": qualification.pk,
        "paper": paper(victim, content=png_bytes()).pk,
        "agency": victim.pk, "item": item.pk, "draft": bf.draft().pk,
        "subscription": Subscription.objects.create(agency=victim, item=item).pk,
        "published": bf.project().pk, "live": live.pk, "award": award.pk,
        "objection": objection.pk, "delivery": delivery.pk, "sanction": sanction.pk,
        "quoting": quoting.pk,
        # decided already: the permission must be checked before the shortcut (issue 8)
        "drawn": made_award(method=Method.RANDOM_DRAW).project_id,
        "quoted": made_award(method=Method.AVERAGE_PRICE).project_id,
        "evaluated": evaluated.project_id, "panel": panel.pk,
        "panel_signup": str(panel_signups[0].pk),
        "posting": posting,
        "picked": made_award(method=Method.DIRECT).project_id,
    }


def client_as(role: str) -> APIClient:
    api = APIClient()
    users = {"purchaser": purchaser_user, "agency": lambda: agency_user(agency()),
             "approval": approval_user_of, "regulator": regulator_user}
    if role != "anonymous":
        api.force_authenticate(users[role]())
    return api


def test_every_mutating_endpoint_has_a_row():
    routes = mutating_routes()
    assert sorted(set(routes) - set(ROWS)) == [], "add a row to ROWS for each new endpoint"
    assert sorted(set(ROWS) - set(routes)) == [], "ROWS names an endpoint that is gone"


@pytest.mark.parametrize("role", ROLES)
def test_every_mutating_endpoint_refuses_a_party_it_is_not_for(role, world):
    api = client_as(role)
    wrong = []
    for route, methods in sorted(mutating_routes().items()):
        path, body, entitled = ROWS[route]
        path = path.format(**world)
        body = body(world) if callable(body) else {
            k: v.format(**world) if isinstance(v, str) else v for k, v in body.items()}
        for method in methods:
            response = getattr(api, method)(path, body, format="json")
            status = response.status_code
            if status >= 500 or (role not in entitled and status not in REFUSED):
                wrong.append(f"{method.upper()} {path} as {role}: {status} "
                             f"{response.content.decode()[:160]}")
    assert not wrong, "\n".join(wrong)


# --- the selection methods: permission before "already decided" ------------------------------

@pytest.mark.parametrize("method, action", [(Method.RANDOM_DRAW, "draw"),
                                            (Method.AVERAGE_PRICE, "open-quotes"),
                                            (Method.COMPREHENSIVE, "evaluate")])
@pytest.mark.parametrize("decided", [True, False])
def test_only_the_purchaser_runs_a_selection_decided_or_not(method, action, decided):
    if decided:
        project = made_award(method=method).project
    else:
        project, _s = bf.selecting(method=method)
    for outsider in (purchaser_user(), agency_user(agency()), regulator_user(),
                     approval_user_of()):
        api = APIClient()
        api.force_authenticate(outsider)
        response = api.post(f"/api/v1/projects/{project.pk}/{action}/", {}, format="json",
                            HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 403, (outsider, response.content)
        assert response.json()["detail"] == "Only the purchaser of this project may run its " \
            "selection."
    assert project.awards.count() == (1 if decided else 0)


def test_the_purchaser_still_gets_the_decided_award_back():
    award = made_award(method=Method.RANDOM_DRAW)
    api = APIClient()
    api.force_authenticate(award.project.created_by)
    response = api.post(f"/api/v1/projects/{award.project_id}/draw/", {}, format="json")
    assert response.status_code == 201 and response.json()["id"] == award.pk


def test_a_direct_pick_on_a_decided_project_is_refused_to_an_outsider():
    award = made_award(method=Method.DIRECT, bidders=1)
    api = APIClient()
    api.force_authenticate(purchaser_user())
    response = api.post(f"/api/v1/projects/{award.project_id}/direct-pick/",
                        {"agency": award.agency_id}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    assert response.json()["detail"] == "Only the purchaser of this project may pick the agency."


# --- regulators supervise; they do not act for the parties ------------------------------------

def test_a_regulator_may_not_change_an_agencys_profile_or_offers():
    item = service_item()
    victim = agency(offers=[item])
    api = APIClient()
    api.force_authenticate(regulator_user())
    assert api.patch(f"/api/v1/agencies/{victim.pk}/", {"address": "改"},
                     format="json").status_code == 403
    assert api.put(f"/api/v1/agencies/{victim.pk}/offers/{item.pk}/", {"fee": "1"},
                   format="json").status_code == 403
    assert api.delete(f"/api/v1/agencies/{victim.pk}/offers/{item.pk}/").status_code == 403
    victim.refresh_from_db()
    assert victim.address != "改" and victim.partner.stockrecords.count() == 1


def test_a_regulator_may_not_run_another_purchasers_draw():
    project, _s = bf.selecting(method=Method.RANDOM_DRAW)
    api = APIClient()
    api.force_authenticate(regulator_user())
    assert api.post(f"/api/v1/projects/{project.pk}/draw/", {}, format="json").status_code == 403
    assert not project.awards.exists()
