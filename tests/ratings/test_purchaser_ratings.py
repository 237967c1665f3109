"""Agencies rate purchasers after delivery acceptance, and the public purchaser page
(two-sided accountability, docs/design.md R9)."""
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from core.errors import Conflict, NotAllowed, ValidationFailed
from core.models import AuditEvent
from credit.models import PurchaserCredit, PurchaserCreditEvent
from credit.services.purchasers import purchaser_credit_event_record
from ratings.models import PurchaserRating, PurchaserRatingReply
from ratings.services.purchasers import purchaser_rating_reply, purchaser_rating_submit
from tests.factories import ratings as rf
from tests.factories.agencies import agency, agency_user
from tests.factories.awards import made_award
from tests.factories.bidding import purchaser
from tests.marketplace.test_translations import _check_chinese

pytestmark = pytest.mark.django_db
STARS = {"clarity": 4, "cooperation": 5, "fairness": 3, "payment": 4}
POST = {k: str(v) for k, v in STARS.items()}


def rate(award, **stars):
    return purchaser_rating_submit(actor=rf.agency_user(award.agency), award=award,
                                   comment="需求明确，验收及时。", **{**STARS, **stars})


def test_the_agency_rates_the_purchaser_after_acceptance_and_it_feeds_the_purchasers_credit():
    award = rf.accepted_award()
    rating = rate(award)
    assert rating.average == Decimal("4.00")
    assert (rating.purchaser_id, rating.agency_id) == (award.project.purchaser_id,
                                                       award.agency_id)
    event = PurchaserCreditEvent.objects.get(pk=rating.credit_event_id)
    assert (event.kind, event.source, event.stars) == ("rating", "agency", Decimal("4.00"))
    assert event.award_id == award.pk
    # 80 + 12 × (4.0 − 3.5) × 1 / (8 + 1): the agencies' smoothed average, weight 1
    credit = PurchaserCredit.objects.get(purchaser=award.project.purchaser)
    assert credit.score == Decimal("80.67") and credit.grade == "B"
    assert AuditEvent.objects.filter(action="purchaser_rating.submitted",
                                     object_id=str(rating.pk)).exists()


def test_the_purchaser_cannot_be_rated_before_it_accepted_the_result():
    award = made_award()
    with pytest.raises(Conflict):
        rate(award)
    assert not PurchaserRating.objects.exists() and not PurchaserCreditEvent.objects.exists()


def test_the_purchaser_is_rated_once_per_award():
    award = rf.accepted_award()
    rate(award)
    with pytest.raises(Conflict):
        rate(award, clarity=1)
    assert PurchaserRating.objects.count() == 1 and PurchaserCreditEvent.objects.count() == 1


def test_the_rating_window_is_the_same_as_the_purchasers():
    award = rf.accept(made_award(), accepted_at=rf.days_ago(60))
    with pytest.raises(Conflict, match="rating window closed"):
        rate(award)
    assert not PurchaserRating.objects.exists()


def test_only_the_agency_of_the_award_rates_its_purchaser():
    award = rf.accepted_award()
    for actor in (agency_user(agency()), award.project.created_by, purchaser()):
        with pytest.raises(NotAllowed):
            purchaser_rating_submit(actor=actor, award=award, **STARS)
    assert not PurchaserRating.objects.exists()


def test_every_dimension_needs_one_to_five_stars_and_nothing_is_half_saved():
    award = rf.accepted_award()
    with pytest.raises(ValidationFailed) as exc:
        rate(award, clarity=0, payment="x")
    assert set(exc.value.fields) == {"clarity", "payment"}
    assert not PurchaserRating.objects.exists() and not PurchaserCreditEvent.objects.exists()


def test_the_rated_purchaser_replies_once():
    award = rf.accepted_award()
    rating = rate(award)
    with pytest.raises(NotAllowed):
        purchaser_rating_reply(actor=rf.agency_user(award.agency), rating=rating, text="x")
    with pytest.raises(NotAllowed):
        purchaser_rating_reply(actor=purchaser(), rating=rating, text="x")
    purchaser_rating_reply(actor=award.project.created_by, rating=rating, text="感谢评价。")
    with pytest.raises(Conflict):
        purchaser_rating_reply(actor=award.project.created_by, rating=rating, text="再次")
    assert PurchaserRatingReply.objects.get().text == "感谢评价。"


