"""Every release the demo writes (every state a project of the demo reaches) is valid OCDS
1.1.5 with the bid extension, and so are the packages; nothing confidential is in them
(docs/architecture.md, "Open data")."""
from __future__ import annotations

import json
import re

import pytest
from django.contrib.auth import get_user_model

from agencies.models import Agency, Practitioner
from bidding.models import Bid, Expert, Project
from core.models import Organisation
from opendata.models import Release
from opendata.ocds import compile_record, ocid_for, record_package, release_package
from opendata.services.releases import release_backfill
from opendata.validation import validate_package, validate_release

pytestmark = pytest.mark.django_db
MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")


@pytest.fixture
def demo(demo_module):
    return demo_module


def _releases():
    return list(Release.objects.select_related("project").order_by("date", "pk"))


def test_the_demo_writes_releases_for_every_public_project_through_the_listener(demo):
    public = Project.objects.exclude(status=Project.Status.DRAFT)
    assert public.exists()
    with_release = set(Release.objects.values_list("project_id", flat=True))
    assert set(public.values_list("pk", flat=True)) <= with_release
    assert not Release.objects.filter(project__status=Project.Status.DRAFT).exists()
    statuses = set(public.values_list("status", flat=True))
    assert {Project.Status.PUBLISHED, Project.Status.AWARDED} <= statuses, statuses
    assert release_backfill() == []  # the listener left nothing to backfill


def test_every_release_of_the_demo_is_valid_ocds(demo):
    rows = _releases()
    assert len(rows) > 20
    problems = {row.release_id: validate_release(row.data) for row in rows}
    assert {k: v for k, v in problems.items() if v} == {}
    for row in rows:
        assert row.data["ocid"] == row.ocid == ocid_for(row.project)
        assert row.data["id"] == row.release_id and row.data["tag"] == row.tags


def test_releases_show_each_change_whole_final_codes_and_statuses(demo):
    """What a service writes right after its audit event is in the release of that event: the
    award's final verification code, the project awarded, the accepted delivery's contract."""
    from bidding.models import Award

    codes = set(Award.objects.values_list("code", flat=True))
    for row in _releases():
        assert "TMP-" not in json.dumps(row.data), row.release_id
        assert {a["id"] for a in row.data.get("awards", [])} <= codes
        if row.tags == ["award"]:
            assert row.data["tender"]["status"] == "complete", row.release_id
        if "contractTermination" in row.tags:
            assert {c["status"] for c in row.data["contracts"]} >= {"terminated"}
        if row.tags == ["implementationUpdate"]:  # returned: still in service
            assert any(c["status"] == "active" for c in row.data["contracts"])
    for record in (compile_record(ocid) for ocid in {r.ocid for r in _releases()}):
        awards = record["compiledRelease"].get("awards", [])
        assert len(awards) == len({a["id"] for a in awards})
        assert {a["id"] for a in awards} == set(
            Award.objects.filter(project_id=int(record["ocid"].rsplit("-", 1)[1]))
            .values_list("code", flat=True))


def test_release_and_record_packages_of_the_demo_are_valid(demo):
    rows = _releases()
    package = release_package([r.data for r in rows], uri="http://testserver/api/v1/ocds/releases/")
    assert validate_package(package, "release") == []
    ocids = sorted({r.ocid for r in rows})
    records = [compile_record(ocid) for ocid in ocids]
    assert validate_package(record_package(records, uri="http://testserver/r/"), "record") == []
    for record in records:
        assert validate_release(record["compiledRelease"]) == []
        assert record["compiledRelease"]["ocid"] == record["ocid"]
        assert [link["date"] for link in record["releases"]] == sorted(
            link["date"] for link in record["releases"])


