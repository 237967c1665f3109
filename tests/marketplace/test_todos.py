"""To-dos per role on the account page and in ``/api/v1/todos/`` (core/todos.py and the
providers the apps register), and the rating form linked from the award page."""
from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from agencies.models import Agency
from bidding.models import Award, DrawCommitment, Objection, Project
from bidding.services import contracts, deliveries, draws, objections
from core.models import Region
from core.todos import todos_for
from core.workdays import add_working_days, calendar_source, working_days_between
from credit.models import Sanction
from ratings.services.purchasers import purchaser_rating_submit
from ratings.services.ratings import rating_appeal
from supervision.services.complaints import complaint_accept, complaint_file
from tests.bidding.test_draw_commit_reveal import World
from tests.factories import bidding as bf
from tests.factories import experts as ef
from tests.factories import ratings as rf
from tests.factories.awards import approval_user_of
from tests.factories.core import purchaser_user, regulator_user
from tests.marketplace.test_translations import _check_chinese

pytestmark = pytest.mark.django_db
Method = Project.Method
FACTS = "招标文件要求“须在本市设有分公司”，属于以不合理条件限制、排斥潜在供应商，请求责令修改。"


def user_of(agency):
    return agency.organisation.members.first().user


def pdf(name="contract.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 test", content_type="application/pdf")


def drawn(bidders=3, **fields):
    project, _signups = bf.selecting(method=Method.RANDOM_DRAW, bidders=bidders, **fields)
    return draws.draw_run(actor=project.created_by, project=project)


def contracting(award):
    """``award`` past its objection period, so its contract may be signed."""
    Award.objects.filter(pk=award.pk).update(
        objection_until=timezone.now() - dt.timedelta(minutes=1))
    award.refresh_from_db()
    return award


def in_service(award=None):
    award = contracting(award or drawn())
    contracts.contract_upload(actor=award.project.created_by, award=award, file=pdf())
    contracts.contract_confirm(actor=user_of(award.agency), award=award)
    award.refresh_from_db()
    return award


def kinds(user, **kw):
    return [t.kind for t in todos_for(user, **kw)]


def one(user, kind):
    found = [t for t in todos_for(user) if t.kind == kind]
    assert len(found) == 1, [t.kind for t in todos_for(user)]
    return found[0]


def check_account_in_chinese(client, user):
    """The account page of ``user`` has no English word (its login name, ``user12`` from the
    factory, is data: shortened to one letter and digits)."""
    type(user).objects.filter(pk=user.pk).update(username=f"u{user.pk}")
    user.refresh_from_db()
    client.force_login(user)
    _check_chinese(client, "/account/")


def assert_link_works(client, user, todo):
    client.force_login(user)
    assert client.get(todo.url).status_code == 200, todo.url


# --- purchaser --------------------------------------------------------------------------------


def test_purchaser_sees_the_contract_to_upload_with_its_deadline_in_working_days(client):
    award = contracting(drawn())
    purchaser = award.project.created_by
    todo = one(purchaser, "contract.sign")
    expected = add_working_days(award.objection_until, settings.MARKETPLACE[
        "CONTRACT_WORKING_DAYS"])
    assert todo.deadline == expected and todo.subject == award.project.title
    assert todo.working_days_left == working_days_between(timezone.now(), expected)
    assert not todo.overdue
    assert_link_works(client, purchaser, todo)
    # the agency also has its part to do; a stranger purchaser has nothing
    assert "contract.sign" in kinds(user_of(award.agency))
    other = drawn()
    assert "contract.sign" not in kinds(other.project.created_by)


def test_contract_uploaded_by_one_side_is_the_other_sides_to_do_and_gone_once_confirmed():
    award = contracting(drawn())
    purchaser, agency = award.project.created_by, user_of(award.agency)
    contracts.contract_upload(actor=purchaser, award=award, file=pdf())
    award.refresh_from_db()
    assert "contract.sign" not in kinds(purchaser)
    todo = one(agency, "contract.sign")
    assert todo.deadline == award.contract_deadline
    contracts.contract_confirm(actor=agency, award=award)
    assert "contract.sign" not in kinds(agency)
    assert "contract.sign" not in kinds(purchaser)


