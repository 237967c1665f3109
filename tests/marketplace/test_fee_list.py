"""The fee list: min / median / max of the listed agencies' reference fees per item."""
from decimal import Decimal

import pytest
from django.urls import reverse

from agencies.models import Agency
from agencies.services.registry import OfferInput
from marketplace.selectors.catalogue import fee_list
from tests.factories.agencies import agency, service_item

pytestmark = pytest.mark.django_db


def _offer(item, fee):
    return agency(offers=[OfferInput(item=item, fee=None if fee is None else Decimal(fee))])


def test_fee_list_gives_min_median_max_for_odd_and_even_counts():
    odd = service_item(title="奇数事项")
    even = service_item(title="偶数事项")
    for fee in (3000, 1000, 2000):
        _offer(odd, fee)
    for fee in (4000, 1000, 3000, 2000):
        _offer(even, fee)
    rows = {r.item.title: r for r in fee_list()}
    assert (rows["奇数事项"].fee_min, rows["奇数事项"].fee_median, rows["奇数事项"].fee_max) == \
        (Decimal(1000), Decimal(2000), Decimal(3000))
    assert (rows["偶数事项"].fee_min, rows["偶数事项"].fee_median, rows["偶数事项"].fee_max) == \
        (Decimal(1000), Decimal("2500.00"), Decimal(4000))
    assert rows["偶数事项"].offer_count == 4


def test_fee_list_ignores_offers_without_fee_and_of_expelled_agencies():
    item = service_item(title="事项")
    _offer(item, 1000)
    _offer(item, None)
    expelled = _offer(item, 99000)
    Agency.objects.filter(pk=expelled.pk).update(standing=Agency.Standing.EXPELLED)
    row = fee_list()[0]
    assert (row.fee_min, row.fee_median, row.fee_max) == (Decimal(1000), Decimal(1000),
                                                          Decimal(1000))
    assert row.offer_count == 2  # the offer "on request" counts, the expelled agency does not


def test_an_item_without_offers_shows_dashes(client):
    service_item(title="无人提供的事项", fee_standard="政府指导价：按面积计收")
    html = client.get(reverse("catalogue-fees")).content.decode()
    assert "无人提供的事项" in html and "政府指导价：按面积计收" in html
    row = fee_list()[0]
    assert row.fee_min is None and row.fee_median is None and row.offer_count == 0


def test_fee_page_shows_the_figures(client):
    item = service_item(title="测绘")
    for fee in (1500, 2500, 6000):
        _offer(item, fee)
    html = client.get(reverse("catalogue-fees")).content.decode()
    for figure in ("1500", "2500", "6000"):  # zh-hans groups by 4 with no separator
        assert figure in html
