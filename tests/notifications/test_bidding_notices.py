"""Each bidding service tells the parties what concerns them, in its own transaction, through
the outbox (docs/architecture.md, "Notifications"). The walk from posting to rating is
tests/notifications/test_whole_project.py; here, the branches it does not take."""
from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.utils import timezone, translation

from agencies.models import Agency
from bidding.models import Award, Contract, Panel, Project, SignUp
from bidding.notices import KINDS
from bidding.services import contracts, deliveries, draws, methods, objections, panels
from bidding.services.auctions import auction_close, bid_place
from bidding.services.closing import signups_close
from bidding.services.postings import project_withdraw, project_withdraw_ordered
from bidding.services.reviews import posting_review_decide, posting_review_request
from bidding.services.signups import signup_cancel, signup_create
from core.errors import Conflict
from notifications.kinds import kind_spec, render
from notifications.models import InboxItem, Notification
from tests.bidding.test_posting_reviews import ARTICLE, _flagged
from tests.factories import bidding as bf
from tests.factories import experts as xf
from tests.factories.awards import made_award
from tests.factories.core import region, regulator_user

pytestmark = pytest.mark.django_db
Method = Project.Method


def user_of(agency):
    return agency.organisation.members.first().user


def pdf(name="contract.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 test", content_type="application/pdf")


def kinds(user) -> list[str]:
    return sorted(Notification.objects.filter(user=user).values_list("kind", flat=True))


def told(*kinds_) -> set[tuple[int, str]]:
    """(user id, kind) of every intent of ``kinds_``."""
    return set(Notification.objects.filter(kind__in=kinds_).values_list("user_id", "kind"))


def after_objection_period(award):
    Award.objects.filter(pk=award.pk).update(
        objection_until=timezone.now() - dt.timedelta(minutes=1))
    award.refresh_from_db()
    return award


# --- the kinds --------------------------------------------------------------------------------


def test_every_bidding_kind_reads_in_chinese_and_urgent_only_where_a_deadline_penalises():
    data = {k: "X" for k in ("project", "agency", "deadline", "reason", "purchaser",
                             "legal_basis", "method", "at", "start", "end", "price", "until",
                             "rank", "objector", "decision", "by", "due", "party", "count")}
    for code in KINDS:
        title_en, body_en = render(code, data, "en")
        title_zh, body_zh = render(code, data, "zh-hans")
        assert title_zh != title_en and body_zh != body_en, code
        assert "%(" not in body_zh and "%(" not in body_en, code
    urgent = {code for code in KINDS if kind_spec(code).urgent}
    assert urgent == {"contract.uploaded", "delivery.overdue", "panel.seated"}


# --- sign-ups -----------------------------------------------------------------------------------


def test_a_sign_up_and_its_cancellation_tell_only_the_agency_while_sign_ups_are_confidential():
    project = bf.project()
    one, other = bf.bidding_agency(project), bf.bidding_agency(project)
    with translation.override("en"):
        signup_create(actor=user_of(other), project=project)
        signup_create(actor=user_of(one), project=project)
        signup_cancel(actor=user_of(one), project=project)
        signup_create(actor=user_of(one), project=project)  # again: told again
    assert kinds(user_of(one)) == ["signup.cancelled", "signup.received", "signup.received"]
    assert kinds(user_of(other)) == ["signup.received"]
    assert kinds(project.created_by) == []
    names = {n.data["agency"] for n in Notification.objects.filter(user=user_of(one))}
    assert names == {one.name}


def test_a_refused_sign_up_notifies_nobody():
    project = bf.project(signup_deadline=timezone.now() - dt.timedelta(minutes=1))
    agency = bf.bidding_agency(project)
    with pytest.raises(Conflict):
        signup_create(actor=user_of(agency), project=project)
    assert not Notification.objects.exists()


def test_too_few_sign_ups_fail_the_project_and_tell_the_purchaser_and_the_agency():
    project = bf.project(signup_deadline=timezone.now() - dt.timedelta(minutes=1))
    lone = bf.signup(project=project)
    signups_close(project=project)
    project.refresh_from_db()
    assert project.status == Project.Status.FAILED
    assert told("project.failed", "signup.closed", "selection.admitted") == {
        (project.created_by.pk, "project.failed"), (user_of(lone.agency).pk, "project.failed")}
    n = Notification.objects.get(user=project.created_by)
    assert n.data == {"project": project.title, "reason": project.status_reason}
    assert "流标" in n.data["reason"]


