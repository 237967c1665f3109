"""One rule decides who may change an agency (``agencies.edit_agency``): the services require
it, the API asks it before reading a body, and the profile page shows its buttons by it."""
import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template
from rest_framework.test import APIClient

from agencies.services.importer import RowError, _decimal
from core.permissions import has_perm, permission_message
from tests.factories.agencies import agency, agency_user
from tests.factories.core import purchaser_user, regulator_user

pytestmark = pytest.mark.django_db


def test_edit_agency_is_held_by_the_agency_itself_only():
    mine, theirs = agency(), agency()
    assert has_perm(agency_user(mine), "agencies.edit_agency", mine)
    assert not has_perm(regulator_user(), "agencies.edit_agency", mine)
    assert not has_perm(agency_user(theirs), "agencies.edit_agency", mine)
    assert not has_perm(purchaser_user(), "agencies.edit_agency", mine)
    assert not has_perm(AnonymousUser(), "agencies.edit_agency", mine)
    assert not has_perm(None, "agencies.edit_agency", mine)  # the platform edits no profile
    assert str(permission_message("agencies.edit_agency")) == (
        "Only the agency itself may change this profile.")


def test_profile_buttons_follow_the_permission(client):
    mine, theirs = agency(), agency()
    client.force_login(agency_user(theirs))
    assert b"/edit/" not in client.get(mine.get_absolute_url()).content
    client.force_login(agency_user(mine))
    assert f"/agencies/{mine.pk}/edit/".encode() in client.get(mine.get_absolute_url()).content


def test_api_refuses_an_outsider_before_reading_the_body():
    victim, intruder = agency(), agency()
    api = APIClient()
    api.force_authenticate(agency_user(intruder))
    api.credentials(HTTP_ACCEPT_LANGUAGE="en")
    response = api.patch(f"/api/v1/agencies/{victim.pk}/", {"no_such_field": 1}, format="json")
    assert response.status_code == 403
    assert response.json()["detail"] == (
        "Only the agency itself may change this profile.")


def test_money_filter_writes_amounts_as_format_money_does():
    template = Template("{% load core_tags %}[{{ a|money }}][{{ b|money }}][{{ c|money }}]")
    assert template.render(Context({"a": 93500, "b": None, "c": "12.5"})) == \
        "[93500.00][][12.50]"


@pytest.mark.parametrize("text", ["NaN", "Infinity", "1e999999999", "abc"])
def test_the_importer_refuses_numbers_the_platform_parser_refuses(text):
    with pytest.raises(RowError, match="参考收费"):
        _decimal(text, "参考收费")


def test_the_importer_reads_fees_with_units_and_separators():
    assert str(_decimal("1,200 元", "参考收费")) == "1200.00"
    assert _decimal("", "参考收费") is None
    with pytest.raises(RowError, match="negative"):
        _decimal("-5", "参考收费")