def test_no_tenderer_before_signup_closes_and_no_bids_before_the_selection_closes(demo):
    seen_open = seen_closed_bids = False
    for row in _releases():
        data = row.data
        tender = data["tender"]
        status = tender["status"]
        roles = {role for party in data.get("parties", []) for role in party["roles"]}
        if status == "active" and not data.get("awards"):
            # before any award: no bids, and no tenderers while sign-up is open
            assert "bids" not in data, row.release_id
        if "planning" in data["tag"]:  # the posting as published: sign-up open
            seen_open = True
            assert "tenderers" not in tender and "numberOfTenderers" not in tender
            assert roles <= {"buyer"}, (row.release_id, roles)
        if "bids" in data:
            seen_closed_bids = True
            assert status in ("complete", "unsuccessful"), row.release_id
            assert row.project.method in (Project.Method.LIVE_BIDDING,
                                          Project.Method.AVERAGE_PRICE)
    assert seen_open and seen_closed_bids


def test_live_bids_appear_once_the_auction_has_closed_with_their_statistics(demo):
    auctioned = Project.objects.filter(method=Project.Method.LIVE_BIDDING,
                                       status__in=[Project.Status.AWARDED, Project.Status.CLOSED],
                                       bids__isnull=False).distinct()
    assert auctioned.exists()
    for project in auctioned:
        newest = Release.objects.filter(project=project).order_by("-date", "-pk").first()
        bids = newest.data["bids"]
        assert len(bids["details"]) == Bid.objects.filter(project=project).count()
        stats = {s["measure"]: s["value"] for s in bids["statistics"]}
        assert stats["bids"] == len(bids["details"])
        assert stats["lowestValidBidValue"] == min(d["value"]["amount"] for d in bids["details"])


def test_no_personal_data_anywhere_in_the_published_json(demo):
    text = json.dumps([r.data for r in _releases()], ensure_ascii=False)
    users = get_user_model().objects.all()
    emails = {u.email for u in users if u.email}
    emails |= set(Organisation.objects.exclude(contact_email="")
                  .values_list("contact_email", flat=True))
    emails |= set(Agency.objects.exclude(contact_email="").values_list("contact_email", flat=True))
    usernames = {u.username for u in users if len(u.username) >= 5}
    people = set(Agency.objects.values_list("contact_name", flat=True))
    people |= set(Agency.objects.values_list("legal_representative", flat=True))
    people |= set(Organisation.objects.exclude(contact_name="")
                  .values_list("contact_name", flat=True))
    people |= set(Practitioner.objects.values_list("name", flat=True))
    people |= set(Expert.objects.values_list("name", flat=True))
    phones = set(Agency.objects.values_list("contact_phone", flat=True))
    phones |= set(Organisation.objects.exclude(contact_phone="")
                  .values_list("contact_phone", flat=True))
    people |= {f"{u.last_name}{u.first_name}" for u in users if u.last_name or u.first_name}
    assert emails and usernames and people
    assert [e for e in emails if e in text] == []
    assert [u for u in usernames if f'"{u}"' in text or f" {u} " in text] == []
    assert [p for p in people if len(p) >= 2 and p in text] == []
    assert [p for p in phones if p and p in text] == []
    assert MOBILE.findall(text) == []
    assert EMAIL.findall(text) == []


def test_releases_of_a_project_are_append_only(demo):
    """A later change adds a release and leaves every earlier one as it was."""
    from bidding.services.postings import project_withdraw

    project = Project.objects.filter(status=Project.Status.PUBLISHED).order_by("pk").first()
    before = {r.release_id: r.data for r in Release.objects.filter(project=project)}
    assert before
    project_withdraw(actor=project.created_by, project=project, reason="需求取消")
    after = {r.release_id: r.data for r in Release.objects.filter(project=project)}
    assert set(before) < set(after)
    assert {k: after[k] for k in before} == before
    (new,) = set(after) - set(before)
    assert after[new]["tag"] == ["tenderCancellation"]
    assert after[new]["tender"]["status"] == "cancelled"
    assert validate_release(after[new]) == []