def test_a_single_valid_live_bidder_is_admitted_and_awarded_at_once():
    project = bf.project(signup_deadline=timezone.now() - dt.timedelta(minutes=1))
    lone, *dropped = (bf.signup(project=project) for _i in range(3))
    Agency.objects.filter(pk__in=[s.agency_id for s in dropped]).update(
        standing=Agency.Standing.SUSPENDED)
    signups_close(project=project)
    assert kinds(project.created_by) == ["award.made", "signup.closed"]
    assert kinds(user_of(lone.agency)) == ["award.made", "selection.admitted"]
    for s in dropped:  # not admitted; told of the result, to which they may object
        assert kinds(user_of(s.agency)) == ["award.published", "signup.closed"]
    assert Notification.objects.get(user=project.created_by, kind="signup.closed").data == {
        "project": project.title, "count": 3}


# --- selection results --------------------------------------------------------------------------


def test_an_auction_without_bids_fails_and_tells_purchaser_and_bidders():
    project, signups = bf.live_auction(bidders=2)
    auction_close(project=project, now=project.auction_ends_at + dt.timedelta(seconds=1))
    expected = {(project.created_by.pk, "project.failed")} | {
        (user_of(s.agency).pk, "project.failed") for s in signups}
    assert told(*KINDS, "award.made") == expected


def test_the_first_extension_of_an_auction_tells_purchaser_and_bidders_and_later_ones_nobody():
    project, signups = bf.live_auction(bidders=3, minutes=2)  # inside the anti-sniping window
    for signup, value in zip(signups, ("99000", "98000", "97000"), strict=True):
        bid_place(actor=user_of(signup.agency), project=project, value=value)
    project.refresh_from_db()
    assert project.auction_extensions == 3
    expected = {(project.created_by.pk, "auction.extended")} | {
        (user_of(s.agency).pk, "auction.extended") for s in signups}
    assert told("auction.extended") == expected
    assert Notification.objects.filter(kind="auction.extended").count() == len(expected)
    note = Notification.objects.filter(kind="auction.extended").first()
    assert note.url == f"/projects/{project.pk}/auction/"


def test_a_bid_before_the_last_minutes_extends_nothing_and_tells_nobody():
    project, signups = bf.live_auction(bidders=2, minutes=30)
    bid_place(actor=user_of(signups[0].agency), project=project, value="99000")
    project.refresh_from_db()
    assert project.auction_extensions == 0
    assert not Notification.objects.filter(kind="auction.extended").exists()


@pytest.mark.parametrize("method", [Method.RANDOM_DRAW, Method.AVERAGE_PRICE])
def test_a_draw_or_the_opened_quotes_tell_the_winner_and_purchaser_and_publish_to_the_others(
        method):
    project, signups = bf.selecting(method=method, bidders=3)
    if method == Method.AVERAGE_PRICE:
        for i, s in enumerate(signups):
            SignUp.objects.filter(pk=s.pk).update(quote=f"{90000 + 1000 * i}",
                                                  quoted_at=timezone.now())
        run = methods.quotes_open
    else:
        run = draws.draw_run
    award = run(actor=project.created_by, project=project)
    winner = user_of(award.agency)
    others = {user_of(s.agency).pk for s in signups if s.agency_id != award.agency_id}
    assert told("award.made", "award.published") == (
        {(project.created_by.pk, "award.made"), (winner.pk, "award.made")}
        | {(pk, "award.published") for pk in others})
    n = Notification.objects.get(user=winner)
    assert n.url == f"/awards/{award.pk}/" and n.data["price"] == str(award.price)
    # Run again: the existing award, nobody told twice.
    assert run(actor=project.created_by, project=project) == award
    assert Notification.objects.count() == 2 + len(others)


def test_a_direct_pick_tells_the_picked_agency():
    project = bf.project(method=Method.DIRECT)
    agency = bf.bidding_agency(project)
    methods.direct_pick(actor=project.created_by, project=project, agency=agency)
    assert told("award.made", "award.published") == {
        (project.created_by.pk, "award.made"), (user_of(agency).pk, "award.made")}


# --- postings -----------------------------------------------------------------------------------


