"""Demo credit data (Chinese): a credit history for the demo agencies, one suspension after a
refusal to sign, one proposed expulsion after three upheld complaints, one warning. Runs after
``bidding.demo`` and ``ratings.demo``; everything goes through ``credit.services``."""
from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.utils import timezone

from agencies.models import Agency

from .models import CreditEvent
from .services import credit_event_record, sanction_impose

K, S = CreditEvent.Kind, CreditEvent.Source
DEMO_MARK = "（演示）"


def _say(stdout, text: str) -> None:
    if stdout is not None:
        stdout.write(text)


def load(stdout=None) -> None:
    if CreditEvent.objects.filter(reason__endswith=DEMO_MARK).exists():
        _say(stdout, "credit demo already loaded")
        return
    agencies = list(Agency.objects.order_by("pk"))
    if len(agencies) < 6:
        _say(stdout, "credit demo skipped: fewer than 6 agencies")
        return
    rng = random.Random(20261123)
    now = timezone.now()
    regulator = get_user_model().objects.filter(username="demo_regulator").first()

    def at(days_ago: int) -> dt.datetime:
        return now - dt.timedelta(days=days_ago, hours=rng.randint(0, 8))

    # An ordinary history for everyone except the last five: ratings and deliveries.
    for agency in agencies[:-5]:
        for _ in range(rng.randint(1, 5)):
            stars = rng.choice([5, 5, 4.8, 4.6, 4.4, 4, 3.8])
            credit_event_record(agency=agency, kind=K.RATING, source=S.PURCHASER, stars=stars,
                                reason="项目验收后评价" + DEMO_MARK,
                                occurred_at=at(rng.randint(20, 700)))
            credit_event_record(agency=agency, kind=K.DELIVERY_ON_TIME, source=S.PURCHASER,
                                reason="按期提交成果" + DEMO_MARK,
                                occurred_at=at(rng.randint(20, 700)))
        if rng.random() < 0.4:
            credit_event_record(agency=agency, kind=K.INSPECTION_PASS, source=S.OPERATOR,
                                reason="“双随机、一公开”抽查合格" + DEMO_MARK,
                                occurred_at=at(rng.randint(30, 300)))

    late, refuser, complained, warned, fined = agencies[-5:]
    credit_event_record(agency=late, kind=K.DELIVERY_LATE, source=S.PURCHASER,
                        reason="成果提交超出承诺时限12个工作日" + DEMO_MARK, occurred_at=at(40))
    credit_event_record(agency=refuser, kind=K.CONTRACT_REFUSED, source=S.OPERATOR,
                        reason="中选后无正当理由拒绝签订合同" + DEMO_MARK, occurred_at=at(5))
    for days, text in ((200, "报告数据与现场不符"), (120, "评估结论依据不足"),
                       (15, "未按规范开展现场踏勘")):
        credit_event_record(agency=complained, kind=K.COMPLAINT_UPHELD,
                            source=S.INDUSTRY_DEPARTMENT,
                            reason=f"质量投诉经核实成立：{text}" + DEMO_MARK,
                            occurred_at=at(days))
    for stars in (2, 1.6, 2.2, 1.8):
        credit_event_record(agency=warned, kind=K.RATING, source=S.PURCHASER, stars=stars,
                            reason="项目业主评价" + DEMO_MARK, occurred_at=at(rng.randint(10, 90)))
    credit_event_record(agency=warned, kind=K.DELIVERY_LATE, source=S.PURCHASER,
                        reason="成果多次退回修改" + DEMO_MARK, occurred_at=at(30))
    credit_event_record(agency=fined, kind=K.REGULATOR_FINDING, source=S.OPERATOR, points=-6,
                        reason="未按规定公示收费标准，责令整改" + DEMO_MARK, occurred_at=at(60))
    if regulator is not None:
        sanction_impose(actor=regulator, agency=fined, kind="warning",
                        reason="未按规定公示收费标准，予以警示" + DEMO_MARK)
    _say(stdout, f"credit demo: {CreditEvent.objects.count()} credit events; "
                 f"suspended {refuser.name}, expulsion proposed for {complained.name}")
