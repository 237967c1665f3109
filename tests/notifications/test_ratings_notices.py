"""What ratings tell the parties (docs/architecture.md, "Notifications"): the rating window
opening on acceptance and closing, ratings given and replied to both ways, appeals to the
regulators of the rated agency's region, decisions and voids. Each person once, delivered to
the inbox; a repeat notifies nobody again."""
from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from bidding import signals
from bidding.models import Award, Project
from bidding.services import contracts, deliveries, draws
from core.errors import Conflict
from core.workdays import add_working_days
from marketplace.periodic import STEPS
from notifications.kinds import kind_spec
from ratings.selectors.todos import rating_window_end
from ratings.services.notices import rating_reminders
from ratings.services.purchasers import purchaser_rating_reply, purchaser_rating_submit
from ratings.services.ratings import (
    rating_appeal,
    rating_appeal_decide,
    rating_reply,
    rating_submit,
    rating_void,
)
from tests.factories import bidding as bf
from tests.factories import ratings as rf
from tests.factories.core import MemberFactory, region, regulator_user
from tests.notifications.notices import assert_each_once_and_delivered, members, one, ours, told

pytestmark = pytest.mark.django_db
PURCHASER_STARS = {"clarity": 5, "cooperation": 4, "fairness": 5, "payment": 3}


def _pdf(name="r.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 test", content_type="application/pdf")


def _in_service() -> Award:
    project, _signups = bf.selecting(method=Project.Method.RANDOM_DRAW, bidders=3)
    award = draws.draw_run(actor=project.created_by, project=project)
    Award.objects.filter(pk=award.pk).update(
        objection_until=timezone.now() - dt.timedelta(minutes=1))
    award.refresh_from_db()
    contracts.contract_upload(actor=project.created_by, award=award, file=_pdf("c.pdf"))
    contracts.contract_confirm(actor=rf.agency_user(award.agency), award=award)
    award.refresh_from_db()
    return award


def _parties(award: Award):
    """The purchaser's and the agency's organisations, each with a second member."""
    purchaser, agency = award.project.purchaser, award.agency.organisation
    MemberFactory(organisation=purchaser)
    MemberFactory(organisation=agency)
    return purchaser, agency


def test_accepting_the_result_opens_the_rating_window_for_both_sides_once(
        django_capture_on_commit_callbacks):
    award = _in_service()
    purchaser, agency = _parties(award)
    delivery = deliveries.delivery_submit(actor=rf.agency_user(award.agency), award=award,
                                          file=_pdf(), note="终稿")
    with django_capture_on_commit_callbacks(execute=True):
        deliveries.delivery_accept(actor=award.project.created_by, delivery=delivery)
    assert told("rating.window_open") == members(purchaser)
    assert told("purchaser_rating.window_open") == members(agency)
    delivery.refresh_from_db()
    deadline = rating_window_end(delivery.modified)
    note = one("rating.window_open")
    assert note.url == f"/ratings/award/{award.pk}/"
    assert note.data["deadline"] == timezone.localtime(deadline).strftime("%Y-%m-%d %H:%M")
    assert one("purchaser_rating.window_open").url == f"/ratings/award/{award.pk}/purchaser/"
    title, body = note.render("zh-hans")
    assert title == "评价中介机构" and award.agency.name in body
    # the signal delivered again (a retried receiver) and a second acceptance: nothing new
    with django_capture_on_commit_callbacks(execute=True):
        signals.delivery_decided.send(sender=Award, delivery=delivery, accepted=True,
                                      on_time=True, actor=award.project.created_by)
    with pytest.raises(Conflict):
        deliveries.delivery_accept(actor=award.project.created_by, delivery=delivery)
    assert ours().count() == len(members(purchaser)) + len(members(agency))
    assert_each_once_and_delivered()


def test_a_returned_result_opens_no_rating_window():
    award = _in_service()
    delivery = deliveries.delivery_submit(actor=rf.agency_user(award.agency), award=award,
                                          file=_pdf())
    deliveries.delivery_return(actor=award.project.created_by, delivery=delivery,
                               reason="缺少附图，请补充。")
    assert not ours().filter(kind__endswith="window_open").exists()


def test_a_rating_and_its_reply_each_tell_the_other_side(django_capture_on_commit_callbacks):
    award = rf.accepted_award()
    purchaser, agency = _parties(award)
    with django_capture_on_commit_callbacks(execute=True):
        rating = rf.rating(award)
    assert told("rating.submitted") == members(agency)
    assert one("rating.submitted").data["average"] == str(rating.average)
    assert one("rating.submitted").url == f"/ratings/award/{award.pk}/"
    with pytest.raises(Conflict):
        rf.rating(award)  # rated once: no second notice
    with django_capture_on_commit_callbacks(execute=True):
        rating_reply(actor=rf.agency_user(award.agency), rating=rating, text="感谢评价。")
    with pytest.raises(Conflict):
        rating_reply(actor=rf.agency_user(award.agency), rating=rating, text="再次回复。")
    assert told("rating.submitted") == members(agency)
    assert told("rating.replied") == members(purchaser)
    assert_each_once_and_delivered()


def test_the_agency_rating_the_purchaser_and_the_reply_tell_the_other_side(
        django_capture_on_commit_callbacks):
    award = rf.accepted_award()
    purchaser, agency = _parties(award)
    with django_capture_on_commit_callbacks(execute=True):
        rating = purchaser_rating_submit(actor=rf.agency_user(award.agency), award=award,
                                         comment="配合良好", **PURCHASER_STARS)
        purchaser_rating_reply(actor=rf.purchaser_of(award), rating=rating, text="谢谢。")
    assert told("purchaser_rating.submitted") == members(purchaser)
    assert told("purchaser_rating.replied") == members(agency)
    assert one("purchaser_rating.submitted").url == f"/ratings/award/{award.pk}/purchaser/"
    assert not told("rating.submitted")
    assert_each_once_and_delivered()


