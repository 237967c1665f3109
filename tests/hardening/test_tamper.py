"""Tamper evidence (issue 8): ``audit_verify`` compares the business rows with their last
audited state, and the chain's head is published daily so a rewritten history is noticed."""
from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from bidding.models import Award, Bid, Contract, Project
from bidding.services import contracts, deliveries
from bidding.services.auctions import auction_close, bid_place
from core.audit import GENESIS, _event_hash, audit_head_publish, audit_verify
from core.audit_rows import audited_models
from core.models import AuditEvent, AuditHead, PublishedHead
from credit.models import CreditEvent, Sanction
from credit.services.sanctions import sanction_lift
from marketplace.management.commands.run_periodic import STEPS
from ratings.models import Rating
from ratings.services.ratings import rating_submit
from tests.factories import bidding as bf
from tests.factories import credit as cf
from tests.factories import ratings as rf
from tests.factories.agencies import agency as make_agency
from tests.factories.awards import made_award
from tests.factories.core import regulator_user

pytestmark = pytest.mark.django_db


def _user(signup_or_agency):
    agency = getattr(signup_or_agency, "agency", signup_or_agency)
    return agency.organisation.members.first().user


def _pdf(name="file.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 test", content_type="application/pdf")


def _differences(report, model=None):
    return [(d.model, d.pk, d.field, d.audited, d.current) for d in report.differences
            if model is None or d.model == model]


def _auction_to_rating():
    """A live auction taken through bids, award, contract, delivery and rating by the
    services (the objection period is ended by hand: a clock, not audited content)."""
    project, signups = bf.live_auction(bidders=3)
    bid_place(actor=_user(signups[0]), project=project, value="98000")
    bid_place(actor=_user(signups[1]), project=project, value="97000")
    Project.objects.filter(pk=project.pk).update(
        auction_ends_at=timezone.now() - dt.timedelta(seconds=1))
    award = auction_close(project=Project.objects.get(pk=project.pk))
    Award.objects.filter(pk=award.pk).update(
        objection_until=timezone.now() - dt.timedelta(minutes=1))
    award = Award.objects.get(pk=award.pk)
    contracts.contract_upload(actor=project.created_by, award=award, file=_pdf())
    contracts.contract_confirm(actor=_user(award.agency), award=award)
    delivery = deliveries.delivery_submit(actor=_user(award.agency), award=award, file=_pdf())
    deliveries.delivery_accept(actor=project.created_by, delivery=delivery)
    rating = rating_submit(actor=project.created_by, award=Award.objects.get(pk=award.pk),
                           **rf.STARS)
    return Award.objects.get(pk=award.pk), rating


# --- the rows against their audited state ----------------------------------------------------


def test_every_required_business_model_is_registered_with_the_fields_that_matter():
    registered = audited_models()
    assert {"price", "agency", "status"} <= set(registered["bidding.award"])
    assert {"value", "signup", "seq"} <= set(registered["bidding.bid"])
    assert {"file", "confirmed_by"} <= set(registered["bidding.contract"])
    assert {"kind", "status", "agency"} <= set(registered["credit.sanction"])
    assert {"quality", "conduct", "status"} <= set(registered["ratings.rating"])
    assert {"points", "stars", "voided"} <= set(registered["credit.creditevent"])


def test_a_whole_life_cycle_through_the_services_verifies_clean():
    award, rating = _auction_to_rating()
    assert award.status == Award.Status.ACCEPTED and rating.status == Rating.Status.PUBLISHED
    report = audit_verify()
    assert report.ok, str(report)
    assert report.differences == []
    call_command("audit_verify")


def test_a_direct_update_of_the_award_price_is_reported_naming_model_pk_and_field(capsys):
    award = made_award(price="78000.00")
    assert audit_verify().ok
    Award.objects.filter(pk=award.pk).update(price=Decimal("1.00"))

    report = audit_verify()
    assert not report.ok
    assert _differences(report) == [("bidding.award", str(award.pk), "price", "78000.00", "1.00")]
    with pytest.raises(CommandError) as err:
        call_command("audit_verify")
    assert f"bidding.award #{award.pk}: price is '1.00', audited '78000.00'" in str(err.value)


def test_a_bid_value_and_a_changed_bidder_are_reported():
    project, signups = bf.live_auction(bidders=2)
    bid = bid_place(actor=_user(signups[0]), project=project, value="98000")
    Bid.objects.filter(pk=bid.pk).update(value=Decimal("50000.00"), signup=signups[1])
    assert set(_differences(audit_verify(), "bidding.bid")) == {
        ("bidding.bid", str(bid.pk), "value", "98000.00", "50000.00"),
        ("bidding.bid", str(bid.pk), "signup", signups[0].pk, signups[1].pk),
    }


def test_rating_stars_and_credit_event_points_are_compared_with_their_audit():
    rating = rf.rating()
    Rating.objects.filter(pk=rating.pk).update(quality=1)
    event = cf.event(make_agency(), CreditEvent.Kind.CONTRACT_REFUSED)
    CreditEvent.objects.filter(pk=event.pk).update(points=Decimal("0"))
    report = audit_verify()
    assert ("ratings.rating", str(rating.pk), "quality", 5, 1) in _differences(report)
    assert [d[2:4] for d in _differences(report, "credit.creditevent")] == [
        ("points", str(event.points))]


