"""Demo credit data (Chinese): a credit history from before the platform for the demo agencies,
so that the credit list shows a realistic spread of grades — a few five-star agencies (R9
"five-star first"), most at four or three stars, a few weak ones warned by the exit mechanism —
plus one late delivery, one proposed expulsion after three upheld complaints, one regulator
finding with a warning; and, on the purchasers' side, one contract the demo government department
left unconfirmed past the signing deadline (a purchaser credit event). The refusal to sign (a
suspension) is the real one of ``bidding.demo``.
Runs after ``bidding.demo`` and ``ratings.demo``; everything goes through ``credit.services.ledger``.

The scoring model is not touched: ``credit.scoring`` needs 92 points for five stars, i.e.
from the base of 80 about +9 from a long record of five-star ratings (smoothed against the
prior of 3.5 stars counted 8 times) and a few points from on-time deliveries and inspections.
"""
from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.utils import timezone

from agencies.models import Agency
from credit.models import CreditEvent, PurchaserCreditEvent
from credit.services.ledger import credit_event_record
from credit.services.purchasers import purchaser_credit_event_record
from credit.services.sanctions import sanction_impose

K, S = CreditEvent.Kind, CreditEvent.Source
DEMO_MARK = "（演示）"

FIVE_STAR = ("demo_agency1", "agency_09", "agency_11", "agency_14")
"""楚天环境, 姑苏建设, 之江咨询, 庐州地质: long records of excellent work."""
LATE, COMPLAINED, WARNED, FINED = "agency_50", "agency_52", "agency_53", "agency_54"
REFUSER_FALLBACK = "agency_51"
"""Refuses to sign when ``bidding.demo`` did not make a real refusal."""

# Tiers of the ordinary history: (weight, number of past projects, stars a project got, chance
# that a project was delivered late, whether a quality complaint against it was upheld).
TIERS = {
    "strong": (10, (5, 7), (5, 5, 4.8, 4.8, 4.6, 4.4), 0.0, False),
    "good": (20, (2, 5), (5, 4.8, 4.6, 4.4, 4, 3.8), 0.05, False),
    "fair": (12, (2, 4), (4, 3.8, 3.4, 3.2, 3, 2.8), 0.35, False),
    "weak": (3, (3, 5), (3.4, 3, 2.6, 2.2, 2), 0.6, True),
}
EXCELLENT_STARS = (5, 5, 4.8, 5, 5, 4.8, 5, 4.6)
FIVE_STAR_TARGET = 94
"""A five-star agency's record grows until its score reaches this (five stars need 92), so
that it stays five-star whatever the random inspection of ``ratings.demo`` found."""


def _say(stdout, text: str) -> None:
    if stdout is not None:
        stdout.write(text)


def _agencies_by_username() -> dict[str, Agency]:
    rows = Agency.objects.values_list("organisation__members__user__username", "pk")
    by_pk = Agency.objects.in_bulk([pk for _u, pk in rows])
    return {username: by_pk[pk] for username, pk in rows if username}


class _History:
    """Past projects of one agency (a rating and a delivery each), dated within two years."""

    def __init__(self, agency: Agency, now: dt.datetime):
        self.agency, self.now = agency, now
        self.rng = random.Random(f"credit-demo-{agency.uscc}")

    def at(self, days_ago: int) -> dt.datetime:
        return self.now - dt.timedelta(days=days_ago, hours=self.rng.randint(0, 8))

    def record(self, kind: str, source: str, reason: str, days_ago: int, **extra) -> CreditEvent:
        return credit_event_record(agency=self.agency, kind=kind, source=source,
                                   reason=reason + DEMO_MARK, occurred_at=self.at(days_ago),
                                   **extra)

    def project(self, stars, *, late: bool = False) -> CreditEvent:
        self.record(K.RATING, S.PURCHASER, "项目验收后评价", self.rng.randint(20, 700),
                    stars=stars)
        if late:
            return self.record(K.DELIVERY_LATE, S.PURCHASER, "成果提交超出承诺时限",
                               self.rng.randint(20, 700))
        return self.record(K.DELIVERY_ON_TIME, S.PURCHASER, "按期提交成果",
                           self.rng.randint(20, 700))

    def inspection_passed(self) -> CreditEvent:
        return self.record(K.INSPECTION_PASS, S.OPERATOR, "“双随机、一公开”抽查合格",
                           self.rng.randint(30, 300))

    def tier(self, name: str) -> None:
        _weight, (low, high), stars, late, complaint = TIERS[name]
        for _ in range(self.rng.randint(low, high)):
            self.project(self.rng.choice(stars), late=self.rng.random() < late)
        if complaint:
            self.record(K.COMPLAINT_UPHELD, S.INDUSTRY_DEPARTMENT,
                        "质量投诉经核实成立：成果文件主要结论依据不足", self.rng.randint(30, 300))
        if self.rng.random() < 0.4:
            self.inspection_passed()

    def excellent(self) -> None:
        """Two inspections passed and excellent projects until the score reaches the target."""
        event = self.inspection_passed()
        self.inspection_passed()
        for n in range(16):
            if n >= 5 and event.score_after >= FIVE_STAR_TARGET:
                break
            event = self.project(EXCELLENT_STARS[n % len(EXCELLENT_STARS)])