def test_a_withdrawn_posting_tells_the_agencies_signed_up_and_an_ordered_one_the_purchaser_too():
    project = bf.project()
    s1, s2 = bf.signup(project=project), bf.signup(project=project)
    project_withdraw(actor=project.created_by, project=project, reason="项目取消，另行安排")
    assert told("posting.withdrawn") == {(user_of(s.agency).pk, "posting.withdrawn")
                                         for s in (s1, s2)}
    other = bf.project()
    project_withdraw_ordered(actor=regulator_user(), project=other, reason="投诉成立，责令撤回")
    assert (other.created_by.pk, "posting.withdrawn") in told("posting.withdrawn")


def test_a_review_request_reaches_the_regulators_over_the_project_and_the_decision_the_purchaser():
    project = _flagged(region=region("420100"))
    here, everywhere = regulator_user(region=region("420000")), regulator_user()
    away = regulator_user(region=region("110000"))
    review = posting_review_request(actor=project.created_by, project=project,
                                    legal_basis=ARTICLE)
    assert told("posting_review.requested") == {(here.pk, "posting_review.requested"),
                                                (everywhere.pk, "posting_review.requested")}
    assert kinds(away) == []
    n = Notification.objects.get(user=here)
    assert n.url == "/regulator/posting-reviews/" and n.data["legal_basis"] == ARTICLE
    posting_review_decide(actor=here, review=review, approve=False, reason="不属于特别规定情形")
    assert kinds(project.created_by) == ["posting_review.refused"]


# --- after the award ----------------------------------------------------------------------------


def test_an_upheld_objection_tells_the_parties_and_offers_the_award_to_the_next():
    award = made_award(method=Method.RANDOM_DRAW, bidders=3, computation=None)
    project = award.project
    ranking = [{"signup": s.pk, "price": "78000.00", "quote": None}
               for s in project.signups.order_by("pk")]
    Award.objects.filter(pk=award.pk).update(computation={"method": "random_draw",
                                                          "ranking": ranking})
    award.refresh_from_db()
    objector = next(s for s in project.signups.all() if s.agency_id != award.agency_id)
    regulator = regulator_user()
    objection = objections.objection_file(actor=user_of(objector.agency), award=award,
                                          text="中选人资质已过期。")
    assert told("objection.filed") == {(project.created_by.pk, "objection.filed"),
                                       (user_of(award.agency).pk, "objection.filed"),
                                       (regulator.pk, "objection.filed")}
    Notification.objects.all().delete()
    objections.objection_decide(actor=regulator, objection=objection, upheld=True,
                                decision="资质确已过期，异议成立。")
    second = Award.objects.get(project=project, rank=2)
    assert told("objection.upheld") == {(user_of(objector.agency).pk, "objection.upheld"),
                                        (project.created_by.pk, "objection.upheld"),
                                        (user_of(award.agency).pk, "objection.upheld")}
    assert told("award.offered_next") == {(project.created_by.pk, "award.offered_next"),
                                          (user_of(second.agency).pk, "award.offered_next")}
    third = {user_of(s.agency).pk for s in project.signups.all()} - {
        user_of(award.agency).pk, user_of(second.agency).pk}
    assert told("award.published") == {(pk, "award.published") for pk in third}


def test_a_contract_uploaded_by_the_purchaser_asks_the_winner_to_confirm():
    award = after_objection_period(made_award(method=Method.RANDOM_DRAW))
    contracts.contract_upload(actor=award.project.created_by, award=award, file=pdf())
    award.refresh_from_db()
    (n,) = Notification.objects.filter(kind="contract.uploaded")
    assert n.user == user_of(award.agency)
    assert n.data["deadline"] and n.data["by"] == award.project.purchaser.name


def test_a_refusal_to_sign_tells_the_purchaser_and_offers_the_runner_up():
    award = made_award(method=Method.RANDOM_DRAW, bidders=2)
    runner = next(s for s in award.project.signups.all() if s.pk != award.signup_id)
    Award.objects.filter(pk=award.pk).update(computation={"ranking": [
        {"signup": award.signup_id, "price": "78000.00"},
        {"signup": runner.pk, "price": "79000.00"}]})
    award.refresh_from_db()
    contracts.contract_refuse(actor=user_of(award.agency), award=award, reason="人员无法到位")
    assert told("contract.refused", "award.offered_next") == {
        (award.project.created_by.pk, "contract.refused"),
        (award.project.created_by.pk, "award.offered_next"),
        (user_of(runner.agency).pk, "award.offered_next")}


