"""Simultaneous registrations of one credit code over the API: exactly one wins, the other is
refused with a readable 4xx, never a 500."""

import pytest
from rest_framework.test import APIClient

from agencies.models import Agency
from tests.api.conftest import registration_payload
from tests.concurrency import at_once
from tests.conftest import requires_postgres


@requires_postgres
@pytest.mark.django_db(transaction=True)
def _register_at_once(payloads: list[dict]) -> list[tuple[int, str | None, dict]]:
    def register(i):
        response = APIClient().post("/api/v1/agencies/", payloads[i], format="json")
        body = response.json()
        return response.status_code, body.get("detail"), body.get("errors", {})

    return at_once(len(payloads), register)


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_registrations_of_one_user_name_one_wins_other_is_told_the_field():
    statuses = _register_at_once([registration_payload(n, username="同名用户") for n in range(4)])
    assert [s for s, _d, _f in statuses].count(201) == 1, statuses
    refused = [(d, f) for s, d, f in statuses if s != 201]
    assert all(d and "username" in f for d, f in refused), statuses
    assert Agency.objects.count() == 1


@pytest.mark.django_db
def test_a_user_name_differing_only_in_width_is_taken():
    first = APIClient().post("/api/v1/agencies/", registration_payload(1, username="agency"),
                             format="json")
    assert first.status_code == 201, first.json()
    second = APIClient().post("/api/v1/agencies/",
                              registration_payload(2, username="ａｇｅｎｃｙ"), format="json")
    assert second.status_code == 400 and "username" in second.json()["errors"], second.json()


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_registrations_of_one_code_one_wins_other_gets_4xx():
    code = registration_payload(1)["uscc"]
    statuses = [(s, d) for s, d, _f in
                _register_at_once([registration_payload(n, uscc=code) for n in range(4)])]
    assert sorted(s for s, _d in statuses)[0] == 201, statuses
    assert [s for s, _d in statuses].count(201) == 1, statuses
    assert all(400 <= s < 500 and d for s, d in statuses if s != 201), statuses
    assert Agency.objects.filter(uscc=code).count() == 1
