import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from bidding.models import Award
from core.errors import Conflict, NotAllowed, ValidationFailed
from core.models import AuditEvent
from credit.models import CreditEvent
from ratings.models import Rating, RatingAppeal
from ratings.services.ratings import (
    rating_appeal,
    rating_appeal_decide,
    rating_deadline,
    rating_reply,
    rating_submit,
    rating_void,
)
from tests.factories import ratings as rf
from tests.factories.awards import made_award
from tests.factories.bidding import purchaser
from tests.factories.core import regulator_user

pytestmark = pytest.mark.django_db


def test_purchaser_rates_accepted_award_and_a_credit_event_is_recorded_with_the_star_average():
    award = rf.accepted_award()
    r = rf.rating(award, quality=5, timeliness=4, attitude=4, fees=3, conduct=5)
    assert r.average == Decimal("4.20")
    event = CreditEvent.objects.get(pk=r.credit_event_id)
    assert event.kind == "rating" and event.source == "purchaser"
    assert event.stars == Decimal("4.20")
    assert event.agency_id == award.agency_id
    award.agency.refresh_from_db()
    assert award.agency.rating_count == 1
    assert award.agency.rating_average == Decimal("4.20")
    assert AuditEvent.objects.filter(action="rating.submitted", object_id=str(r.pk)).exists()


def test_only_the_purchaser_of_the_award_can_rate_it():
    award = rf.accepted_award()
    stranger = purchaser()
    with pytest.raises(NotAllowed):
        rating_submit(actor=stranger, award=award, **rf.STARS)
    with pytest.raises(NotAllowed):
        rating_submit(actor=rf.agency_user(award.agency), award=award, **rf.STARS)
    with pytest.raises(NotAllowed):
        rating_submit(actor=regulator_user(), award=award, **rf.STARS)
    assert not Rating.objects.exists()


def test_an_award_is_rated_only_once():
    award = rf.accepted_award()
    rf.rating(award)
    with pytest.raises(Conflict):
        rf.rating(award, quality=1)
    assert Rating.objects.filter(award=award).count() == 1
    assert CreditEvent.objects.filter(kind="rating").count() == 1


@pytest.mark.parametrize("status", [Award.Status.NOTICE, Award.Status.IN_SERVICE,
                                    Award.Status.DELIVERED])
def test_rating_is_refused_before_the_result_is_accepted(status):
    award = made_award()
    Award.objects.filter(pk=award.pk).update(status=status)
    with pytest.raises(Conflict):
        rating_submit(actor=rf.purchaser_of(award), award=award, **rf.STARS)


def test_rating_is_refused_after_the_rating_window(settings):
    award = rf.accept(made_award(), accepted_at=timezone.now() - dt.timedelta(days=60))
    with pytest.raises(Conflict, match="window"):
        rating_submit(actor=rf.purchaser_of(award), award=award, **rf.STARS)


def test_rating_window_is_counted_in_working_days_from_acceptance(settings):
    accepted = timezone.make_aware(dt.datetime(2026, 9, 28, 10, 0))   # Monday before 国庆
    award = rf.accept(made_award(), accepted_at=accepted)
    settings.MARKETPLACE = {**settings.MARKETPLACE, "RATING_WORKING_DAYS": 3}
    deadline = rating_deadline(award)
    # 29, 30 Sep are working days; 1-8 Oct is the National Day holiday; 9 Oct is the third.
    assert timezone.localtime(deadline).date() > dt.date(2026, 10, 1)
    rating_submit(actor=rf.purchaser_of(award), award=award,
                  now=deadline - dt.timedelta(minutes=1), **rf.STARS)
    assert Rating.objects.count() == 1


@pytest.mark.parametrize("bad", [0, 6, "x", None, "3.5"])
def test_each_dimension_must_be_one_to_five_stars(bad):
    award = rf.accepted_award()
    with pytest.raises(ValidationFailed) as exc:
        rating_submit(actor=rf.purchaser_of(award), award=award,
                      **{**rf.STARS, "fees": bad})
    assert "fees" in exc.value.fields
    assert not Rating.objects.exists()


def test_agency_replies_publicly_once_and_only_the_rated_agency():
    r = rf.rating()
    with pytest.raises(NotAllowed):
        rating_reply(actor=purchaser(), rating=r, text="谢谢")
    with pytest.raises(ValidationFailed):
        rating_reply(actor=rf.agency_user(r.agency), rating=r, text="  ")
    reply = rating_reply(actor=rf.agency_user(r.agency), rating=r, text="感谢评价，我们会继续改进。")
    assert reply.rating_id == r.pk
    with pytest.raises(Conflict):
        rating_reply(actor=rf.agency_user(r.agency), rating=r, text="再次回复")


