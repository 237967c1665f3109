"""``agencies.filters.AgencyFilter`` on its own (as the API reuses it, without a request)."""
import pytest

from agencies.filters import AgencyFilter
from agencies.models import Agency
from agencies.selectors import agency_directory_queryset
from tests.factories.agencies import agency, service_item
from tests.factories.core import region

pytestmark = pytest.mark.django_db


def listed(**params) -> list[int]:
    return [a.pk for a in AgencyFilter(params, queryset=agency_directory_queryset()).qs]


def test_the_filter_works_without_a_request_and_keeps_the_credit_order():
    item = service_item()
    low, high, other = agency(offers=[item]), agency(offers=[item]), agency()
    Agency.objects.filter(pk=high.pk).update(credit_stars=5)
    Agency.objects.filter(pk=low.pk).update(credit_stars=1)
    assert listed(item=str(item.pk)) == [high.pk, low.pk]
    assert other.pk in listed()


def test_sorting_by_fee_uses_the_fee_on_the_chosen_item():
    item, another = service_item(title="甲事项"), service_item(title="乙事项")
    from agencies.services import OfferInput

    cheap = agency(offers=[OfferInput(item=item, fee=100), OfferInput(item=another, fee=90000)])
    dear = agency(offers=[OfferInput(item=item, fee=5000), OfferInput(item=another, fee=1)])
    assert listed(item=str(item.pk), sort="fee") == [cheap.pk, dear.pk]
    assert listed(item=str(another.pk), sort="fee") == [dear.pk, cheap.pk]


def test_an_agency_serving_a_region_is_found_there_wherever_it_is_registered():
    far = agency(region_code="650000", service_regions=[region("420000")])
    local = agency(region_code="420000", service_regions=[region("420000")])
    elsewhere = agency(region_code="110000", service_regions=[region("110000")])
    hubei = listed(region=str(region("420000").pk))
    assert set(hubei) == {far.pk, local.pk}
    assert elsewhere.pk not in hubei
    assert len(listed()) == 3


def test_an_unknown_filter_value_is_a_form_error_not_a_crash():
    agency()
    f = AgencyFilter({"item": "999999", "min_stars": "7"}, queryset=agency_directory_queryset())
    assert not f.is_valid()
    assert set(f.errors) == {"item", "min_stars"}
