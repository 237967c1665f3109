"""Regions at every level on the agency pages: registering in a county with the cascading
picker (no JavaScript needed), the directory's region filter at each level, abolished and
unknown codes refused with nothing saved."""
import pytest
from django.urls import reverse

from agencies.models import Agency
from core.models import Organisation
from tests.agencies.test_views import registration_post
from tests.factories.agencies import agency, agency_user
from tests.factories.core import region

pytestmark = pytest.mark.django_db

HONGSHAN = {"region_0": "420000", "region_1": "420100", "region_2": "420111"}


@pytest.fixture
def english(client, settings):
    settings.LANGUAGE_CODE = "en"
    client.cookies["django_language"] = "en"
    return client


def _register(client, **fields):
    data = registration_post(**fields)
    data.pop("region")
    data.update({k: v for k, v in fields.items()})
    return client.post(reverse("agencies:register"), data)


def _directory(client, **params):
    return {a.name for a in client.get(reverse("agencies:directory"), params).context["agencies"]}


def test_an_agency_registers_in_hongshan_with_the_three_selects_and_is_found_at_each_level(
        client):
    response = _register(client, **HONGSHAN, service_regions="420100 武汉市")
    created = Agency.objects.get(name="湖北环评技术咨询有限公司")
    assert response.status_code == 302
    assert created.region.code == "420111"
    assert Organisation.objects.get(pk=created.organisation_id).region.code == "420111"
    assert [r.code for r in created.service_regions.all()] == ["420100"]
    client.logout()
    # by the picker's three selects, by the most specific one alone, and by a plain code link
    assert created.name in _directory(client, region_0="420000")
    assert created.name in _directory(client, region_0="420000", region_1="420100")
    assert created.name in _directory(client, **HONGSHAN)
    assert created.name in _directory(client, region="420111")
    assert created.name not in _directory(client, region_0="430000")
    assert created.name not in _directory(client, region="430100")


def test_the_filter_finds_agencies_serving_a_region_above_or_below_or_everywhere(client):
    county = agency(name="洪山区登记", region_code="420111", service_regions=[region("420111")])
    province_wide = agency(name="服务湖北全省", region_code="110000",
                           service_regions=[region("420000")])
    city_part = agency(name="服务武昌区", region_code="110000", service_regions=[region("420106")])
    everywhere = agency(name="服务全国", region_code="650000")
    elsewhere = agency(name="只服务长沙", region_code="430000", service_regions=[region("430100")])
    assert _directory(client, region="420100") == {county.name, province_wide.name,
                                                   city_part.name, everywhere.name}
    assert _directory(client, region="420111") == {county.name, province_wide.name,
                                                   everywhere.name}
    assert elsewhere.name in _directory(client, region="430000")


def test_the_picker_renders_cities_and_counties_grouped_by_parent_for_browsers_without_js(
        client):
    body = client.get(reverse("agencies:register")).content.decode()
    assert 'name="region_0"' in body and 'name="region_1"' in body and 'name="region_2"' in body
    assert '<optgroup label="湖北省" data-parent="420000"><option value="420100">武汉市' in body
    assert '<optgroup label="武汉市" data-parent="420100">' in body
    assert '<option value="420111">洪山区</option>' in body
    assert '<optgroup label="北京市" data-parent="110000"><option value="110101">东城区' in body
    assert 'value="110103"' not in body  # abolished: not offered
    assert "js/regions.js" in body


def test_an_abolished_code_is_refused_with_its_year_and_nothing_is_saved(english):
    response = _register(english, region_0="110000", region_2="110103")
    assert response.status_code == 200
    assert response.context["form"].errors["region"] == [
        "The region code 110103 (崇文区) was abolished in 2010; choose the region that "
        "replaced it."]
    assert not Agency.objects.exists()


def test_an_unknown_code_and_an_inconsistent_combination_are_refused(english):
    response = _register(english, region="999999")
    assert response.context["form"].errors["region"] == ["Unknown region code: 999999"]
    response = _register(english, region_0="430000", region_1="420100", region_2="420111")
    assert response.context["form"].errors["region"] == [
        "The City 武汉市 (420100) is not in 湖南省 (430000): choose again."]
    response = _register(english, region_0="420000", region_2="110101")
    assert "东城区" in response.context["form"].errors["region"][0]
    response = _register(english, **HONGSHAN, service_regions="420100；110103")
    assert "110103" in response.context["form"].errors["service_regions"][0]
    assert not Agency.objects.exists()


def test_regions_served_are_typed_as_codes_or_names_and_ambiguous_names_refused(english):
    response = _register(english, **HONGSHAN, service_regions="朝阳区")
    errors = response.context["form"].errors["service_regions"][0]
    assert "110105" in errors and "220104" in errors
    response = _register(english, **HONGSHAN, service_regions="湖北省、420100 武汉市；北京市")
    assert response.status_code == 302
    created = Agency.objects.get()
    assert sorted(r.code for r in created.service_regions.all()) == [
        "110000", "420000", "420100"]


def test_the_profile_edit_form_shows_the_county_chosen_in_each_select(client):
    mine = agency(region_code="420111", service_regions=[region("420100")])
    client.force_login(agency_user(mine))
    body = client.get(reverse("agencies:edit", args=[mine.pk])).content.decode()
    assert '<option value="420000" selected>湖北省</option>' in body
    assert '<option value="420100" selected>武汉市</option>' in body
    assert '<option value="420111" selected>洪山区</option>' in body
    assert "420100 武汉市</textarea>" in body
