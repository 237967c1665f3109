"""The declared life cycles (Project.transitions, SignUp.transitions), the permissions of
bidding.permissions section 1 and the pure helpers of bidding.quoting."""
import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone

from bidding.models import Project, SignUp
from bidding.quoting import better, group_name, iso, lower_wins, money
from bidding.rules import earliest_signup_deadline
from bidding.services.auctions import parse_bid_value
from bidding.services.postings import project_publish, project_withdraw
from bidding.services.signups import signup_cancel, signup_create
from core.audit import action_label
from core.errors import Conflict, NotAllowed, ValidationFailed
from core.models import AuditEvent
from core.permissions import has_perm
from core.transitions import transition
from tests.factories import bidding as bf
from tests.factories.core import regulator_user

pytestmark = pytest.mark.django_db

Status = Project.Status


def _user_of(agency):
    return agency.organisation.members.get().user


# --- the tables ---------------------------------------------------------------------------------
def test_the_project_table_names_every_move_of_the_services_and_registers_their_labels():
    table = Project.transitions
    assert table.names_from(Status.DRAFT) == ["publish", "withdraw"]
    assert set(table.names_from(Status.PUBLISHED)) == {"withdraw", "close_signups", "fail",
                                                       "start_direct"}
    assert set(table.names_from(Status.SELECTING)) == {"withdraw", "fail_auction", "award"}
    for code in ("project.published", "project.withdrawn", "project.signups_closed",
                 "project.failed", "auction.failed", "signup.created", "signup.cancelled"):
        assert action_label(code) and action_label(code) != code


def test_transition_refuses_a_move_the_table_does_not_allow_and_changes_nothing():
    project = bf.project(status=Status.AWARDED)
    with pytest.raises(Conflict, match="Only a draft can be published"):
        transition(project, "publish", actor=None)
    project.refresh_from_db()
    assert project.status == Status.AWARDED and not AuditEvent.objects.exists()


def test_publishing_audits_the_state_change_with_the_posting_terms():
    owner = bf.purchaser()
    deadline = earliest_signup_deadline() + dt.timedelta(hours=2)
    project = bf.draft(owner=owner, signup_deadline=deadline,
                       selection_at=deadline + dt.timedelta(days=1))
    project_publish(actor=owner, project=project)
    event = AuditEvent.objects.get(action="project.published")
    assert event.data["status"] == ["draft", "published"]
    assert {"signup_deadline", "method", "ceiling", "qualifications"} <= set(event.data)


def test_a_cancelled_sign_up_renews_through_the_table_and_is_audited_as_a_sign_up():
    project = bf.project()
    agency = bf.bidding_agency(project)
    user = _user_of(agency)
    signup_create(actor=user, project=project)
    signup_cancel(actor=user, project=project)
    renewed = signup_create(actor=user, project=project)
    assert renewed.status == SignUp.Status.ACTIVE and SignUp.objects.count() == 1
    actions = list(AuditEvent.objects.filter(action__startswith="signup.").order_by("seq")
                   .values_list("action", flat=True))
    assert actions == ["signup.created", "signup.cancelled", "signup.created"]


def test_withdrawing_after_the_selection_time_is_a_conflict_for_the_owner():
    owner = bf.purchaser()
    project = bf.project(owner=owner, status=Status.SELECTING,
                         selection_at=timezone.now() - dt.timedelta(minutes=1))
    with pytest.raises(Conflict):
        project_withdraw(actor=owner, project=project, reason="需求变更，暂缓实施")


# --- permissions --------------------------------------------------------------------------------
def test_owner_permissions_follow_the_owner_and_the_state():
    owner, other = bf.purchaser(), bf.purchaser()
    draft = bf.draft(owner=owner)
    assert has_perm(owner, "bidding.edit_project", draft)
    assert has_perm(owner, "bidding.publish_project", draft)
    assert has_perm(owner, "bidding.withdraw_project", draft)
    assert not has_perm(other, "bidding.edit_project", draft)
    awarded = bf.project(owner=owner, status=Status.AWARDED)
    assert has_perm(owner, "bidding.edit_project", awarded)
    assert not has_perm(owner, "bidding.publish_project", awarded)
    assert not has_perm(owner, "bidding.withdraw_project", awarded)


