"""``agencies.filters.AgencyFilter`` on its own (as the API reuses it, without a request)."""
import re

import pytest
from django import forms

from agencies.filters import AgencyFilter, PlainSelect
from agencies.models import Agency
from agencies.selectors.directory import agency_directory_queryset
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
    from agencies.services.registry import OfferInput

    cheap = agency(offers=[OfferInput(item=item, fee=100), OfferInput(item=another, fee=90000)])
    dear = agency(offers=[OfferInput(item=item, fee=5000), OfferInput(item=another, fee=1)])
    assert listed(item=str(item.pk), sort="fee") == [cheap.pk, dear.pk]
    assert listed(item=str(another.pk), sort="fee") == [dear.pk, cheap.pk]


def test_an_agency_serving_a_region_is_found_there_wherever_it_is_registered():
    far = agency(region_code="650000", service_regions=[region("420000")])
    local = agency(region_code="420000", service_regions=[region("420000")])
    elsewhere = agency(region_code="110000", service_regions=[region("110000")])
    hubei = listed(region=str(region("420000").code))
    assert set(hubei) == {far.pk, local.pk}
    assert elsewhere.pk not in hubei
    assert len(listed()) == 3


def test_an_unknown_filter_value_is_a_form_error_not_a_crash():
    agency()
    f = AgencyFilter({"item": "999999", "min_stars": "7"}, queryset=agency_directory_queryset())
    assert not f.is_valid()
    assert set(f.errors) == {"item", "min_stars"}


@pytest.mark.parametrize("params", [{}, {"region": "REGION", "sort": "name", "min_stars": "4"}])
def test_the_filter_selects_render_the_markup_of_djangos_own_select(params):
    item = service_item(title="<b>事项</b> & 其他")
    params = {k: str(region("420000").code) if v == "REGION" else v for k, v in params.items()}
    params["item"] = str(item.pk)
    form = AgencyFilter(params, queryset=agency_directory_queryset()).form
    selects = [name for name, field in form.fields.items()
               if isinstance(field.widget, PlainSelect)]
    # the region filter is the cascading picker of core/widgets.py
    assert set(selects) == {"item", "category", "min_stars", "nature", "sort"}
    for name in selects:
        ours = str(form[name])
        field = form.fields[name]
        field.widget = forms.Select(choices=field.widget.choices)
        theirs = str(form[name])
        assert re.sub(r">\s+<", "><", ours) == re.sub(r">\s+<", "><", theirs).strip()
        assert "&lt;b&gt;" in ours or name != "item"
        assert " selected" in ours or name not in params