def test_upheld_appeal_voids_the_rating_which_no_longer_counts_in_averages_or_credit():
    good = rf.rating(rf.accepted_award(), quality=5, timeliness=5, attitude=5, fees=5, conduct=5)
    agency = good.agency
    bad_award = rf.accepted_award()
    Award.objects.filter(pk=bad_award.pk).update(agency=agency)
    bad_award.refresh_from_db()
    bad = rf.rating(bad_award, quality=1, timeliness=1, attitude=1, fees=1, conduct=1)
    agency.refresh_from_db()
    assert agency.rating_count == 2 and agency.rating_average == Decimal("3.00")
    score_with_bad = agency.credit_score

    appeal = rating_appeal(actor=rf.agency_user(agency), rating=bad, reason="评价人与项目无关，属恶意差评。")
    bad.refresh_from_db()
    assert bad.status == Rating.Status.APPEALED
    with pytest.raises(NotAllowed):
        rating_appeal_decide(actor=rf.purchaser_of(bad_award), appeal=appeal, uphold=True,
                             decision="x")
    rating_appeal_decide(actor=regulator_user(), appeal=appeal, uphold=True,
                         decision="经核查，该评价与服务事实不符，予以撤销。")
    bad.refresh_from_db()
    agency.refresh_from_db()
    assert bad.status == Rating.Status.VOIDED
    assert bad.voided_reason == "经核查，该评价与服务事实不符，予以撤销。"
    assert agency.rating_count == 1 and agency.rating_average == Decimal("5.00")
    assert CreditEvent.objects.get(pk=bad.credit_event_id).voided
    assert agency.credit_score > score_with_bad
    assert Rating.objects.filter(pk=bad.pk).exists()   # stays in the history


def test_rejected_appeal_keeps_the_rating_published_and_counted():
    r = rf.rating()
    appeal = rating_appeal(actor=rf.agency_user(r.agency), rating=r, reason="不同意")
    rating_appeal_decide(actor=regulator_user(), appeal=appeal, uphold=False,
                         decision="评价有事实依据，维持。")
    r.refresh_from_db()
    assert r.status == Rating.Status.PUBLISHED
    assert RatingAppeal.objects.get(pk=appeal.pk).status == RatingAppeal.Status.REJECTED
    assert not CreditEvent.objects.get(pk=r.credit_event_id).voided
    with pytest.raises(Conflict):
        rating_appeal(actor=rf.agency_user(r.agency), rating=r, reason="再次申诉")


def test_regulator_voids_a_rating_with_a_public_reason_and_a_pending_appeal_is_upheld():
    r = rf.rating()
    appeal = rating_appeal(actor=rf.agency_user(r.agency), rating=r, reason="恶意评价")
    with pytest.raises(NotAllowed):
        rating_void(actor=rf.agency_user(r.agency), rating=r, reason="x")
    with pytest.raises(ValidationFailed):
        rating_void(actor=regulator_user(), rating=r, reason=" ")
    rating_void(actor=regulator_user(), rating=r, reason="评价人非项目实际业主")
    r.refresh_from_db()
    r.agency.refresh_from_db()
    assert r.status == Rating.Status.VOIDED
    assert r.agency.rating_count == 0 and r.agency.rating_average is None
    assert RatingAppeal.objects.get(pk=appeal.pk).status == RatingAppeal.Status.UPHELD
    with pytest.raises(Conflict):
        rating_void(actor=regulator_user(), rating=r, reason="again")
    assert AuditEvent.objects.filter(action="rating.voided").count() == 1


def test_only_the_regulator_of_the_agencys_region_decides_an_appeal_and_sees_it():
    """Issue 9: a county or city regulator works within its jurisdiction; a rating appeal
    belongs to the region where the rated agency is registered."""
    from core.models import Region
    from ratings.selectors.ratings import appeal_queue

    r = rf.rating()
    appeal = rating_appeal(actor=rf.agency_user(r.agency), rating=r, reason="评价与事实不符")
    elsewhere_region = (Region.objects.exclude(code__startswith=r.agency.region.prefix)
                        .filter(level="province").first())
    elsewhere = regulator_user(region=elsewhere_region)
    with pytest.raises(NotAllowed):
        rating_appeal_decide(actor=elsewhere, appeal=appeal, uphold=False,
                             decision="评价有事实依据，维持。")
    assert appeal not in appeal_queue(elsewhere_region)
    assert appeal in appeal_queue(r.agency.region)
    local = regulator_user(region=r.agency.region)
    rating_appeal_decide(actor=local, appeal=appeal, uphold=False, decision="评价有事实依据，维持。")
    assert RatingAppeal.objects.get(pk=appeal.pk).status == RatingAppeal.Status.REJECTED
