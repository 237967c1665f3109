"""The declared life cycles of sanctions and inspections, and the credit permissions: the same
table and the same rules serve the services, the set-wise exit executor and the buttons."""
import pytest
from django.template import Context, Template
from django.test import RequestFactory

from core.audit import action_label, registered_actions
from core.errors import Conflict, NotAllowed
from core.models import AuditEvent
from core.permissions import has_perm, require_perm
from credit.models import Inspection, InspectionFinding, Sanction
from credit.services import sanctions
from tests.factories.agencies import agency as make_agency
from tests.factories.agencies import agency_user
from tests.factories.core import purchaser_user, regulator_user

pytestmark = pytest.mark.django_db


def test_every_sanction_and_inspection_move_has_a_registered_action_with_a_label():
    for machine in (Sanction.transitions, Inspection.transitions,
                    InspectionFinding.transitions):
        for t in machine.table.values():
            assert t.action in registered_actions()
            assert action_label(t.action) != t.action
    for code in sanctions.CREATED_ACTIONS.values():
        assert code in registered_actions()


def test_a_sanction_moves_only_as_its_table_says():
    machine = Sanction.transitions
    assert machine.names_from(Sanction.Status.PROPOSED) == ["confirm", "reject", "revoke"]
    assert machine.names_from(Sanction.Status.ACTIVE) == ["lift", "expire", "revoke"]
    assert machine.names_from(Sanction.Status.LIFTED) == []


def test_lifting_a_lifted_sanction_is_refused_by_the_table_and_audited_once():
    regulator = regulator_user()
    target = make_agency()
    sanction = sanctions.sanction_impose(actor=regulator, agency=target, kind="warning",
                                         reason="未按规定公示收费标准")
    sanctions.sanction_lift(actor=regulator, sanction=sanction, reason="已整改")
    with pytest.raises(Conflict, match="in force"):
        sanctions.sanction_lift(actor=regulator, sanction=sanction, reason="再次")
    lifted = AuditEvent.objects.get(action="sanction.lifted", object_id=str(sanction.pk))
    assert lifted.data["status"] == ["active", "lifted"]
    assert lifted.data["reason"] == "已整改"


def test_only_regulators_impose_and_only_the_sanctioned_agency_appeals():
    regulator = regulator_user()
    target = make_agency()
    other = make_agency()
    assert has_perm(regulator, "credit.impose_sanction")
    assert not has_perm(purchaser_user(), "credit.impose_sanction")
    with pytest.raises(NotAllowed):
        sanctions.sanction_impose(actor=purchaser_user(), agency=target, kind="warning",
                                  reason="x")
    sanction = sanctions.sanction_impose(actor=regulator, agency=target, kind="warning",
                                         reason="未按规定公示收费标准")
    sanction.refresh_from_db()
    assert has_perm(agency_user(target), "credit.appeal_sanction", sanction)
    assert not has_perm(agency_user(other), "credit.appeal_sanction", sanction)
    assert not has_perm(regulator, "credit.appeal_sanction", sanction)
    with pytest.raises(NotAllowed, match="sanctioned agency"):
        require_perm(agency_user(other), "credit.appeal_sanction", sanction)


def test_the_template_tag_shows_a_button_by_the_same_permission():
    regulator = regulator_user()
    template = Template('{% load core_tags %}{% can "credit.impose_sanction" as ok %}'
                        '{% if ok %}yes{% else %}no{% endif %}')
    for user, shown in ((regulator, "yes"), (purchaser_user(), "no")):
        request = RequestFactory().get("/")
        request.user = user
        assert template.render(Context({"request": request})) == shown
