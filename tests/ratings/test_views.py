"""Rating pages and the ratings API."""
import pytest
from rest_framework.test import APIClient

from ratings.models import Rating
from tests.factories import ratings as rf
from tests.factories.awards import made_award
from tests.factories.bidding import purchaser

pytestmark = pytest.mark.django_db

STAR_POST = {"quality": "5", "timeliness": "4", "attitude": "5", "fees": "3", "conduct": "4",
             "comment": "报告质量高，沟通顺畅。"}


def test_purchaser_sees_the_star_pickers_and_publishes_a_rating(client):
    award = rf.accepted_award()
    client.force_login(rf.purchaser_of(award))
    html = client.get(f"/ratings/award/{award.pk}/").content.decode()
    assert html.count('type="radio"') == 25 and 'class="star-picker"' in html
    response = client.post(f"/ratings/award/{award.pk}/", STAR_POST)
    assert response.status_code == 302
    r = Rating.objects.get(award=award)
    assert (r.quality, r.fees, r.comment) == (5, 3, "报告质量高，沟通顺畅。")


def test_missing_stars_show_a_form_error_and_nothing_is_saved(client):
    award = rf.accepted_award()
    client.force_login(rf.purchaser_of(award))
    response = client.post(f"/ratings/award/{award.pk}/", {**STAR_POST, "fees": ""})
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    assert not Rating.objects.exists()


def test_no_rate_form_for_others_or_before_acceptance(client):
    award = rf.accepted_award()
    client.force_login(purchaser())
    assert "star-picker" not in client.get(f"/ratings/award/{award.pk}/").content.decode()
    client.post(f"/ratings/award/{award.pk}/", STAR_POST)
    assert not Rating.objects.exists()
    pending = made_award()
    client.force_login(rf.purchaser_of(pending))
    assert "star-picker" not in client.get(f"/ratings/award/{pending.pk}/").content.decode()


def test_agency_profile_partial_shows_averages_distribution_and_marks_voided(client):
    from django.template import Context, Template

    from ratings.services.ratings import rating_reply, rating_void
    from tests.factories.core import regulator_user

    r1 = rf.rating(quality=5, timeliness=5, attitude=5, fees=5, conduct=5)
    award2 = rf.accepted_award()
    type(award2).objects.filter(pk=award2.pk).update(agency=r1.agency)
    award2.refresh_from_db()
    r2 = rf.rating(award2, quality=1, timeliness=1, attitude=1, fees=1, conduct=1,
                   comment="恶意差评内容")
    rating_reply(actor=rf.agency_user(r1.agency), rating=r1, text="感谢认可")
    rating_void(actor=regulator_user(), rating=r2, reason="非真实交易评价")
    html = Template('{% include "ratings/_agency_ratings.html" %}').render(
        Context({"agency": r1.agency}))
    assert "5.00" in html and "感谢认可" in html
    assert "非真实交易评价" in html and "is-voided" in html
    assert 'data-stars="1"' in html and 'data-dimension="fees"' in html


def test_ratings_api_lists_and_submits_with_json_errors():
    award = rf.accepted_award()
    api = APIClient()
    assert api.get(f"/api/v1/awards/{award.pk}/ratings/").json() == []
    api.force_authenticate(purchaser())
    refused = api.post(f"/api/v1/awards/{award.pk}/ratings/", {**STAR_POST}, format="json")
    assert refused.status_code == 403 and refused.json()["detail"]
    api.force_authenticate(rf.purchaser_of(award))
    bad = api.post(f"/api/v1/awards/{award.pk}/ratings/", {**STAR_POST, "fees": 9}, format="json")
    assert bad.status_code == 400 and "fees" in bad.json()["errors"]
    ok = api.post(f"/api/v1/awards/{award.pk}/ratings/", STAR_POST, format="json")
    assert ok.status_code == 201 and ok.json()["average"] == "4.20"
    again = api.post(f"/api/v1/awards/{award.pk}/ratings/", STAR_POST, format="json")
    assert again.status_code == 409
    listed = APIClient().get(f"/api/v1/awards/{award.pk}/ratings/").json()
    assert len(listed) == 1 and listed[0]["quality"] == 5 and listed[0]["reply"] is None
    assert APIClient().get("/api/v1/awards/999999/ratings/").status_code == 404


def test_agency_replies_and_appeals_through_pages(client):
    r = rf.rating()
    client.force_login(rf.agency_user(r.agency))
    client.post(f"/ratings/{r.pk}/reply/", {"text": "感谢业主评价"})
    client.post(f"/ratings/{r.pk}/appeal/", {"reason": "评分与合同约定不符"})
    r.refresh_from_db()
    assert r.reply.text == "感谢业主评价"
    assert r.status == "appealed" and r.appeal.reason == "评分与合同约定不符"
    client.force_login(purchaser())
    response = client.post(f"/ratings/{r.pk}/appeal/", {"reason": "x"})
    assert response.status_code == 200 and "errorlist" in response.content.decode()
