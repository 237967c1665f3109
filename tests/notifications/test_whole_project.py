"""A whole project walked through the real services, from the posting to the rating, and exactly
who was told what, on which channel, once (docs/architecture.md, "Notifications"): every intent
once, delivered by the (eager) worker to the inbox, by e-mail to everyone with an address, by
text message for the urgent kinds to the one party who gave a mobile number; nobody told of
another agency's sign-up before close; the periodic steps adding nothing when run again."""
from __future__ import annotations

import datetime as dt
import io
import logging
from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone

from agencies.services.subscriptions import subscription_add
from bidding.models import Award, Project
from bidding.rules import earliest_signup_deadline
from bidding.services.auctions import auction_close, bid_place
from bidding.services.closing import signups_close
from bidding.services.contracts import contract_confirm, contract_deadlines_enforce, contract_upload
from bidding.services.deliveries import delivery_accept, delivery_submit
from bidding.services.objections import objection_answer, objection_decide, objection_file
from bidding.services.postings import project_publish
from bidding.services.reminders import reminders_send
from bidding.services.signups import signup_create
from marketplace.periodic import STEPS
from notifications.kinds import registered_kinds
from notifications.models import Delivery, InboxItem, Notification
from notifications.services.preferences import notification_settings_update
from ratings.services.ratings import rating_submit
from tests.factories import bidding as bf
from tests.factories.core import region, regulator_user

pytestmark = pytest.mark.django_db

METHOD_ZH = "竞价选取"
MOBILE = "13800138000"


def user_of(agency):
    return agency.organisation.members.first().user


def pdf(name):
    return SimpleUploadedFile(name, b"%PDF-1.4 test", content_type="application/pdf")


def told(since: int = 0) -> Counter:
    """(username, kind) → how many intents."""
    return Counter((n.user.username, n.kind) for n in Notification.objects.filter(pk__gt=since)
                   .select_related("user"))


