"""Schemathesis over /api/schema/ (issue 8, "Schema"): every operation of the OpenAPI schema is
called with generated input, as an enterprise (purchaser) and as an agency (token auth), on a
small seeded database (a project in each state, an award, agencies). The run asserts no server
error and no response-schema violation: the body matches the documented schema, the status code
is documented, the content type is the documented one.

Bounded so CI stays fast: a fixed number of derandomized examples per operation, no shrinking
(a failure is reported with the example that found it)."""
from __future__ import annotations

import datetime as dt

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase, given, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from bidding.models import Project
from marketplace.wsgi import application
from tests.conftest import module_transaction
from tests.factories import awards as af
from tests.factories import bidding as bf
from tests.factories import ratings as rf
from tests.factories.agencies import agency_user

EXAMPLES = 15
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]


def _schema():
    document = SchemaGenerator().get_schema(request=None, public=True)
    schema = schemathesis.openapi.from_dict(document)
    return schema


SCHEMA = _schema()
OPERATIONS = sorted(
    (result.ok() for result in SCHEMA.get_all_operations()),
    key=lambda op: (op.path, op.method))


@pytest.fixture
def in_process_wsgi():
    """The site's WSGI application, serving inside the test's transaction: Django's test client
    does the same (it stops ``close_old_connections`` from closing the test's connection)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield application
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """A project in each state, an accepted award with a rating, agencies; the purchaser who
    owns them and an agency that bid, each with an API token. Made once for the module's 210
    tests (``tests/conftest.py::module_transaction``; each test in its own savepoint, so what
    one call changes the next does not see): made per test it cost 0.5–1.4 s each."""
    with module_transaction(django_db_blocker):
        yield _seed()


def _seed() -> dict:
    award = rf.accepted_award()
    owner = award.project.created_by
    rf.rating(award)
    winner = agency_user(award.agency)
    now = timezone.now()
    item = award.project.item
    for status in Project.Status.values:
        bf.project(owner=owner, item=item, status=status)
    bf.live_auction(owner=owner, item=item)
    bf.selecting(method=Project.Method.RANDOM_DRAW, owner=owner, item=item)
    bf.selecting(method=Project.Method.AVERAGE_PRICE, owner=owner, item=item)
    bf.selecting(method=Project.Method.COMPREHENSIVE, owner=owner, item=item)
    af.made_award(owner=owner, item=item, signup_deadline=now - dt.timedelta(hours=3))
    return {"enterprise": Token.objects.get_or_create(user=owner)[0].key,
            "agency": Token.objects.get_or_create(user=winner)[0].key}


@pytest.mark.parametrize("identity", ["enterprise", "agency"])
@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: f"{op.method.upper()} {op.path}")
def test_every_operation_answers_as_documented(operation, identity, seeded, db,
                                                in_process_wsgi):
    headers = {"Authorization": f"Token {seeded[identity]}", "Accept-Language": "en"}
    strategy = (operation.as_strategy(generation_mode=GenerationMode.POSITIVE)
                | operation.as_strategy(generation_mode=GenerationMode.NEGATIVE))

    @settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
              phases=[Phase.explicit, Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(case=strategy)
    def run(case):
        case.call_and_validate(headers=headers, checks=CHECKS, app=in_process_wsgi)

    run()
