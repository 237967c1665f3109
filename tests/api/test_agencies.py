"""The agency API: directory filters, registration (R1), profile, edits by whom (own, another
agency, regulator) and the offers sub-resource."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from agencies.models import Agency
from core.models import AuditEvent, Region
from tests.api.conftest import bulk_agencies, registration_payload
from tests.factories.agencies import agency
from tests.factories.core import regulator_user

pytestmark = pytest.mark.django_db

LIST = "/api/v1/agencies/"


def names(response):
    assert response.status_code == 200, response.content
    return sorted(row["name"] for row in response.json()["results"])


def signed_in(api, user):
    api.force_authenticate(user)
    return api


def user_of_agency(agency_obj):
    return agency_obj.organisation.members.get().user


# --- directory ------------------------------------------------------------------------------

@pytest.fixture
def directory(catalogue):
    hubei = agency(name="甲环评公司", offers=[catalogue["eia"]],
                   qualifications=[{"name": "环境影响评价资质", "grade": "甲级"}])
    beijing = agency(name="乙测绘公司", offers=[catalogue["map"]], region_code="110000",
                     service_regions=[Region.objects.get(code="110000")])
    everywhere = agency(name="丙水保公司", offers=[catalogue["swc"]], region_code="110000")
    Agency.objects.filter(pk=hubei.pk).update(credit_stars=5)
    Agency.objects.filter(pk=beijing.pk).update(credit_stars=2)
    return {"hubei": hubei, "beijing": beijing, "everywhere": everywhere}


def test_directory_lists_listed_agencies_five_star_first(api, directory):
    rows = api.get(LIST).json()["results"]
    assert [r["name"] for r in rows] == ["甲环评公司", "丙水保公司", "乙测绘公司"]
    assert rows[0]["credit_stars"] == 5 and rows[0]["offer_count"] == 1
    assert rows[0]["region"] == {"code": "420000", "name": "湖北省"}
    assert rows[0]["profile_url"] == f"/agencies/{directory['hubei'].pk}/"


def test_directory_hides_suspended_and_expelled_agencies(api, directory):
    Agency.objects.filter(pk=directory["beijing"].pk).update(standing="suspended")
    assert "乙测绘公司" not in names(api.get(LIST))


def test_directory_filters_by_item_and_by_category_with_sub_categories(api, catalogue,
                                                                       directory):
    assert names(api.get(LIST, {"item": catalogue["eia"].pk})) == ["甲环评公司"]
    assert names(api.get(LIST, {"category": "huanjing"})) == ["丙水保公司", "甲环评公司"]
    assert names(api.get(LIST, {"category": catalogue["survey"].pk})) == ["乙测绘公司"]


def test_directory_region_filter_narrows_to_agencies_serving_the_region(api, directory):
    # 甲 is located in Hubei; 丙 lists no region (serves everywhere); 乙 serves only Beijing.
    assert names(api.get(LIST, {"region": "420000"})) == ["丙水保公司", "甲环评公司"]
    assert names(api.get(LIST, {"region": "110000"})) == ["丙水保公司", "乙测绘公司",
                                                         "甲环评公司"]
    assert api.get(LIST, {"region": "999999"}).status_code == 400


def test_directory_filters_by_qualification_name_code_and_min_stars(api, directory):
    assert names(api.get(LIST, {"qualification": "环境影响"})) == ["甲环评公司"]
    assert names(api.get(LIST, {"q": "测绘"})) == ["乙测绘公司"]
    assert names(api.get(LIST, {"q": directory["hubei"].uscc.lower()})) == ["甲环评公司"]
    assert names(api.get(LIST, {"min_stars": 3})) == ["丙水保公司", "甲环评公司"]


def test_directory_sorts_by_name_and_newest(api, directory):
    by_name = [r["name"] for r in api.get(LIST, {"sort": "name"}).json()["results"]]
    assert by_name == sorted(by_name)
    newest = [r["name"] for r in api.get(LIST, {"sort": "newest"}).json()["results"]]
    assert newest == ["丙水保公司", "乙测绘公司", "甲环评公司"]
    assert api.get(LIST, {"sort": "random"}).status_code == 400


def test_directory_query_count_is_the_same_at_10_and_500_agencies(api, catalogue):
    bulk_agencies(10, offers=[catalogue["eia"]])
    def count(params):
        with CaptureQueriesContext(connection) as ctx:
            response = api.get(LIST, params)
        assert response.status_code == 200
        return len(ctx.captured_queries)

    filters = {"item": catalogue["eia"].pk, "category": "huanjing", "region": "420000",
               "min_stars": 1, "page_size": 100}
    ten = (count({}), count(filters))
    bulk_agencies(490, start=10, offers=[catalogue["eia"]])
    assert api.get(LIST).json()["count"] == 500
    assert (count({}), count(filters)) == ten


# --- registration (R1) ----------------------------------------------------------------------

def test_registration_lists_the_agency_at_once_and_returns_a_working_token(api, catalogue):
    payload = registration_payload(1, offers=[
        {"item": catalogue["eia"].pk, "fee": "12000.50", "commitment": "15个工作日内完成",
         "committed_days": 15}])
    response = api.post(LIST, payload, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["uscc"] == payload["uscc"] and body["standing"] == "good"
    assert body["offers"][0]["fee"] == "12000.50" and body["offers"][0]["committed_days"] == 15
    assert body["qualifications"][0]["name"] == "测绘资质"
    assert body["practitioners"][0]["name"] == "孙八"
    assert sorted(r["code"] for r in body["service_regions"]) == ["110000", "420000"]
    assert "湖北测试咨询1有限公司" in names(api.get(LIST))
    assert api.get(f"{LIST}{body['id']}/").status_code == 200
    assert AuditEvent.objects.filter(action="agency.registered",
                                     object_id=str(body["id"])).exists()
    api.credentials(HTTP_AUTHORIZATION=f"Token {body['token']}")
    assert api.patch(f"{LIST}{body['id']}/", {"website": "https://example.cn"},
                     format="json").status_code == 200


def test_registration_with_an_invalid_code_is_refused_with_the_code_field_error(english):
    payload = registration_payload(2, uscc="91420100MA4K12345X")
    response = english.post(LIST, payload, format="json")
    assert response.status_code == 400
    body = response.json()
    assert "uscc" in body["errors"] and body["detail"]
    assert "check character" in body["errors"]["uscc"][0]
    assert not Agency.objects.exists()


def test_registration_with_a_registered_code_is_refused_and_nothing_is_created(english):
    first = english.post(LIST, registration_payload(3), format="json")
    assert first.status_code == 201
    again = english.post(LIST, registration_payload(4, uscc=registration_payload(3)["uscc"]),
                         format="json")
    assert again.status_code == 400
    assert "already registered" in again.json()["errors"]["uscc"][0]
    assert "already registered" in again.json()["detail"]
    assert Agency.objects.count() == 1


def test_registration_errors_are_in_chinese_by_default_and_english_on_request(english):
    payload = {k: v for k, v in registration_payload(5).items() if k != "name"}
    response = APIClient().post(LIST, payload, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["name"] == ["该字段是必填项。"]
    response = english.post(LIST, payload, format="json")
    assert response.json()["errors"]["name"] == ["This field is required."]
    assert response.json()["detail"] == "name: This field is required."


def test_registration_refuses_unknown_region_codes_and_catalogue_items(english, catalogue):
    response = english.post(LIST, registration_payload(
        6, service_regions=["420000", "999999"], offers=[{"item": 987654}]), format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors["service_regions"] == ["Unknown region code: 999999"]
    assert errors["offers"] == ["Unknown catalogue item: 987654"]
    assert not Agency.objects.exists()


def test_registration_requires_the_integrity_commitment(english):
    response = english.post(LIST, registration_payload(7, integrity_accepted=False),
                            format="json")
    assert response.status_code == 400
    assert "integrity_accepted" in response.json()["errors"]


def test_registration_needs_no_qualification_and_no_offer(api):
    response = api.post(LIST, registration_payload(8, qualifications=[], practitioners=[],
                                                   offers=[], service_regions=[]),
                        format="json")
    assert response.status_code == 201, response.content


# --- profile and edits ----------------------------------------------------------------------

def test_profile_shows_offers_qualifications_practitioners_tie_and_credit(api, catalogue):
    created = api.post(LIST, registration_payload(
        9, gov_tie_declared=True, gov_tie_department="某市住建局",
        gov_tie_details="原为该局下属事业单位", offers=[{"item": catalogue["map"].pk,
                                                       "fee": 800}]), format="json").json()
    body = api.get(f"{LIST}{created['id']}/").json()
    assert body["gov_tie_declared"] is True and body["gov_tie_department"] == "某市住建局"
    assert body["offers"][0]["item_title"] == "建设工程规划竣工测量"
    for key in ("credit_score", "credit_stars", "credit_grade", "rating_average",
                "rating_count", "standing", "standing_display", "qualifications",
                "practitioners"):
        assert key in body
    assert "token" not in body and "password" not in body


def test_agency_updates_its_own_profile_and_the_change_is_audited(api):
    own = agency()
    response = signed_in(api, user_of_agency(own)).patch(
        f"{LIST}{own.pk}/", {"name": "改名后的公司", "service_regions": ["110000"]},
        format="json")
    assert response.status_code == 200, response.content
    assert response.json()["name"] == "改名后的公司"
    assert [r["code"] for r in response.json()["service_regions"]] == ["110000"]
    own.refresh_from_db()
    assert own.name == "改名后的公司" and own.partner.name == "改名后的公司"
    assert AuditEvent.objects.filter(action="agency.updated", object_id=str(own.pk)).exists()


def test_another_agency_cannot_update_a_profile_and_nothing_changes(english):
    victim, intruder = agency(name="受害公司"), agency()
    response = signed_in(english, user_of_agency(intruder)).patch(
        f"{LIST}{victim.pk}/", {"name": "被篡改", "contact_phone": "110"}, format="json")
    assert response.status_code == 403
    assert response.json()["detail"] == (
        "Only the agency itself may change this profile.")
    victim.refresh_from_db()
    assert victim.name == "受害公司" and victim.contact_phone == "027-12345678"
    assert not AuditEvent.objects.filter(action="agency.updated").exists()


def test_a_regulator_may_not_update_a_profile(api):
    target = agency()
    response = signed_in(api, regulator_user()).patch(
        f"{LIST}{target.pk}/", {"gov_tie_declared": True, "gov_tie_department": "某县发改局"},
        format="json")
    assert response.status_code == 403, response.content
    assert not AuditEvent.objects.filter(action="agency.updated").exists()


def test_update_refuses_read_only_fields_such_as_credit_and_code(english):
    own = agency()
    response = signed_in(english, user_of_agency(own)).patch(
        f"{LIST}{own.pk}/", {"credit_stars": 5, "uscc": "x"}, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"credit_stars", "uscc"}
    own.refresh_from_db()
    assert own.credit_stars == 3


def test_empty_update_is_refused(english):
    own = agency()
    response = signed_in(english, user_of_agency(own)).patch(f"{LIST}{own.pk}/", {},
                                                             format="json")
    assert response.status_code == 400
    assert response.json()["detail"] == "Send at least one field to change."


def test_unknown_agency_is_a_json_404(api):
    assert api.get(f"{LIST}424242/").status_code == 404
    assert api.get(f"{LIST}99999999999999999999999999/").json()["detail"]


# --- offers ---------------------------------------------------------------------------------

def test_agency_sets_changes_and_removes_its_own_offer(api, catalogue):
    own = agency()
    url = f"{LIST}{own.pk}/offers/{catalogue['eia'].pk}/"
    signed_in(api, user_of_agency(own))
    response = api.put(url, {"fee": "5000", "commitment": "按时", "committed_days": 10},
                       format="json")
    assert response.status_code == 200, response.content
    assert response.json()["fee"] == "5000.00"
    assert api.put(url, {"fee": "4500"}, format="json").json()["fee"] == "4500.00"
    assert api.get(f"{LIST}{own.pk}/").json()["offers"][0]["fee"] == "4500.00"
    assert api.delete(url).status_code == 204
    assert api.get(f"{LIST}{own.pk}/").json()["offers"] == []
    assert api.delete(url).status_code == 400


def test_another_agency_cannot_touch_offers(english, catalogue):
    victim, intruder = agency(offers=[catalogue["eia"]]), agency()
    url = f"{LIST}{victim.pk}/offers/{catalogue['eia'].pk}/"
    signed_in(english, user_of_agency(intruder))
    assert english.put(url, {"fee": "1"}, format="json").status_code == 403
    assert english.delete(url).status_code == 403
    assert english.get(f"{LIST}{victim.pk}/").json()["offers"][0]["fee"] == "10000.00"


def test_offer_on_unknown_item_or_with_negative_fee_is_refused(english, catalogue):
    own = agency()
    signed_in(english, user_of_agency(own))
    assert english.put(f"{LIST}{own.pk}/offers/987654/", {"fee": "1"},
                       format="json").status_code == 404
    response = english.put(f"{LIST}{own.pk}/offers/{catalogue['eia'].pk}/", {"fee": "-1"},
                           format="json")
    assert response.status_code == 400 and "fee" in response.json()["errors"]
