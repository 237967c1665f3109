"""Reminders of bidding deadlines (``bidding/services/reminders.py``, ``manage.py
bidding_reminders``) at a frozen "now": who is reminded, once per deadline, in working days."""
from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from agencies.services.subscriptions import subscription_add
from bidding.models import Award, Contract, Project
from bidding.services.follows import project_follow
from bidding.services.reminders import reminders_send
from marketplace.periodic import STEPS
from notifications.kinds import kind_spec
from notifications.models import Notification
from tests.factories import bidding as bf
from tests.factories.awards import made_award
from tests.factories.core import region, regulator_user

pytestmark = pytest.mark.django_db

WEDNESDAY = timezone.make_aware(dt.datetime(2027, 3, 3, 10, 0))
FRIDAY_EVENING = timezone.make_aware(dt.datetime(2027, 3, 5, 18, 0))
NEXT_MONDAY = timezone.make_aware(dt.datetime(2027, 3, 8, 17, 0))
NEXT_TUESDAY_EVENING = timezone.make_aware(dt.datetime(2027, 3, 9, 19, 0))


def user_of(agency):
    return agency.organisation.members.first().user


def told(kind) -> set[int]:
    return set(Notification.objects.filter(kind=kind).values_list("user_id", flat=True))


def test_the_step_is_periodic_every_five_minutes_and_runs_as_a_command():
    assert STEPS["bidding_reminders"] == 300
    out = io.StringIO()
    call_command("bidding_reminders", stdout=out)
    assert "signup.closing=0" in out.getvalue()


def test_sign_up_closing_within_a_working_day_reminds_the_signed_up_and_the_subscribed():
    project = bf.project(signup_deadline=NEXT_MONDAY)
    signed = bf.signup(project=project)
    subscriber = bf.bidding_agency(project)
    subscription_add(actor=user_of(subscriber), agency=subscriber, item=project.item)
    follower = bf.bidding_agency(project)  # 关注
    project_follow(actor=user_of(follower), project=project)
    bystander = bf.bidding_agency(project)  # offers the item, neither signed up nor subscribed
    # Wednesday: the deadline is more than a working day away.
    assert reminders_send(now=WEDNESDAY)["signup.closing"] == 0
    # Friday evening: Monday 17:00 is within one working day (the weekend does not count).
    assert reminders_send(now=FRIDAY_EVENING)["signup.closing"] == 3
    assert told("signup.closing") == {user_of(signed.agency).pk, user_of(subscriber).pk,
                                      user_of(follower).pk}
    assert user_of(bystander).pk not in told("signup.closing")
    n = Notification.objects.filter(kind="signup.closing").first()
    assert n.data == {"project": project.title, "deadline": "2027-03-08 17:00"}
    assert n.url == project.get_absolute_url()
    # Idempotent; the purchaser is not reminded of its own deadline.
    assert reminders_send(now=FRIDAY_EVENING + dt.timedelta(minutes=5))["signup.closing"] == 0
    assert project.created_by.pk not in told("signup.closing")


def test_a_changed_deadline_reminds_again_and_a_passed_one_does_not():
    project = bf.project(signup_deadline=NEXT_MONDAY)
    bf.signup(project=project)
    reminders_send(now=FRIDAY_EVENING)
    Project.objects.filter(pk=project.pk).update(
        signup_deadline=NEXT_MONDAY + dt.timedelta(hours=1))
    assert reminders_send(now=FRIDAY_EVENING)["signup.closing"] == 1
    assert Notification.objects.filter(kind="signup.closing").count() == 2
    assert reminders_send(now=NEXT_MONDAY + dt.timedelta(hours=2))["signup.closing"] == 0