def test_a_declined_award_tells_the_winner_and_fails_the_project():
    award = made_award(method=Method.RANDOM_DRAW, bidders=2)
    contracts.award_decline(actor=award.project.created_by, award=award, reason="预算调整")
    assert (user_of(award.agency).pk, "award.declined") in told("award.declined")
    assert (award.project.created_by.pk, "project.failed") in told("project.failed")


def test_a_missed_signing_deadline_tells_the_old_winner_the_purchaser_and_the_runner_up():
    award = made_award(method=Method.RANDOM_DRAW, bidders=2)
    runner = next(s for s in award.project.signups.all() if s.pk != award.signup_id)
    past = timezone.now() - dt.timedelta(minutes=1)
    Award.objects.filter(pk=award.pk).update(
        status=Award.Status.CONTRACTING, contract_deadline=past, objection_until=past,
        computation={"ranking": [{"signup": award.signup_id, "price": "78000.00"},
                                 {"signup": runner.pk, "price": "79000.00"}]})
    contracts.contract_deadlines_enforce()
    contracts.contract_deadlines_enforce()
    owner = award.project.created_by
    assert told("contract.missed", "award.offered_next") == {
        (owner.pk, "contract.missed"), (user_of(award.agency).pk, "contract.missed"),
        (owner.pk, "award.offered_next"), (user_of(runner.agency).pk, "award.offered_next")}
    n = Notification.objects.get(user=owner, kind="contract.missed")
    assert n.data["party"] == award.agency.name


def test_a_purchaser_late_to_confirm_is_told_once_however_often_the_step_runs():
    award = after_objection_period(made_award(method=Method.RANDOM_DRAW))
    contracts.contract_deadlines_enforce()
    contracts.contract_upload(actor=user_of(award.agency), award=award, file=pdf())
    Award.objects.filter(pk=award.pk).update(
        contract_deadline=timezone.now() - dt.timedelta(minutes=1))
    for _run in range(3):
        contracts.contract_deadlines_enforce()
    missed = Notification.objects.filter(kind="contract.missed")
    assert missed.count() == 2
    assert {n.data["party"] for n in missed} == {award.project.purchaser.name}
    assert Award.objects.get(pk=award.pk).status == Award.Status.CONTRACTING


def test_a_returned_result_tells_the_agency_why():
    award = after_objection_period(made_award(method=Method.RANDOM_DRAW))
    contracts.contract_upload(actor=user_of(award.agency), award=award, file=pdf())
    contracts.contract_confirm(actor=award.project.created_by, award=award)
    delivery = deliveries.delivery_submit(actor=user_of(award.agency), award=award,
                                          file=pdf("r.pdf"))
    deliveries.delivery_return(actor=award.project.created_by, delivery=delivery,
                               reason="缺少附图")
    (n,) = Notification.objects.filter(kind="delivery.returned")
    assert n.user == user_of(award.agency) and n.data["reason"] == "缺少附图"
    assert Contract.objects.filter(award=award).exists()


# --- expert panels --------------------------------------------------------------------------------


def test_the_drawn_experts_are_seated_and_a_replaced_one_is_told_with_its_reserve():
    project, signups, panel = xf.panel_project(experts=4)
    seated = xf.seated_users(panel)
    assert told("panel.seated") == {(u.pk, "panel.seated") for u in seated}
    n = Notification.objects.get(user=seated[0])
    assert n.url == f"/expert/panels/{panel.pk}/" and n.data["deadline"]
    first, second, missing = seated
    for user in (first, second):
        panels.panel_scores_save(actor=user, panel=panel, scores={s.pk: "50" for s in signups},
                                 submit=True)
    Panel.objects.filter(pk=panel.pk).update(deadline=timezone.now() - dt.timedelta(minutes=1))
    panels.panel_seat_replace(actor=regulator_user(), panel=panel)
    (reserve,) = xf.seated_users(panel)
    assert kinds(missing) == ["panel.seat_replaced", "panel.seated"]
    assert kinds(reserve) == ["panel.seated"]


def test_every_intent_reaches_the_inbox_after_commit():
    project = bf.project(signup_deadline=timezone.now() - dt.timedelta(minutes=1))
    bf.signup(project=project)
    with TestCase.captureOnCommitCallbacks(execute=True):
        signups_close(project=project)
    assert InboxItem.objects.count() == Notification.objects.count() == 2
