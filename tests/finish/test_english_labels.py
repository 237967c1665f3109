"""Issue 12: badges and units speak the reader's language — the catalogue's fee type (stored
as the Chinese option) and the auction's unit (tests/finish/test_auction_page.py)."""
import re

import pytest
from django.urls import reverse

from core.catalogue import FEE_GOVERNMENT, FEE_MARKET
from tests.marketplace.test_catalogue_pages import _item

pytestmark = pytest.mark.django_db


def _badges(html: str) -> list[str]:
    return re.findall(r'<span class="badge badge-(?:ok|warn)">([^<]*)</span>', html)


@pytest.mark.parametrize("page", ["catalogue", "catalogue-fees"])
def test_fee_type_badges_are_translated(client, page):
    _item(fee_type=FEE_GOVERNMENT)
    _item(title="水土保持方案编制", fee_type=FEE_MARKET)
    client.cookies["django_language"] = "en"
    english = _badges(client.get(reverse(page)).content.decode())
    assert sorted(english) == ["Government-guided price", "Market-set price"]
    client.cookies["django_language"] = "zh-hans"
    chinese = _badges(client.get(reverse(page)).content.decode())
    assert sorted(chinese) == sorted([FEE_GOVERNMENT, FEE_MARKET])
