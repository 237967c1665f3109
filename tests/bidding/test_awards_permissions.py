"""The award stage's permissions (bidding/permissions.py §2) and state machines: one rule for
the services, the award page's buttons and the API."""
import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from bidding.models import Award, Delivery, Objection
from bidding.services import contracts, deliveries, objections
from core.audit import action_label
from core.errors import Conflict
from core.permissions import has_perm
from tests.factories.awards import made_award
from tests.factories.core import PASSWORD, regulator_user

pytestmark = pytest.mark.django_db


def agency_user(agency):
    return agency.organisation.members.first().user


def loser_of(award):
    return agency_user(award.project.signups.exclude(pk=award.signup_id).first().agency)


def test_who_may_act_on_an_award():
    award = made_award()
    buyer, winner, loser = award.project.created_by, agency_user(award.agency), loser_of(award)
    regulator = regulator_user()
    assert has_perm(loser, "bidding.object_to_award", award)
    assert not has_perm(winner, "bidding.object_to_award", award)
    assert not has_perm(buyer, "bidding.object_to_award", award)
    for name in ("bidding.upload_contract", "bidding.confirm_contract", "bidding.view_contract"):
        assert has_perm(buyer, name, award) and has_perm(winner, name, award)
        assert not has_perm(loser, name, award) and not has_perm(regulator, name, award)
    for name in ("bidding.refuse_contract", "bidding.submit_delivery"):
        assert has_perm(winner, name, award) and not has_perm(buyer, name, award)
    objection = objections.objection_file(actor=loser, award=award, text="报价异常")
    assert has_perm(buyer, "bidding.answer_objection", objection)
    assert not has_perm(loser, "bidding.answer_objection", objection)
    assert has_perm(regulator, "bidding.decide_objection", objection)
    assert not has_perm(buyer, "bidding.decide_objection", objection)
    assert not has_perm(None, "bidding.decide_objection", objection)


def test_state_machines_declare_the_moves_and_register_their_audit_labels():
    assert Award.transitions.names_from(Award.Status.NOTICE) == [
        "open_contracting", "withdraw", "supersede"]
    assert Award.transitions.names_from(Award.Status.DELIVERED) == [
        "accept_result", "return_result"]
    assert Objection.transitions.names_from(Objection.Status.ANSWERED) == ["uphold", "reject"]
    assert Delivery.transitions.names_from(Delivery.Status.SUBMITTED) == ["accept", "return"]
    for code in ("award.contracting", "award.withdrawn", "award.superseded", "objection.answered",
                 "objection.decided", "contract.confirmed", "delivery.submitted",
                 "delivery.accepted", "delivery.returned"):
        assert action_label(code) != code


def test_a_decided_objection_cannot_be_answered_again():
    award = made_award()
    objection = objections.objection_file(actor=loser_of(award), award=award, text="报价异常")
    objections.objection_decide(actor=regulator_user(), objection=objection, upheld=False,
                                decision="不成立")
    with pytest.raises(Conflict, match="already been answered or decided"):
        objections.objection_answer(actor=award.project.created_by, objection=objection,
                                    answer="迟到的答复")


def page(client, user, award) -> str:
    client.logout()
    if user is not None:
        assert client.login(username=user.username, password=PASSWORD)
    return client.get(reverse("bidding:award-detail", args=[award.pk])).content.decode()


def test_award_page_shows_each_button_to_whom_its_permission_allows(client):
    award = made_award()
    buyer, winner, loser = award.project.created_by, agency_user(award.agency), loser_of(award)
    object_url = reverse("bidding:award-action", args=[award.pk, "object"])
    refuse_url = reverse("bidding:award-action", args=[award.pk, "refuse"])
    assert object_url in page(client, loser, award)
    assert object_url not in page(client, winner, award)
    assert object_url not in page(client, None, award)
    assert refuse_url in page(client, winner, award)
    assert refuse_url not in page(client, buyer, award)

    Award.objects.filter(pk=award.pk).update(
        objection_until=timezone.now() - dt.timedelta(minutes=1))
    upload_url = reverse("bidding:award-action", args=[award.pk, "contract"])
    confirm_url = reverse("bidding:award-action", args=[award.pk, "confirm"])
    assert object_url not in page(client, loser, award)
    assert upload_url in page(client, buyer, award) and upload_url in page(client, winner, award)
    assert upload_url not in page(client, loser, award)
    contracts.contract_upload(actor=buyer, award=award,
                              file=SimpleUploadedFile("c.pdf", b"%PDF-1.4"))
    assert confirm_url in page(client, winner, award)
    assert confirm_url not in page(client, buyer, award)
    contracts.contract_confirm(actor=winner, award=award)
    deliver_url = reverse("bidding:award-action", args=[award.pk, "deliver"])
    assert deliver_url in page(client, winner, award)
    assert deliver_url not in page(client, buyer, award)
    delivery = deliveries.delivery_submit(actor=winner, award=award,
                                          file=SimpleUploadedFile("r.pdf", b"%PDF-1.4"))
    accept_url = reverse("bidding:delivery-action", args=[delivery.pk, "accept"])
    assert accept_url in page(client, buyer, award)
    assert accept_url not in page(client, winner, award)