def test_no_contract_to_do_during_the_objection_period():
    award = drawn()
    assert "contract.sign" not in kinds(award.project.created_by)


def test_agency_delivers_within_the_service_time_limit_and_overdue_shows(client):
    award = in_service()
    agency = user_of(award.agency)
    todo = one(agency, "delivery.submit")
    due = add_working_days(award.contract.confirmed_at, award.project.service_days)
    assert todo.deadline == due and not todo.overdue
    assert_link_works(client, agency, todo)
    later = due + dt.timedelta(days=3)
    late = [t for t in todos_for(agency, now=later) if t.kind == "delivery.submit"][0]
    assert late.overdue and late.working_days_left <= 0
    client.force_login(agency)
    page = client.get("/account/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "在服务时限内提交成果" in page


def test_delivery_to_accept_then_rating_to_give_then_gone_once_rated(client):
    award = in_service()
    purchaser, agency = award.project.created_by, user_of(award.agency)
    delivery = deliveries.delivery_submit(actor=agency, award=award, file=pdf("r.pdf"), note="")
    assert "delivery.submit" not in kinds(agency)
    todo = one(purchaser, "delivery.decide")
    assert_link_works(client, purchaser, todo)
    deliveries.delivery_accept(actor=purchaser, delivery=delivery)
    assert "delivery.decide" not in kinds(purchaser)
    award.refresh_from_db()
    give = one(purchaser, "rating.give")
    assert give.url == f"/ratings/award/{award.pk}/"
    delivery.refresh_from_db()
    assert give.deadline == add_working_days(delivery.modified,
                                             settings.MARKETPLACE["RATING_WORKING_DAYS"])
    assert_link_works(client, purchaser, give)
    assert "rate-form" in client.get(give.url).content.decode()
    # the agency rates the purchaser in the same window
    rate_purchaser = one(agency, "purchaser_rating.give")
    assert rate_purchaser.url == f"/ratings/award/{award.pk}/purchaser/"
    assert_link_works(client, agency, rate_purchaser)
    rf.rating(award)
    assert "rating.give" not in kinds(purchaser)
    answer = one(agency, "rating.answer")
    assert_link_works(client, agency, answer)
    purchaser_rating_submit(actor=agency, award=award, clarity=4, cooperation=5, fairness=4,
                            payment=5, comment="配合良好。")
    assert "purchaser_rating.give" not in kinds(agency)
    assert_link_works(client, purchaser, one(purchaser, "purchaser_rating.reply"))


def test_rating_to_do_disappears_when_the_window_closes():
    award = rf.accept(drawn(), accepted_at=timezone.now() - dt.timedelta(days=40))
    assert "rating.give" not in kinds(award.project.created_by)
    assert "purchaser_rating.give" not in kinds(user_of(award.agency))


def test_objection_to_answer_for_the_purchaser_only(client):
    project, signups = bf.selecting(method=Method.RANDOM_DRAW, bidders=3)
    award = draws.draw_run(actor=project.created_by, project=project)
    loser = next(s.agency for s in signups if s.agency_id != award.agency_id)
    objection = objections.objection_file(actor=user_of(loser), award=award, text="报价有误。")
    todo = one(project.created_by, "objection.answer")
    assert_link_works(client, project.created_by, todo)
    objections.objection_answer(actor=project.created_by, objection=objection, answer="已核实。")
    assert "objection.answer" not in kinds(project.created_by)
    assert Objection.objects.get(pk=objection.pk).status == Objection.Status.ANSWERED
    assert one(regulator_user(), "objection.decide").count == 1


def test_a_suspended_winner_puts_the_decline_decision_before_the_purchaser(client):
    award = drawn()
    purchaser = award.project.created_by
    assert "award.decline" not in kinds(purchaser)
    Agency.objects.filter(pk=award.agency_id).update(standing=Agency.Standing.SUSPENDED)
    todo = one(purchaser, "award.decline")
    assert_link_works(client, purchaser, todo)
    contracts.award_decline(actor=purchaser, award=award, reason="中选机构已被暂停。")
    assert "award.decline" not in kinds(purchaser)


def test_direct_selection_is_the_purchasers_step(client):
    project, _s = bf.selecting(method=Method.DIRECT, bidders=0)
    todo = one(project.created_by, "selection.run")
    assert todo.url == f"/projects/{project.pk}/selection/"
    assert_link_works(client, project.created_by, todo)


# --- agency -----------------------------------------------------------------------------------


def test_agency_sees_its_sanction_with_end_date_and_appeal(client):
    award = drawn()
    agency = award.agency
    ends = timezone.now() + dt.timedelta(days=30)
    sanction = Sanction.objects.create(agency=agency, kind=Sanction.Kind.SUSPENSION,
                                       status=Sanction.Status.ACTIVE,
                                       trigger=Sanction.Trigger.REGULATOR, reason="违规",
                                       starts_at=timezone.now(), ends_at=ends)
    todo = one(user_of(agency), "sanction.active")
    assert timezone.localtime(ends).strftime("%Y-%m-%d") in todo.detail
    assert "you may appeal" in todo.detail
    assert_link_works(client, user_of(agency), todo)
    Sanction.objects.filter(pk=sanction.pk).update(status=Sanction.Status.LIFTED)
    assert "sanction.active" not in kinds(user_of(agency))
    # a proposed sanction: the agency's to-do and the regulators' queue
    Sanction.objects.create(agency=agency, kind=Sanction.Kind.WARNING,
                            status=Sanction.Status.PROPOSED,
                            trigger=Sanction.Trigger.REGULATOR, reason="违规")
    assert one(user_of(agency), "sanction.proposed").url.startswith("/credit/sanctions/")
    regulator = regulator_user()
    line = one(regulator, "sanction.confirm")
    assert line.count == 1
    assert_link_works(client, regulator, line)


def test_agency_reveals_its_draw_contribution_while_the_window_is_open(client):
    world = World(n=3, committing=(0, 1))
    world.close(selection_in=dt.timedelta(hours=2))
    committed, silent = user_of(world.agencies[0]), user_of(world.agencies[2])
    todo = one(committed, "draw.reveal")
    assert todo.deadline == DrawCommitment.objects.get(project=world.project).reveal_ends_at
    assert_link_works(client, committed, todo)
    assert "draw.reveal" not in kinds(silent)
    world.reveal(0)
    assert "draw.reveal" not in kinds(committed)
    assert "draw.reveal" in kinds(user_of(world.agencies[1]))
    world.end_window()
    assert "draw.reveal" not in kinds(user_of(world.agencies[1]))


# --- expert, regulator ------------------------------------------------------------------------


def test_expert_sees_its_panel_with_the_scoring_deadline(client):
    _project, _signups, panel = ef.panel_project(experts=3, bidders=3)
    expert = ef.seated_users(panel)[0]
    todo = one(expert, "panel.score")
    assert todo.deadline == panel.deadline and todo.deadline is not None
    assert_link_works(client, expert, todo)
    check_account_in_chinese(client, expert)
    assert "panel.score" not in kinds(regulator_user())


def test_regulator_queues_are_counted_within_its_jurisdiction(client):
    hubei = Region.objects.get(code="420000")
    guangxi = Region.objects.get(code="450000")
    rating = rf.rating(rf.accepted_award())
    rating_appeal(actor=user_of(rating.agency), rating=rating, reason="评价不实。")
    whole = regulator_user()
    local = regulator_user(region=hubei)
    far = regulator_user(region=guangxi)
    assert one(whole, "rating_appeal.decide").count == 1
    assert one(local, "rating_appeal.decide").count == 1
    assert "rating_appeal.decide" not in kinds(far)
    assert_link_works(client, local, one(local, "rating_appeal.decide"))


def test_regulator_complaint_line_carries_the_soonest_deadline(client):
    first = complaint_file(actor=purchaser_user(), subject="posting", category="designation",
                           text=FACTS, project=bf.project())
    second = complaint_file(actor=purchaser_user(), subject="posting", category="designation",
                            text=FACTS, project=bf.project())
    regulator = regulator_user()
    complaint_accept(actor=regulator, complaint=first)
    first.refresh_from_db()
    line = one(regulator, "complaint.handle")
    # the received one is due for acceptance, the accepted one for a decision: the soonest wins
    assert line.count == 2 and line.deadline == min(second.accept_by, first.decide_by)
    assert line.working_days_left == working_days_between(timezone.now(), line.deadline)
    assert_link_works(client, regulator, line)
    far = regulator_user(region=Region.objects.get(code="450000"))
    assert "complaint.handle" not in kinds(far)
    check_account_in_chinese(client, regulator)


# --- the account page, the API ----------------------------------------------------------------


def test_account_page_names_the_role_and_lists_the_to_dos_in_chinese(client):
    award = contracting(drawn())
    purchaser = award.project.created_by
    client.force_login(purchaser)
    page = client.get("/account/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "事项要素" not in page
    assert "项目业主（企业）待办事项" in page and "项目业主（企业）账户" in page
    assert f'href="/awards/{award.pk}/#contract"' in page
    assert "个工作日" in page
    for user in (purchaser, user_of(award.agency), regulator_user()):
        check_account_in_chinese(client, user)


def test_approval_department_gets_no_empty_to_do_card(client):
    approval = approval_user_of()
    client.force_login(approval)
    page = client.get("/account/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'id="todos"' not in page and "审批部门账户" in page
    assert todos_for(approval) == []


def test_api_lists_only_the_users_own_to_dos(client):
    award = contracting(drawn())
    other = contracting(drawn())
    client.force_login(award.project.created_by)
    body = client.get("/api/v1/todos/").json()
    urls = [t["url"] for t in body]
    assert f"/awards/{award.pk}/#contract" in urls
    assert f"/awards/{other.pk}/#contract" not in urls
    item = next(t for t in body if t["kind"] == "contract.sign")
    assert item["deadline"] and isinstance(item["working_days_left"], int)
    client.logout()
    assert client.get("/api/v1/todos/").status_code in (401, 403)


def test_account_page_query_count_does_not_grow_with_the_items(client,
                                                               django_assert_max_num_queries):
    """13 queries measured with 21 items of four kinds (SQLite), the signing deadlines two
    years ahead, in years the calendar library does not know (each year's imported schedule is
    read once for the page, not once per deadline: ``core/workdays.py::one_calendar``)."""
    award = contracting(drawn())
    purchaser = award.project.created_by
    for _i in range(5):
        contracting(drawn(owner=purchaser))
        bf.selecting(method=Method.DIRECT, bidders=0, owner=purchaser)
        rf.accepted_award(owner=purchaser)
        serving = in_service(drawn(owner=purchaser))
        deliveries.delivery_submit(actor=user_of(serving.agency), award=serving,
                                   file=pdf("r.pdf"), note="")
    later = timezone.now() + dt.timedelta(days=730)
    assert calendar_source(later.year) == "estimate"
    Award.objects.filter(project__purchaser=award.project.purchaser,
                         status=Award.Status.NOTICE).update(contract_deadline=later)
    found = [t.kind for t in todos_for(purchaser)]
    assert {k: found.count(k) for k in set(found)} == {
        "contract.sign": 6, "selection.run": 5, "rating.give": 5, "delivery.decide": 5}
    client.force_login(purchaser)
    # A fixed budget for 21 items: one query per kind of to-do (posting reviews included), one
    # per estimated year the deadlines fall in (an imported schedule may exist), the top bar's
    # unread count; never one per item.
    with django_assert_max_num_queries(18):
        response = client.get("/account/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    page = response.content.decode()
    assert response.status_code == 200 and page.count("去办理") == 21
    # the deadlines in an estimated year: the page says so (core/workdays.py::calendar_note)
    assert "全国年节及纪念日放假办法" in page


def won_by(agency, item):
    """An award to ``agency`` (a random draw on ``item``, an item it offers, it alone signed up
    for) past its objection period."""
    project, _s = bf.selecting(method=Method.RANDOM_DRAW, bidders=0, item=item)
    bf.signup(project=project, agency=agency)
    return contracting(draws.draw_run(actor=project.created_by, project=project))


def test_agency_account_page_query_count_does_not_grow_with_the_items(
        client, django_assert_max_num_queries):
    """One agency with contracts to sign, results to deliver, ratings to answer and purchasers
    to rate: the same budget at 1 item (14 queries measured on SQLite) and at 13."""
    first = contracting(drawn())
    agency = first.agency
    client.force_login(user_of(agency))
    with django_assert_max_num_queries(16):
        client.get("/account/")
    item = first.project.item
    for _i in range(3):
        won_by(agency, item)
        in_service(won_by(agency, item))
        rf.rating(rf.accept(won_by(agency, item)))
    found = [t.kind for t in todos_for(user_of(agency))]
    assert {k: found.count(k) for k in set(found)} == {
        "contract.sign": 4, "delivery.submit": 3, "rating.answer": 3,
        "purchaser_rating.give": 3}
    with django_assert_max_num_queries(16):
        response = client.get("/account/")
    assert response.content.decode().count("去办理") == 13


# --- the rating form linked -------------------------------------------------------------------


def test_award_page_links_the_rating_form_for_its_purchaser_only(client):
    award = in_service()
    purchaser, agency = award.project.created_by, user_of(award.agency)
    delivery = deliveries.delivery_submit(actor=agency, award=award, file=pdf("r.pdf"), note="")
    client.force_login(purchaser)
    response = client.post(f"/deliveries/{delivery.pk}/accept/")
    assert response.status_code == 302 and response["Location"].endswith("#rating")
    page = client.get(response["Location"]).content.decode()
    assert f'id="rate-agency" href="/ratings/award/{award.pk}/"' in page
    client.force_login(agency)
    page = client.get(f"/awards/{award.pk}/").content.decode()
    assert 'id="rate-agency"' not in page
    assert f'id="rate-purchaser" href="/ratings/award/{award.pk}/purchaser/"' in page
    client.logout()
    page = client.get(f"/awards/{award.pk}/").content.decode()
    assert 'id="rate-agency"' not in page and 'id="rate-purchaser"' not in page
    award.refresh_from_db()
    rf.rating(award)
    client.force_login(purchaser)
    page = client.get(f"/awards/{award.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'id="rate-agency"' not in page
    assert f'id="view-rating" href="/ratings/award/{award.pk}/"' in page
    _check_chinese(client, f"/awards/{award.pk}/")
    # and back: the rating pages lead to the award notice
    for url in (f"/ratings/award/{award.pk}/", f"/ratings/award/{award.pk}/purchaser/"):
        assert f'href="/awards/{award.pk}/"' in client.get(url).content.decode()


def test_posting_reviews_are_the_regulators_to_do_then_the_purchasers():
    """A posting sent for review under a law's article waits in the regulator's to-dos (within
    its jurisdiction); once decided, the purchaser is told to publish or to rewrite it."""
    from bidding.services.reviews import posting_review_decide, posting_review_request
    from tests.bidding.test_posting_reviews import ARTICLE, PHRASE
    from tests.bidding.test_rules import _valid

    project = _valid(other_requirements=PHRASE)
    review = posting_review_request(actor=project.created_by, project=project,
                                    legal_basis=ARTICLE)
    regulator = regulator_user()
    line = [t for t in todos_for(regulator) if t.kind == "posting_review.decide"]
    assert line and line[0].count == 1
    assert not [t for t in todos_for(project.created_by) if t.kind == "posting_review.decided"]
    posting_review_decide(actor=regulator, review=review, approve=True,
                          reason="该条例确有规定，限于本项目")
    assert not [t for t in todos_for(regulator) if t.kind == "posting_review.decide"]
    mine = [t for t in todos_for(project.created_by) if t.kind == "posting_review.decided"]
    assert len(mine) == 1 and mine[0].url == project.get_absolute_url()
