"""The outbox's extension point (notifications/outbox.py::register_event_listener): every
notify hands its listeners the event, addressed people or not, inside its transaction."""
from __future__ import annotations

import pytest
from django.db import transaction

from core.models import Organisation
from notifications import outbox
from notifications.models import Notification
from notifications.outbox import Event, notify, register_event_listener
from tests.factories.core import OrganisationFactory, purchaser_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def heard(monkeypatch):
    events: list[Event] = []
    monkeypatch.setattr(outbox, "_LISTENERS", list(outbox._LISTENERS))
    register_event_listener(events.append)
    register_event_listener(events.append)  # twice: still called once
    return events


def test_a_listener_hears_each_notify_with_the_organisations_addressed(heard):
    user = purchaser_user()
    empty = OrganisationFactory(kind=Organisation.Kind.AGENCY)  # nobody to notify in person
    assert notify("award.made", to=[user, empty], obj=user.member.organisation, url="/awards/5/",
                  data={"project": "P", "agency": "A"}, key="award.made:5") == 1
    assert notify("award.made", to=[empty], data={}, key="award.made:6") == 0
    first, second = heard
    assert first.kind == "award.made" and first.key == "award.made:5"
    assert first.organisation_ids == tuple(sorted([user.member.organisation_id, empty.pk]))
    assert (first.object_type, first.object_id) == ("core.organisation",
                                                   str(user.member.organisation_id))
    assert first.url == "/awards/5/" and first.data == {"project": "P", "agency": "A"}
    assert first.at is not None
    assert second.organisation_ids == (empty.pk,)


def test_a_listener_that_raises_rolls_the_notify_back(monkeypatch):
    monkeypatch.setattr(outbox, "_LISTENERS", [])

    def broken(event):
        raise RuntimeError("listener failed")

    register_event_listener(broken)
    user = purchaser_user()
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            notify("award.made", to=[user], data={}, key="award.made:8")
    assert not Notification.objects.exists()