def test_another_purchaser_is_refused_with_the_owner_message():
    project = bf.draft()
    with pytest.raises(NotAllowed, match="Only the purchaser who posted this project"):
        project_publish(actor=bf.purchaser(), project=project)


def test_only_an_agency_may_sign_up_and_only_while_sign_up_is_open():
    project = bf.project()
    agency_user = _user_of(bf.bidding_agency(project))
    assert has_perm(agency_user, "bidding.sign_up", project)
    assert not has_perm(project.created_by, "bidding.sign_up", project)
    assert not has_perm(AnonymousUser(), "bidding.sign_up", project)
    closed = bf.project(signup_deadline=timezone.now() - dt.timedelta(minutes=1))
    assert not has_perm(agency_user, "bidding.sign_up", closed)
    with pytest.raises(NotAllowed):
        signup_create(actor=project.created_by, project=project)


def test_the_selection_is_run_by_its_purchaser_a_regulator_or_the_platform():
    project = bf.project(method=Project.Method.RANDOM_DRAW, status=Status.SELECTING)
    assert has_perm(project.created_by, "bidding.run_selection", project)
    assert not has_perm(regulator_user(), "bidding.run_selection", project)
    assert has_perm(None, "bidding.run_selection", project)
    assert not has_perm(bf.purchaser(), "bidding.run_selection", project)


def test_the_detail_page_shows_the_owner_buttons_by_the_permissions(client):
    owner = bf.purchaser()
    project = bf.draft(owner=owner)
    client.force_login(owner)
    body = client.get(reverse("bidding:project-detail", args=[project.pk])).content.decode()
    assert reverse("bidding:project-publish", args=[project.pk]) in body
    assert reverse("bidding:project-withdraw", args=[project.pk]) in body
    awarded = bf.project(owner=owner, status=Status.AWARDED)
    body = client.get(reverse("bidding:project-detail", args=[awarded.pk])).content.decode()
    assert reverse("bidding:project-publish", args=[awarded.pk]) not in body
    assert reverse("bidding:project-withdraw", args=[awarded.pk]) not in body


# --- pure helpers -------------------------------------------------------------------------------
def test_the_quoting_helpers_need_no_database():
    amount = Project(quote_mode=Project.QuoteMode.AMOUNT)
    discount = Project(quote_mode=Project.QuoteMode.DISCOUNT)
    assert group_name(7) == "auction_7"
    assert money(Decimal("93500")) == "93500.00" and money(None) is None
    assert iso(None) is None
    assert iso(dt.datetime(2026, 1, 2, 8, 0, tzinfo=dt.timezone.utc)) == "2026-01-02T08:00:00+00:00"
    assert lower_wins(amount) and not lower_wins(discount)
    assert better(amount, Decimal("1"), Decimal("2")) and better(discount, Decimal("2"), Decimal("1"))


@pytest.mark.parametrize("value, code", [
    ("NaN", "not_a_number"), ("Infinity", "not_a_number"), ("1e999999999", "out_of_range"),
    ("1e12", "out_of_range"), ("95000.001", "too_many_decimals"), (True, "not_a_number"),
])
def test_a_bid_value_is_parsed_by_the_one_money_parser_with_the_bid_messages(value, code):
    with pytest.raises(ValidationFailed) as exc:
        parse_bid_value(value)
    assert exc.value.code == code and "value" in exc.value.fields


def test_a_bid_value_accepts_thousands_separators_and_keeps_two_places():
    assert parse_bid_value("93,500") == Decimal("93500.00")