def test_the_rating_page_shows_the_form_to_the_agency_and_the_reply_form_to_the_purchaser(
        client):
    award = rf.accepted_award()
    url = f"/ratings/award/{award.pk}/purchaser/"
    client.force_login(award.project.created_by)
    assert "star-picker" not in client.get(url).content.decode()
    client.force_login(rf.agency_user(award.agency))
    assert "star-picker" in client.get(url).content.decode()
    assert client.post(url, {**POST, "comment": "配合良好"}).status_code == 302
    assert PurchaserRating.objects.get(award=award).comment == "配合良好"
    client.force_login(award.project.created_by)
    page = client.get(url).content.decode()
    assert "配合良好" in page and "/reply/" in page
    rating = PurchaserRating.objects.get()
    client.post(f"/ratings/purchaser/{rating.pk}/reply/", {"text": "谢谢"})
    assert PurchaserRatingReply.objects.get(rating=rating).text == "谢谢"


def test_the_purchaser_page_shows_credit_events_ratings_and_projects_but_no_contact_data(
        client):
    award = rf.accepted_award()
    org = award.project.purchaser
    org.contact_phone = "13912345678"
    org.save(update_fields=["contact_phone"])
    rate(award)
    purchaser_credit_event_record(purchaser=org, kind="contract_missed", source="operator",
                                  award=made_award(), reason="合同逾期未确认")
    page = client.get(f"/purchasers/{org.pk}/").content.decode()
    score = PurchaserCredit.objects.get(purchaser=org).score
    assert str(score) in page and org.name in page
    assert "合同逾期未确认" in page and "需求明确" in page
    assert award.project.title in page
    assert "13912345678" not in page
    assert client.get(f"/purchasers/{award.agency.organisation_id}/").status_code == 404


def test_the_purchaser_api_shows_score_events_and_ratings():
    award = rf.accepted_award()
    org = award.project.purchaser
    api = APIClient()
    assert api.get(f"/api/v1/purchasers/{org.pk}/").json()["credit_score"] == "80.00"
    api.force_authenticate(rf.agency_user(award.agency))
    created = api.post(f"/api/v1/awards/{award.pk}/purchaser-rating/", STARS, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["average"] == "4.00"
    again = api.post(f"/api/v1/awards/{award.pk}/purchaser-rating/", STARS, format="json")
    assert again.status_code == 409
    assert api.post(f"/api/v1/awards/{award.pk}/purchaser-rating/", {**STARS, "clarity": 9},
                    format="json").status_code == 400
    body = APIClient().get(f"/api/v1/purchasers/{org.pk}/").json()
    assert body["credit_score"] == "80.67" and body["credit_grade"] == "B"
    assert body["rating_count"] == 1 and body["ratings"][0]["clarity"] == 4
    assert [e["kind"] for e in body["credit_events"]] == ["rating"]
    assert body["projects"][0]["id"] == award.project_id
    assert "contact_phone" not in body
    reply = APIClient()
    reply.force_authenticate(award.project.created_by)
    rid = body["ratings"][0]["id"]
    assert reply.post(f"/api/v1/purchaser-ratings/{rid}/reply/", {"text": "谢谢"},
                      format="json").status_code == 201
    assert APIClient().get(f"/api/v1/awards/{award.pk}/purchaser-rating/").json()[0][
        "reply"]["text"] == "谢谢"
    assert APIClient().get("/api/v1/purchasers/999999/").status_code == 404


def test_the_purchaser_pages_render_entirely_in_chinese(client):
    award = rf.accepted_award()
    rating = rate(award)
    purchaser_rating_reply(actor=award.project.created_by, rating=rating, text="感谢评价。")
    purchaser_credit_event_record(purchaser=award.project.purchaser, kind="award_declined",
                                  source="operator", award=made_award(), reason="放弃中选")
    fresh = rf.accepted_award()
    client.force_login(rf.agency_user(fresh.agency))
    for url in (f"/purchasers/{award.project.purchaser_id}/",
                f"/ratings/award/{award.pk}/purchaser/",
                f"/ratings/award/{fresh.pk}/purchaser/", "/credit/model/"):
        _check_chinese(client, url)
