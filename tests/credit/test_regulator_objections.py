"""The objection queue of the workspace decides through h6's ``objection_decide``."""
import pytest

from bidding.models import Objection
from tests.factories.awards import made_award
from tests.factories.core import regulator_user

pytestmark = pytest.mark.django_db


def test_filed_objection_is_queued_and_decided_from_the_workspace(client):
    award = made_award()
    other = award.project.signups.exclude(agency=award.agency).first().agency
    objection = Objection.objects.create(award=award, agency=other,
                                         text="中选人报价明显低于成本，请核查。")
    client.force_login(regulator_user())
    page = client.get("/regulator/objections/").content.decode()
    assert "中选人报价明显低于成本" in page
    csv = b"".join(client.get("/regulator/objections/?format=csv").streaming_content).decode(
        "utf-8-sig")
    assert "中选人报价明显低于成本" in csv
    client.post(f"/regulator/objections/{objection.pk}/decide/",
                {"upheld": "0", "decision": "报价在限价范围内，驳回异议。"})
    objection.refresh_from_db()
    assert objection.status == Objection.Status.REJECTED
    assert objection.decision == "报价在限价范围内，驳回异议。"
    assert "中选人报价明显低于成本" not in client.get("/regulator/objections/").content.decode()
