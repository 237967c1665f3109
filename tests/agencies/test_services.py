import pytest

from agencies.models import Agency
from agencies.services.registry import agency_update
from core.errors import NotAllowed, ValidationFailed
from core.models import AuditEvent
from core.uscc import make_uscc
from tests.factories.agencies import agency, service_item
from tests.factories.core import regulator_user

pytestmark = pytest.mark.django_db


def test_a_valid_code_joins_at_once_and_is_listed_with_its_offer():
    item = service_item()
    created = agency(offers=[item])
    assert Agency.objects.filter(pk=created.pk).exists()
    assert created.partner.stockrecords.get().product == item
    assert AuditEvent.objects.filter(action="agency.registered", object_id=str(created.pk)).exists()


@pytest.mark.parametrize("code, words", [
    ("91420100000000001X", "check character"),
    ("9142010000000000", "18 characters"),
    ("9142010000000000I1", "not a valid"),
])
def test_an_invalid_code_is_refused_with_a_clear_message(code, words, settings):
    settings.LANGUAGE_CODE = "en"
    with pytest.raises(ValidationFailed) as exc:
        agency(uscc=code)
    assert words in str(exc.value)
    assert "uscc" in exc.value.fields
    assert not Agency.objects.exists()


def test_a_duplicate_code_is_refused(settings):
    settings.LANGUAGE_CODE = "en"
    code = make_uscc(4242)
    agency(uscc=code)
    with pytest.raises(ValidationFailed, match="already registered"):
        agency(uscc=code)
    assert Agency.objects.filter(uscc=code).count() == 1


def test_neither_another_agency_nor_a_regulator_can_edit_a_profile():
    mine, theirs = agency(), agency()
    intruder = theirs.organisation.members.get().user
    for actor in (intruder, regulator_user()):
        with pytest.raises(NotAllowed):
            agency_update(actor=actor, agency=mine, changes={"address": "别处"})
    mine.refresh_from_db()
    assert mine.address != "别处"
    assert not AuditEvent.objects.filter(action="agency.updated").exists()


def test_only_members_may_edit_an_agency():
    from django.contrib.auth.models import AnonymousUser

    from agencies.services.registry import agency_may_edit
    from tests.factories.agencies import agency_user
    from tests.factories.core import purchaser_user

    mine, theirs = agency(), agency()
    assert agency_may_edit(actor=agency_user(mine), agency=mine)
    assert not agency_may_edit(actor=agency_user(theirs), agency=mine)
    assert not agency_may_edit(actor=purchaser_user(), agency=mine)
    assert not agency_may_edit(actor=AnonymousUser(), agency=mine)
    assert not agency_may_edit(actor=regulator_user(), agency=mine)
