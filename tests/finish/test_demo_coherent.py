"""Issue 12, item 5: a coherent demo. ``load_demo`` is run once and every project, sign-up, bid,
award, objection, contract, delivery and rating is held to the calendar rules
(tests/finish/demo_rules.py); a failure lists every break, one per line."""
import datetime as dt

import pytest
from django.utils import timezone

from bidding.models import Award, Project
from core.audit import audit_verify
from tests.finish.demo_rules import violations

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(demo_module):
    """The demo loaded once for this module (tests/conftest.py::demo_module)."""
    return demo_module["output"]


def test_the_demo_keeps_every_calendar_rule_and_prints_the_address_it_is_served_on(demo):
    broken = violations()
    assert not broken, f"{len(broken)} calendar violations in the demo:\n" + "\n".join(broken)
    assert demo.rstrip().endswith("Open http://127.0.0.1:8101/")
    # what the rules look at is there: every stage of the life cycle
    assert Project.objects.filter(status=Project.Status.PUBLISHED,
                                  signup_deadline__gt=timezone.now()).exists()
    direct = Project.objects.filter(method=Project.Method.DIRECT, status=Project.Status.AWARDED)
    assert direct.exists() and not direct.filter(signup_deadline__isnull=False).exists()
    contracted = Award.objects.filter(contract__confirmed_at__isnull=False)
    assert contracted.count() >= 6
    for award in contracted.select_related("contract"):
        assert award.decided_at <= award.objection_until <= award.contract.created
    assert audit_verify().ok


def test_the_rules_catch_a_project_published_after_its_deadline(demo):
    project = Project.objects.filter(status=Project.Status.AWARDED).exclude(
        method=Project.Method.DIRECT).first()
    Project.objects.filter(pk=project.pk).update(
        published_at=project.signup_deadline + dt.timedelta(hours=1))
    found = violations()
    assert any(line.startswith(f"project {project.pk} ") and "after its sign-up deadline" in line
               for line in found), found
