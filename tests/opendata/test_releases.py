"""Releases are written as things happen (docs/architecture.md, "Open data"): by the audit
listener, in the change's transaction, one per project and change, never for a bid."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bidding.models import Project
from bidding.rules import earliest_signup_deadline
from bidding.services.auctions import auction_close, bid_place
from bidding.services.closing import signups_close
from bidding.services.postings import project_publish, project_update
from core.errors import NotAllowed
from core.models import AuditEvent
from opendata.models import Release
from opendata.ocds import (
    build_release,
    compile_record,
    iter_record_package_chunks,
    iter_release_package_chunks,
    ocid_for,
    project_for_release,
    record_package,
    release_package,
)
from opendata.services.releases import release_backfill
from opendata.validation import validate_package, validate_release
from tests.factories import bidding as bf

pytestmark = pytest.mark.django_db


def user_of(signup):
    return signup.agency.organisation.members.first().user


def test_a_draft_publishes_nothing_and_its_publication_writes_the_first_release():
    deadline = earliest_signup_deadline() + dt.timedelta(hours=2)
    project = bf.draft(signup_deadline=deadline, selection_at=deadline + dt.timedelta(days=1))
    project_update(actor=project.created_by, project=project, fields={"title": "改过的标题"})
    assert not Release.objects.filter(project=project).exists()
    project_publish(actor=project.created_by, project=project)
    (release,) = Release.objects.filter(project=project)
    event = AuditEvent.objects.get(action="project.published", object_id=str(project.pk))
    assert release.release_id == f"{ocid_for(project)}-{event.seq}"
    assert release.date == event.at and release.tags == ["planning", "tender"]
    data = release.data
    assert data["ocid"] == f"ocds-xxxxxx-zjmp-{project.pk}" and data["language"] == "zh"
    assert data["tender"]["status"] == "active" and data["tender"]["title"] == "改过的标题"
    assert data["tender"]["procurementMethod"] == "open"
    assert data["tender"]["value"] == {"amount": 100000.0, "currency": "CNY"}
    assert data["tender"]["minValue"] == {"amount": 60000.0, "currency": "CNY"}
    assert data["tender"]["items"][0]["classification"]["scheme"] == "CN-ZJFW"
    assert data["planning"]["budget"]["projectID"] == project.investment_code
    assert [p["roles"] for p in data["parties"]] == [["buyer"]]
    assert "tenderers" not in data["tender"] and "bids" not in data
    assert validate_release(data) == []


def test_tenderers_appear_once_signup_has_closed():
    project = bf.project()
    signups = [bf.signup(project=project) for _ in range(3)]
    signups_close(project=project, now=project.signup_deadline + dt.timedelta(minutes=1))
    (release,) = Release.objects.filter(project=project)
    assert release.tags == ["tenderUpdate"]
    tender = release.data["tender"]
    assert tender["numberOfTenderers"] == 3
    assert {t["id"] for t in tender["tenderers"]} == {f"CN-USCI-{s.agency.uscc}" for s in signups}
    tenderer = next(p for p in release.data["parties"] if "tenderer" in p["roles"])
    assert tenderer["identifier"]["scheme"] == "CN-USCI"
    assert "bids" not in release.data
    assert validate_release(release.data) == []


def test_a_bid_writes_no_release_and_the_close_writes_the_bids_once_closed():
    project, signups = bf.live_auction(bidders=2)
    users = [user_of(s) for s in signups]
    for i, value in enumerate(["99000", "98000", "97000"]):
        bid_place(actor=users[i % 2], project=project, value=value)
    assert not Release.objects.filter(project=project).exists()
    auction_close(project=project, now=project.auction_ends_at + dt.timedelta(seconds=1))
    releases = list(Release.objects.filter(project=project).order_by("date", "pk"))
    tags = [r.tags for r in releases]
    assert ["tenderUpdate"] in tags and ["award"] in tags
    newest = releases[-1].data
    assert newest["tender"]["status"] == "complete"
    assert [d["value"]["amount"] for d in newest["bids"]["details"]] == [99000.0, 98000.0, 97000.0]
    stats = {s["measure"]: s["value"] for s in newest["bids"]["statistics"]}
    assert stats == {"requests": 2, "bids": 3, "bidders": 2, "lowestValidBidValue": 97000.0,
                     "highestValidBidValue": 99000.0}
    (award,) = newest["awards"]
    assert award["value"]["amount"] == 97000.0 and award["status"] == "pending"
    assert award["documents"][0]["url"].startswith("http")
    assert award["id"] in award["description"]
    for release in releases:
        assert validate_release(release.data) == []


def test_bids_are_never_published_while_the_auction_is_open():
    project, signups = bf.live_auction(bidders=2)
    bid_place(actor=user_of(signups[0]), project=project, value="99000")
    data = build_release(project_for_release(project.pk), tags=["tenderUpdate"],
                         date=timezone.now(), release_id="x-1")
    assert "bids" not in data
    assert data["tender"]["numberOfTenderers"] == 2  # sign-up closed: the names are public


def test_the_builder_costs_the_same_queries_for_two_and_for_eight_bidders():
    counts = []
    for bidders in (2, 8):
        project, _signups = bf.live_auction(bidders=bidders)
        project.status = Project.Status.FAILED
        project.save(update_fields=["status"])
        with CaptureQueriesContext(connection) as ctx:
            build_release(project_for_release(project.pk), tags=["tender"],
                          date=timezone.now(), release_id="x")
        counts.append(len(ctx))
    assert counts[0] == counts[1] <= 8


def test_backfill_writes_one_release_per_public_project_lacking_one_and_is_idempotent(capsys):
    published = bf.project()
    failed = bf.project(status=Project.Status.FAILED, status_reason="报名不足")
    bf.draft()
    call_command("ocds_backfill")
    assert "2 release(s) written" in capsys.readouterr().out
    assert Release.objects.filter(project=published).get().tags == ["planning", "tender"]
    row = Release.objects.get(project=failed)
    assert row.data["tender"]["status"] == "unsuccessful"
    assert row.data["tender"]["statusDetails"] == "报名不足"
    assert AuditEvent.objects.filter(action="ocds.backfilled").count() == 1
    call_command("ocds_backfill")
    assert Release.objects.count() == 2
    assert AuditEvent.objects.filter(action="ocds.backfilled").count() == 1


def test_only_the_platform_itself_may_backfill():
    with pytest.raises(NotAllowed):
        release_backfill(actor=bf.purchaser())


def test_the_streamed_package_is_the_package_and_valid():
    for _ in range(3):
        bf.project()
    release_backfill()
    published = timezone.now()
    rows = Release.objects.order_by("date", "pk")
    text = "".join(iter_release_package_chunks(rows, uri="http://x/p.json", published=published,
                                               chunk_size=2))
    streamed = json.loads(text)
    assert streamed == release_package([r.data for r in rows], uri="http://x/p.json",
                                       published=published)
    assert len(streamed["releases"]) == 3
    assert streamed["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert streamed["publicationPolicy"].endswith("/data/#policy")
    assert validate_package(streamed, "release") == []


def test_the_streamed_record_package_is_the_record_package_and_valid():
    projects = [bf.project() for _ in range(2)]
    release_backfill()
    published = timezone.now()
    ocids = [ocid_for(p) for p in projects] + ["ocds-xxxxxx-zjmp-0"]  # an unknown one skipped
    streamed = json.loads("".join(iter_record_package_chunks(ocids, uri="http://x/r.json",
                                                             published=published)))
    assert streamed == record_package([compile_record(o) for o in ocids[:2]],
                                      uri="http://x/r.json", published=published)
    assert validate_package(streamed, "record") == []


def test_an_empty_streamed_package_is_valid_json():
    text = "".join(iter_release_package_chunks(Release.objects.none(), uri="http://x/p.json"))
    assert json.loads(text)["releases"] == []