def load(stdout=None) -> None:
    if CreditEvent.objects.filter(reason__endswith=DEMO_MARK).exists():
        _say(stdout, "credit demo already loaded")
        return
    agencies = list(Agency.objects.order_by("pk"))
    if len(agencies) < 6:
        _say(stdout, "credit demo skipped: fewer than 6 agencies")
        return
    now = timezone.now()
    by_username = _agencies_by_username()
    special = {by_username[u].pk for u in (LATE, COMPLAINED, WARNED, FINED, REFUSER_FALLBACK)
               if u in by_username}
    special |= set(CreditEvent.objects.filter(kind=K.CONTRACT_REFUSED)
                   .values_list("agency_id", flat=True))
    five_star = {by_username[u].pk for u in FIVE_STAR if u in by_username}
    rng = random.Random(20261123)
    names = list(TIERS)
    weights = [TIERS[name][0] for name in names]
    for agency in agencies:
        if agency.pk in five_star:
            _History(agency, now).excellent()
        elif agency.pk not in special:
            _History(agency, now).tier(rng.choices(names, weights)[0])
    refused, complained = _special_cases(by_username, now)
    late_purchaser = _purchaser_late_contract(now)
    stars = sorted(Agency.objects.values_list("credit_stars", flat=True), reverse=True)
    spread = ", ".join(f"{n}★ {stars.count(n)}" for n in sorted(set(stars), reverse=True))
    _say(stdout, f"credit demo: {CreditEvent.objects.count()} credit events; {spread}"
                 + (f"; suspended {refused.agency.name} (refused to sign)" if refused else "")
                 + (f"; expulsion proposed for {complained.name}" if complained else "")
                 + (f"; late contract of {late_purchaser.name}" if late_purchaser else ""))


def _purchaser_late_contract(now: dt.datetime):
    """Two-sided accountability: from before the platform, a contract the demo government
    department did not confirm before the signing deadline. Returns the purchaser, or None."""
    user = (get_user_model().objects.filter(username="demo_government")
            .select_related("member__organisation").first())
    if user is None:
        return None
    org = user.member.organisation
    purchaser_credit_event_record(
        purchaser=org, kind=PurchaserCreditEvent.Kind.CONTRACT_MISSED,
        source=PurchaserCreditEvent.Source.OPERATOR, occurred_at=now - dt.timedelta(days=90),
        reason="汉十高速公路连接线改扩建工程水土保持方案编制：中选机构上传的合同逾期未确认"
               + DEMO_MARK)
    return org


def _special_cases(by_username: dict[str, Agency], now: dt.datetime):
    """A late delivery, a refusal to sign (unless ``bidding.demo`` made a real one), three
    upheld complaints (expulsion proposed), poor ratings (warned at grade D), a regulator
    finding with a warning. Returns the refusal's credit event and the complained agency."""
    def at(days_ago: int) -> dt.datetime:
        return now - dt.timedelta(days=days_ago, hours=days_ago % 9)

    late = by_username.get(LATE)
    if late is not None:
        _History(late, now).tier("good")
        credit_event_record(agency=late, kind=K.DELIVERY_LATE, source=S.PURCHASER,
                            reason="成果提交超出承诺时限12个工作日" + DEMO_MARK, occurred_at=at(40))
    refused = (CreditEvent.objects.filter(kind=K.CONTRACT_REFUSED).select_related("agency")
               .order_by("pk").first())
    if refused is None and REFUSER_FALLBACK in by_username:
        refused = credit_event_record(
            agency=by_username[REFUSER_FALLBACK], kind=K.CONTRACT_REFUSED, source=S.OPERATOR,
            reason="中选后无正当理由拒绝签订合同" + DEMO_MARK, occurred_at=at(5))
    complained = by_username.get(COMPLAINED)
    if complained is not None:
        for days, text in ((200, "报告数据与现场不符"), (120, "评估结论依据不足"),
                           (15, "未按规范开展现场踏勘")):
            credit_event_record(agency=complained, kind=K.COMPLAINT_UPHELD,
                                source=S.INDUSTRY_DEPARTMENT,
                                reason=f"质量投诉经核实成立：{text}" + DEMO_MARK,
                                occurred_at=at(days))
    warned = by_username.get(WARNED)
    if warned is not None:
        for days, stars in ((85, 2), (64, 1.6), (47, 2.2), (33, 1.8), (12, 2.4)):
            credit_event_record(agency=warned, kind=K.RATING, source=S.PURCHASER, stars=stars,
                                reason="项目业主评价" + DEMO_MARK, occurred_at=at(days))
        for days in (30, 75):  # with the ratings: grade D, warned automatically
            credit_event_record(agency=warned, kind=K.DELIVERY_LATE, source=S.PURCHASER,
                                reason="成果多次退回修改，超出承诺时限" + DEMO_MARK,
                                occurred_at=at(days))
    fined = by_username.get(FINED)
    regulator = get_user_model().objects.filter(username="demo_regulator").first()
    if fined is not None:
        _History(fined, now).tier("good")
        credit_event_record(agency=fined, kind=K.REGULATOR_FINDING, source=S.OPERATOR,
                            points=-6, reason="未按规定公示收费标准，责令整改" + DEMO_MARK,
                            occurred_at=at(60))
        if regulator is not None:
            sanction_impose(actor=regulator, agency=fined, kind="warning",
                            reason="未按规定公示收费标准，予以警示" + DEMO_MARK)
    return refused, complained
