"""What the directory reads: the values kept on the agency's row for it (regions served, lowest
fee), the paginator that loads a page's rows by id, and the headline total reused as the count
of an unfiltered listing."""
from decimal import Decimal

import pytest
from django.urls import reverse

from agencies.filters import AgencyFilter
from agencies.models import Agency
from agencies.selectors.directory import (
    DirectoryPaginator,
    agency_directory_queryset,
    directory_counts,
)
from agencies.services.registry import (
    OfferInput,
    agency_offer_remove,
    agency_offer_set,
    agency_update,
)
from tests.factories.agencies import agency, agency_user, bulk_agencies, service_item
from tests.factories.core import region

pytestmark = pytest.mark.django_db


def listed(**params) -> list[int]:
    return [a.pk for a in AgencyFilter(params, queryset=agency_directory_queryset()).qs]


def flag(created: Agency) -> bool:
    return Agency.objects.values_list("serves_everywhere", flat=True).get(pk=created.pk)


def lowest_fee(created: Agency):
    return Agency.objects.values_list("lowest_fee", flat=True).get(pk=created.pk)


# -- regions served ------------------------------------------------------------------------------
def test_an_agency_that_clears_its_served_regions_serves_every_region_again():
    hubei, xinjiang = region("420000"), region("650000")
    created = agency(region_code="420000", service_regions=[hubei])
    assert flag(created) is False
    assert created.pk not in listed(region=str(xinjiang.pk))

    agency_update(actor=agency_user(created), agency=created, changes={}, service_regions=[])
    assert flag(created) is True
    assert created.pk in listed(region=str(xinjiang.pk))

    agency_update(actor=agency_user(created), agency=created, changes={},
                  service_regions=[xinjiang])
    assert flag(created) is False
    assert created.pk in listed(region=str(xinjiang.pk))
    assert created.pk in listed(region=str(hubei.pk))  # where it is registered, still
    assert created.pk not in listed(region=str(region("110000").code))


def test_regions_served_changed_from_the_region_side_keep_the_flag():
    created = agency(region_code="420000")
    assert flag(created) is True
    beijing = region("110000")
    beijing.served_by.add(created)
    assert flag(created) is False
    beijing.served_by.clear()
    assert flag(created) is True


def test_a_new_agency_listing_no_region_is_found_in_every_region():
    created = agency(region_code="650000")
    assert flag(created) is True
    assert created.pk in listed(region=str(region("420000").code))


# -- lowest fee ----------------------------------------------------------------------------------
def test_the_lowest_fee_follows_offers_set_changed_and_withdrawn():
    cheap_item, dear_item = service_item(title="甲事项"), service_item(title="乙事项")
    created = agency(offers=[OfferInput(item=dear_item, fee=Decimal("900"))])
    assert lowest_fee(created) == Decimal("900")
    actor = agency_user(created)
    agency_offer_set(actor=actor, agency=created,
                     offer=OfferInput(item=cheap_item, fee=Decimal("300")))
    assert lowest_fee(created) == Decimal("300")
    agency_offer_set(actor=actor, agency=created,
                     offer=OfferInput(item=cheap_item, fee=Decimal("1200")))
    assert lowest_fee(created) == Decimal("900")
    agency_offer_remove(actor=actor, agency=created, item=dear_item)
    assert lowest_fee(created) == Decimal("1200")
    agency_offer_remove(actor=actor, agency=created, item=cheap_item)
    assert lowest_fee(created) is None


def test_sorting_by_fee_without_an_item_puts_agencies_without_a_fee_last():
    item = service_item()
    dear = agency(offers=[OfferInput(item=item, fee=Decimal("5000"))])
    no_fee = agency(offers=[OfferInput(item=item, fee=None)])
    cheap = agency(offers=[OfferInput(item=item, fee=Decimal("100"))])
    nothing = agency()
    order = listed(sort="fee")
    assert order[:2] == [cheap.pk, dear.pk]
    assert set(order[2:]) == {no_fee.pk, nothing.pk}


# -- pages ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("params", [
    {}, {"sort": "name"}, {"sort": "newest"}, {"sort": "fee"}, {"sort": "fee", "item": "ITEM"},
    {"region": "REGION", "min_stars": "2"},
])
def test_every_page_lists_the_agencies_of_the_plain_listing_in_its_order(params):
    item = service_item()
    bulk_agencies(45, offers=[item], start=800000)
    resolved = {k: {"ITEM": str(item.pk), "REGION": str(region("420000").code)}.get(v, v)
                for k, v in params.items()}
    rows = AgencyFilter(resolved, queryset=agency_directory_queryset()).qs
    expected = [a.pk for a in rows]
    paginator = DirectoryPaginator(rows, 20)
    pages = [[a.pk for a in paginator.page(n).object_list] for n in paginator.page_range]
    assert pages == [expected[i:i + 20] for i in range(0, len(expected), 20)]
    assert len(pages) > 1
    assert [a.offer_count for a in paginator.page(2).object_list] == [1] * len(pages[1])


def test_the_unfiltered_directory_counts_its_agencies_once_with_the_headline_total(client):
    item = service_item()
    bulk_agencies(25, offers=[item], start=810000)
    agency(region_code="650000")
    total = directory_counts()["total"]
    for params in ({}, {"sort": "name", "page": "2"}, {"item": "999999"}):  # bad values: ignored
        page = client.get(reverse("agencies:directory"), params).context["page_obj"]
        assert page.paginator.count == total == 26
    page = client.get(reverse("agencies:directory"), {"item": item.pk}).context["page_obj"]
    assert page.paginator.count == 25