def step(fn, *args, **kwargs):
    """Run a service the way a request does: its on-commit work (the worker) runs after it."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return fn(*args, **kwargs)


def test_a_whole_project_tells_each_party_what_concerns_it_on_each_channel_once(caplog):
    caplog.set_level(logging.INFO, logger="notifications.sms")
    owner = bf.purchaser(name="某市城市更新投资有限公司")
    notification_settings_update(actor=owner, user=owner, mobile=MOBILE)
    deadline = earliest_signup_deadline() + dt.timedelta(hours=2)
    project = bf.draft(owner=owner, signup_deadline=deadline, region=region("420100"),
                       selection_at=deadline + dt.timedelta(days=1), auction_minutes=30)
    a, b, c = (bf.bidding_agency(project, name=f"{n}工程咨询有限公司") for n in "甲乙丙")
    for n, agency in zip("abc", (a, b, c), strict=True):  # the watcher below gives no address
        get_user_model().objects.filter(pk=user_of(agency).pk).update(
            email=f"bid-{n}@agency.example.cn")
    watcher = bf.bidding_agency(project, name="丁工程咨询有限公司")  # subscribed, never signs up
    subscription_add(actor=user_of(watcher), agency=watcher, item=project.item)
    regulator_here = regulator_user(region=region("420000"))  # 湖北省 covers 武汉市
    regulator_all = regulator_user()  # the whole platform
    regulator_away = regulator_user(region=region("110000"))  # 北京市: not concerned

    # Posting and sign-up.
    step(project_publish, actor=owner, project=project)
    for agency in (a, b, c):
        step(signup_create, actor=user_of(agency), project=project)
    # The reminder an hour before the deadline: the three signed up and the subscriber.
    step(reminders_send, now=deadline - dt.timedelta(hours=1))
    before_close = Notification.objects.order_by("-pk").values_list("pk", flat=True).first()
    # Confidentiality: before close every agency heard only of itself, the purchaser of nobody.
    for n in Notification.objects.select_related("user"):
        assert n.kind in {"posting.published", "posting.invitation", "signup.received",
                          "signup.closing"}
        if "agency" in n.data:
            assert n.kind == "signup.received"
            assert n.user.member.organisation.name == n.data["agency"]
    assert not Notification.objects.filter(user=owner, kind="signup.received").exists()

    # Time passes: sign-up is over and the auction opens now.
    now = timezone.now()
    Project.objects.filter(pk=project.pk).update(signup_deadline=now - dt.timedelta(minutes=5),
                                                 selection_at=now - dt.timedelta(seconds=30))
    step(signups_close, project=project, now=now)
    project.refresh_from_db()
    assert project.status == Project.Status.SELECTING
    step(reminders_send)  # the periodic step while the auction is open: it is starting
    # Bids are never notified (the bid path's query budget holds without the outbox).
    count = Notification.objects.count()
    for agency, value in ((a, "99000"), (b, "98000"), (c, "97000"), (a, "96500"), (c, "96000")):
        step(bid_place, actor=user_of(agency), project=project, value=value)
    assert Notification.objects.count() == count
    project.refresh_from_db()
    award = step(auction_close, project=project, now=project.auction_ends_at)
    assert award.agency == c and award.rank == 1

    # The objection period: 甲 objects, the purchaser answers, the regulator rejects it.
    objection = step(objection_file, actor=user_of(a), award=award, text="中选人业绩证明存疑。")
    step(objection_answer, actor=owner, objection=objection, answer="业绩证明已核实无误。")
    step(objection_decide, actor=regulator_here, objection=objection, upheld=False,
         decision="经核查，中选人业绩真实，异议不成立。")
    Award.objects.filter(pk=award.pk).update(
        objection_until=timezone.now() - dt.timedelta(minutes=1))
    step(contract_deadlines_enforce)
    award.refresh_from_db()
    assert award.status == Award.Status.CONTRACTING

    # Contract, delivery, acceptance, rating.
    step(contract_upload, actor=user_of(c), award=award, file=pdf("合同.pdf"))
    step(contract_confirm, actor=owner, award=award)
    delivery = step(delivery_submit, actor=user_of(c), award=award, file=pdf("成果.pdf"),
                    note="成果报告及附件")
    step(delivery_accept, actor=owner, delivery=delivery)
    step(rating_submit, actor=owner, award=award, quality=5, timeliness=4, attitude=5, fees=4,
         conduct=5, comment="成果质量好。")

    u = {"owner": owner.username, "a": user_of(a).username, "b": user_of(b).username,
         "c": user_of(c).username, "watcher": user_of(watcher).username,
         "here": regulator_here.username, "all": regulator_all.username}
    expected = {
        (u["owner"], "posting.published"), (u["owner"], "signup.closed"),
        (u["owner"], "award.made"), (u["owner"], "objection.filed"),
        (u["owner"], "objection.rejected"), (u["owner"], "contract.confirmed"),
        (u["owner"], "delivery.submitted"),
        (u["watcher"], "posting.invitation"), (u["watcher"], "signup.closing"),
        (u["owner"], "auction.starting"),
        (u["a"], "signup.closing"), (u["b"], "signup.closing"), (u["c"], "signup.closing"),
        (u["a"], "auction.starting"), (u["b"], "auction.starting"), (u["c"], "auction.starting"),
        (u["a"], "signup.received"), (u["a"], "selection.admitted"),
        (u["a"], "award.published"), (u["a"], "objection.answered"),
        (u["a"], "objection.rejected"),
        (u["b"], "signup.received"), (u["b"], "selection.admitted"),
        (u["b"], "award.published"),
        (u["c"], "signup.received"), (u["c"], "selection.admitted"), (u["c"], "award.made"),
        (u["c"], "objection.filed"), (u["c"], "objection.rejected"),
        (u["owner"], "contract.uploaded"),
        (u["c"], "contract.confirmed"), (u["c"], "delivery.accepted"),
        # ratings: the window opens both ways on acceptance; the agency hears of its rating
        (u["owner"], "rating.window_open"), (u["c"], "purchaser_rating.window_open"),
        (u["c"], "rating.submitted"),
        (u["here"], "objection.filed"), (u["here"], "objection.answered"),
        (u["all"], "objection.filed"), (u["all"], "objection.answered"),
    }
    got = told()
    assert set(got) == expected
    assert all(n == 1 for n in got.values()), [k for k, n in got.items() if n > 1]
    assert not Notification.objects.filter(user=regulator_away).exists()

    # What they read: the data and the page where they act.
    to_rate = Notification.objects.get(user=owner, kind="rating.window_open")
    assert to_rate.url == f"/ratings/award/{award.pk}/"
    assert to_rate.data["agency"] == c.name and to_rate.data["project"] == project.title
    published = Notification.objects.get(user=user_of(b), kind="award.published")
    assert published.data["price"] == "96000.00" and published.data["agency"] == c.name
    assert published.data["until"] and published.url == f"/awards/{award.pk}/"
    admitted = Notification.objects.get(user=user_of(a), kind="selection.admitted")
    assert admitted.data["method"] == METHOD_ZH
    assert Notification.objects.filter(pk__lte=before_close, kind="signup.received").count() == 3

    # On which channel: the inbox for every intent; e-mail for everyone with an address; SMS only
    # to the owner, the one with a mobile number, and only for the urgent kinds.
    intents = list(Notification.objects.select_related("user"))
    channels = {(n.user.username, n.kind): set(n.deliveries.values_list("channel", flat=True))
                for n in intents}
    addressed = {n.user.username for n in intents if n.user.email}
    assert addressed == set(u.values()) - {u["watcher"]}
    urgent = {code for code, spec in registered_kinds().items() if spec.urgent}
    for (username, kind), got_channels in channels.items():
        want = ({"inbox"} | ({"email"} if username in addressed else set())
                | ({"sms"} if username == u["owner"] and kind in urgent else set()))
        assert got_channels == want, (username, kind, got_channels)
    sms_kinds = {kind for (username, kind), chans in channels.items() if "sms" in chans}
    assert sms_kinds == {"contract.uploaded"}  # the owner's one urgent step: confirm the contract
    # … each delivered by the worker, once.
    assert set(Delivery.objects.values_list("status", flat=True)) == {Delivery.Status.SENT}
    assert set(Delivery.objects.values_list("attempts", flat=True)) == {1}
    assert InboxItem.objects.count() == len(intents)
    emailed = [n for n in intents if n.user.email]
    assert len(mail.outbox) == len(emailed)
    assert Counter(tuple(m.to) for m in mail.outbox) == Counter((n.user.email,) for n in emailed)
    texts = [r for r in caplog.records if r.name == "notifications.sms"]
    assert len(texts) == 1 and MOBILE in texts[0].getMessage()

    # The periodic steps, run again (twice), tell nobody anything new.
    total = Notification.objects.count()
    for _round in range(2):
        for name in STEPS:
            with TestCase.captureOnCommitCallbacks(execute=True):
                call_command(name, stdout=io.StringIO())
    assert Notification.objects.count() == total
    assert Delivery.objects.count() == sum(len(c) for c in channels.values())
    assert len(mail.outbox) == len(emailed)
