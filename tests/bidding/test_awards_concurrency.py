"""Periodic award work run twice at once (PostgreSQL row locks): exactly one outcome."""
import datetime as dt

import pytest
from django.utils import timezone

from bidding import signals
from bidding.models import Award, Project
from bidding.services import contracts, draws
from tests.concurrency import at_once
from tests.conftest import requires_postgres
from tests.factories import bidding as bf


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_contract_deadline_runs_supersede_once_and_offer_the_runner_up_once():
    project, _s = bf.selecting(method=Project.Method.RANDOM_DRAW, bidders=3)
    award = draws.draw_run(actor=project.created_by, project=project)
    Award.objects.filter(pk=award.pk).update(
        objection_until=timezone.now() - dt.timedelta(days=20),
        status=Award.Status.CONTRACTING,
        contract_deadline=timezone.now() - dt.timedelta(days=1))
    refused = []
    signals.award_refused.connect(lambda sender, **kw: refused.append(kw["award"].pk),
                                  weak=False, dispatch_uid="test-concurrent-refused")
    try:
        at_once(2, lambda i: contracts.contract_deadlines_enforce())
    finally:
        signals.award_refused.disconnect(dispatch_uid="test-concurrent-refused")
    assert refused == [award.pk]
    assert Award.objects.filter(project=project, rank=2).count() == 1
    assert Award.objects.get(pk=award.pk).status == Award.Status.SUPERSEDED


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_draws_make_one_award():
    project, _s = bf.selecting(method=Project.Method.RANDOM_DRAW, bidders=3)
    results = at_once(2, lambda i: draws.draw_run(actor=None, project=project.pk).pk)
    assert len(set(results)) == 1
    assert Award.objects.filter(project=project).count() == 1