def test_a_lifted_sanction_put_back_in_force_by_hand_is_reported():
    agency = cf.suspended_agency()
    sanction = Sanction.objects.get(agency=agency)
    sanction_lift(actor=regulator_user(), sanction=sanction, reason="整改到位")
    assert audit_verify().ok
    Sanction.objects.filter(pk=sanction.pk).update(status=Sanction.Status.ACTIVE)
    assert _differences(audit_verify()) == [
        ("credit.sanction", str(sanction.pk), "status", "lifted", "active")]


def test_an_award_status_moved_by_its_contract_is_checked_too():
    award, _rating = _auction_to_rating()
    Award.objects.filter(pk=award.pk).update(status=Award.Status.IN_SERVICE)
    assert _differences(audit_verify(), "bidding.award") == [
        ("bidding.award", str(award.pk), "status", "accepted", "in_service")]


def test_a_deleted_audited_row_is_reported():
    award, _rating = _auction_to_rating()
    contract = Contract.objects.get(award=award)
    Contract.objects.filter(pk=contract.pk)._raw_delete(Contract.objects.db)
    assert _differences(audit_verify()) == [("bidding.contract", str(contract.pk), "", None, None)]
    assert "row is gone" in str(audit_verify())


def test_row_comparison_costs_one_query_per_audited_model(django_assert_max_num_queries):
    for _ in range(3):
        made_award()
    models_count = len(audited_models())
    # the chain (one chunked read), the chain head, the published heads, one per model
    with django_assert_max_num_queries(3 + models_count):
        assert audit_verify().ok


# --- published heads ---------------------------------------------------------------------------


def _rewrite_chain(change):
    """What a ten-line script does: change some events' data, recompute every hash of every
    stream and its head."""
    prev = {}
    for event in AuditEvent.objects.order_by("seq"):
        data = change(event)
        event.prev_hash = prev.get(event.stream, GENESIS)
        event.data = data
        event.hash = _event_hash(event)
        AuditEvent.objects.filter(pk=event.pk).update(data=data, prev_hash=event.prev_hash,
                                                      hash=event.hash)
        prev[event.stream] = event.hash
    for stream, last_hash in prev.items():
        AuditHead.objects.filter(pk=stream).update(last_hash=last_hash)


def _cheaper(event):
    if event.action == "award.made":
        return {**event.data, "price": "1.00"}
    return event.data


def test_a_full_rewrite_of_the_chain_is_reported_through_the_published_head():
    award = made_award(price="78000.00")
    head, created = audit_head_publish()
    assert created and head.seq == AuditEvent.objects.count() > 0
    Award.objects.filter(pk=award.pk).update(price=Decimal("1.00"))
    _rewrite_chain(_cheaper)

    report = audit_verify()
    assert not report.ok
    assert "history rewritten" in report.problem and str(head.date) in report.problem
    PublishedHead.objects.all().delete()  # the forger rewrote the database's copy too …
    assert audit_verify().ok  # … so the database alone is fooled, but a kept copy is not:
    kept = [{"seq": head.seq, "hash": head.hash, "date": str(head.date),
             "streams": head.streams}]
    assert "history rewritten" in audit_verify(heads=kept).problem


def test_audit_verify_reads_a_kept_copy_of_heads_json(client, tmp_path):
    made_award()
    audit_head_publish()
    body = client.get("/audit/heads.json").json()
    path = tmp_path / "audit-heads.json"
    path.write_text(json.dumps(body), encoding="utf-8")
    PublishedHead.objects.all().delete()
    call_command("audit_verify", heads=str(path))
    _rewrite_chain(_cheaper)
    with pytest.raises(CommandError, match="history rewritten"):
        call_command("audit_verify", heads=str(path))
    path.write_text("not json", encoding="utf-8")
    with pytest.raises(CommandError, match="cannot read the heads"):
        call_command("audit_verify", heads=str(path))


def test_a_chain_cut_below_a_published_head_is_reported():
    made_award()
    head, _ = audit_head_publish()
    newest = AuditEvent.objects.order_by("-seq").first()
    AuditEvent.objects.filter(pk=newest.pk)._raw_delete(AuditEvent.objects.db)
    AuditHead.objects.filter(pk=newest.stream).update(count=newest.stream_seq - 1,
                                                      last_hash=newest.prev_hash)
    report = audit_verify()
    assert not report.ok and "history truncated" in report.problem


def test_publishing_the_head_is_idempotent_per_day_and_run_periodic_does_it():
    assert "audit_publish_head" in STEPS
    made_award()
    call_command("audit_publish_head")
    first = PublishedHead.objects.get()
    made_award()
    call_command("run_periodic")
    assert list(PublishedHead.objects.values_list("seq", "hash")) == [(first.seq, first.hash)]
    tomorrow, created = audit_head_publish(now=timezone.now() + dt.timedelta(days=1))
    assert created and tomorrow.seq == AuditEvent.objects.count() > first.seq
    assert PublishedHead.objects.count() == 2
    assert audit_verify().ok and audit_verify().heads == 2


def test_the_heads_are_public_on_a_page_in_a_json_file_and_in_the_api(client):
    made_award()
    head, _ = audit_head_publish()
    page = client.get("/audit/")
    assert page.status_code == 200 and head.hash in page.content.decode()
    assert 'href="/audit/"' in client.get("/").content.decode()  # linked from the footer
    assert client.get("/audit/heads.json").json() == {"heads": [{
        "date": str(head.date), "seq": head.seq, "hash": head.hash, "streams": head.streams,
        "published_at": head.published_at.isoformat()}]}
    api = client.get("/api/v1/audit/heads/").json()
    assert api["count"] == 1 and api["results"][0]["hash"] == head.hash
    assert api["results"][0]["seq"] == head.seq
    assert client.post("/audit/heads.json").status_code == 405