def test_an_appeal_reaches_the_purchaser_and_only_the_regulators_of_the_agencys_region(
        django_capture_on_commit_callbacks):
    award = rf.accepted_award()  # the agency is registered in 湖北省 (420000)
    purchaser, agency = _parties(award)
    everywhere = regulator_user()
    province = regulator_user(region=region("420000"))
    regulator_user(region=region("430000"))  # 湖南省: not its jurisdiction
    regulator_user(region=region("420100"))  # 武汉市: below the agency's region
    with django_capture_on_commit_callbacks(execute=True):
        rating = rf.rating(award)
        appeal = rating_appeal(actor=rf.agency_user(award.agency), rating=rating,
                               reason="评价与事实不符。")
    assert told("rating.appealed") == sorted(members(purchaser)
                                             + [everywhere.pk, province.pk])
    assert one("rating.appealed", province.pk).url == "/regulator/appeals/"
    assert one("rating.appealed", purchaser.members.first().user_id).url == \
        f"/ratings/award/{award.pk}/"
    with django_capture_on_commit_callbacks(execute=True):
        rating_appeal_decide(actor=province, appeal=appeal, uphold=True,
                             decision="采购人评价依据不足，予以作废。")
    assert told("rating.appeal_upheld") == sorted(members(purchaser) + members(agency))
    assert "采购人评价依据不足" in one("rating.appeal_upheld").render("zh-hans")[1]
    with pytest.raises(Conflict):
        rating_appeal_decide(actor=province, appeal=appeal, uphold=False, decision="再次决定。")
    assert not told("rating.appeal_rejected") and not told("rating.voided")
    assert_each_once_and_delivered()


def test_a_rejected_appeal_and_a_void_tell_the_purchaser_and_the_agency(
        django_capture_on_commit_callbacks):
    award = rf.accepted_award()
    purchaser, agency = _parties(award)
    regulator = regulator_user()
    with django_capture_on_commit_callbacks(execute=True):
        rating = rf.rating(award)
        appeal = rating_appeal(actor=rf.agency_user(award.agency), rating=rating,
                               reason="不符。")
        rating_appeal_decide(actor=regulator, appeal=appeal, uphold=False,
                             decision="评价有据，维持。")
        rating_void(actor=regulator, rating=rating, reason="经复核，评价人非项目经办人。")
    both = sorted(members(purchaser) + members(agency))
    assert told("rating.appeal_rejected") == both
    assert told("rating.voided") == both
    assert one("rating.voided").data["reason"] == "经复核，评价人非项目经办人。"
    with pytest.raises(Conflict):
        rating_void(actor=regulator, rating=rating, reason="再次作废。")
    assert told("rating.voided") == both
    assert_each_once_and_delivered()


def test_the_rating_window_closing_reminds_each_side_that_has_not_rated_once(
        django_capture_on_commit_callbacks):
    accepted_at = timezone.now() - dt.timedelta(days=30)
    award = rf.accept(rf.made_award(), accepted_at=accepted_at)
    purchaser, agency = _parties(award)
    deadline = rating_window_end(accepted_at)
    assert kind_spec("rating.window_closing").urgent
    assert kind_spec("purchaser_rating.window_closing").urgent
    # more than a working day before the end, and after it: nothing
    assert rating_reminders(now=accepted_at + dt.timedelta(hours=1)) == 0
    assert rating_reminders(now=deadline + dt.timedelta(minutes=1)) == 0
    now = deadline - dt.timedelta(hours=2)
    with django_capture_on_commit_callbacks(execute=True):
        assert rating_reminders(now=now) == 2
        assert rating_reminders(now=now + dt.timedelta(minutes=5)) == 0  # the next run
    assert told("rating.window_closing") == members(purchaser)
    assert told("purchaser_rating.window_closing") == members(agency)
    note = one("rating.window_closing")
    assert note.url == f"/ratings/award/{award.pk}/"
    assert note.data["deadline"] == timezone.localtime(deadline).strftime("%Y-%m-%d %H:%M")
    assert_each_once_and_delivered()


def test_a_side_that_has_rated_is_not_reminded():
    accepted_at = timezone.now() - dt.timedelta(days=30)
    award = rf.accept(rf.made_award(), accepted_at=accepted_at)
    deadline = rating_window_end(accepted_at)
    rating_submit(actor=rf.purchaser_of(award), award=award,
                  now=deadline - dt.timedelta(hours=3), **rf.STARS)
    assert rating_reminders(now=deadline - dt.timedelta(hours=2)) == 1
    assert not told("rating.window_closing")
    assert told("purchaser_rating.window_closing") == members(award.agency.organisation)


def test_ratings_reminders_is_a_periodic_step_and_its_command_reminds_with_the_real_clock():
    assert STEPS["ratings_reminders"] == 300
    now = timezone.now()
    soon = add_working_days(now, 1)
    accepted_at = None
    for hours in range(24, 24 * 40):  # an acceptance whose window closes within a working day
        candidate = now - dt.timedelta(hours=hours)
        if now + dt.timedelta(minutes=10) < rating_window_end(candidate) <= soon:
            accepted_at = candidate
            break
    assert accepted_at is not None
    award = rf.accept(rf.made_award(), accepted_at=accepted_at)
    out = io.StringIO()
    call_command("ratings_reminders", stdout=out)
    call_command("ratings_reminders", stdout=out)
    assert out.getvalue().splitlines() == ["sent 2 rating reminders", "sent 0 rating reminders"]
    assert told("rating.window_closing") == members(award.project.purchaser)
    assert told("purchaser_rating.window_closing") == members(award.agency.organisation)