def test_live_bidding_about_to_open_tells_the_purchaser_and_the_labelled_bidders():
    project, signups = bf.live_auction(bidders=2)
    start = WEDNESDAY
    Project.objects.filter(pk=project.pk).update(selection_at=start,
                                                 auction_ends_at=start + dt.timedelta(minutes=30))
    assert reminders_send(now=start - dt.timedelta(hours=1))["auction.starting"] == 0
    assert reminders_send(now=start - dt.timedelta(minutes=5))["auction.starting"] == 3
    assert told("auction.starting") == {project.created_by.pk} | {
        user_of(s.agency).pk for s in signups}
    assert reminders_send(now=start + dt.timedelta(minutes=1))["auction.starting"] == 0
    n = Notification.objects.filter(kind="auction.starting").first()
    assert n.url == f"/projects/{project.pk}/auction/" and n.data["start"] == "2027-03-03 10:00"


def _contracting(deadline) -> Award:
    award = made_award(method=Project.Method.RANDOM_DRAW)
    Award.objects.filter(pk=award.pk).update(status=Award.Status.CONTRACTING,
                                             objection_until=deadline - dt.timedelta(days=5),
                                             contract_deadline=deadline)
    award.refresh_from_db()
    return award


def test_the_signing_deadline_one_working_day_ahead_reminds_both_sides_once():
    award = _contracting(NEXT_MONDAY)
    assert reminders_send(now=WEDNESDAY)["contract.deadline_near"] == 0
    assert reminders_send(now=FRIDAY_EVENING)["contract.deadline_near"] == 2
    assert told("contract.deadline_near") == {award.project.created_by.pk,
                                              user_of(award.agency).pk}
    assert reminders_send(now=FRIDAY_EVENING)["contract.deadline_near"] == 0
    n = Notification.objects.filter(kind="contract.deadline_near").first()
    assert n.data == {"project": award.project.title, "deadline": "2027-03-08 17:00"}
    # The deadline counted again (a rejected objection): reminded again.
    Award.objects.filter(pk=award.pk).update(contract_deadline=NEXT_TUESDAY_EVENING)
    assert reminders_send(now=NEXT_MONDAY + dt.timedelta(hours=3))["contract.deadline_near"] == 2


def _in_service(*, confirmed_at, status=Award.Status.IN_SERVICE, **fields) -> Award:
    award = made_award(method=Project.Method.RANDOM_DRAW, **fields)
    Award.objects.filter(pk=award.pk).update(status=status)
    Contract.objects.create(award=award, uploaded_by=award.project.purchaser,
                            confirmed_by=award.agency.organisation, confirmed_at=confirmed_at,
                            file=SimpleUploadedFile("c.pdf", b"%PDF-1.4 x"))
    award.refresh_from_db()
    return award


def test_a_service_past_its_time_limit_warns_purchaser_agency_and_the_regulators_over_it():
    here, everywhere = regulator_user(region=region("420000")), regulator_user()
    away = regulator_user(region=region("110000"))
    # Confirmed on Wednesday 3 March with 2 working days: due Friday 5 March, 10:00.
    late = _in_service(confirmed_at=WEDNESDAY, service_days=2, region=region("420100"))
    _in_service(confirmed_at=WEDNESDAY, service_days=2, status=Award.Status.DELIVERED)
    _in_service(confirmed_at=WEDNESDAY, service_days=20)
    assert reminders_send(now=WEDNESDAY + dt.timedelta(days=1))["delivery.overdue"] == 0
    assert reminders_send(now=FRIDAY_EVENING)["delivery.overdue"] == 4
    assert told("delivery.overdue") == {late.project.created_by.pk, user_of(late.agency).pk,
                                        here.pk, everywhere.pk}
    assert away.pk not in told("delivery.overdue")
    n = Notification.objects.filter(kind="delivery.overdue").first()
    assert n.data == {"project": late.project.title, "agency": late.agency.name,
                      "due": "2027-03-05 10:00"}
    assert kind_spec("delivery.overdue").urgent
    assert reminders_send(now=NEXT_MONDAY)["delivery.overdue"] == 0
