"""Simultaneous registrations of one credit code over the API: exactly one wins, the other is
refused with a readable 4xx, never a 500."""
import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from agencies.models import Agency
from tests.api.conftest import registration_payload
from tests.conftest import requires_postgres


@requires_postgres
@pytest.mark.xfail(reason=(
    "agencies.services.agency_register catches IntegrityError only around the agency row; the "
    "organisation row (uniq_organisation_kind_uscc) and the user name are inserted first, so "
    "the loser of the race gets a 500. Fix belongs in the service (reported to its owner)."),
    strict=False)
@pytest.mark.django_db(transaction=True)
def test_simultaneous_registrations_of_one_code_one_wins_other_gets_4xx():
    code = registration_payload(1)["uscc"]
    barrier = threading.Barrier(4)
    statuses = []

    def register(n):
        try:
            barrier.wait()
            response = APIClient().post("/api/v1/agencies/",
                                        registration_payload(n, uscc=code), format="json")
            statuses.append((response.status_code, response.json().get("detail")))
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(s for s, _d in statuses)[0] == 201, statuses
    assert [s for s, _d in statuses].count(201) == 1, statuses
    assert all(400 <= s < 500 and d for s, d in statuses if s != 201), statuses
    assert Agency.objects.filter(uscc=code).count() == 1
