"""Demo ratings and regulator data (Chinese): ratings on the accepted demo awards (one replied
to, one under appeal), an inspector pool, one published random inspection and one announced.
Runs after ``bidding.demo``; everything goes through the services (audit included)."""
from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth import get_user_model

from bidding.models import Award

from .models import Rating
from .services import rating_accepted_at, rating_appeal, rating_reply, rating_submit

COMMENTS = [
    "报告编制规范，按时提交，配合审批部门修改及时。",
    "服务态度好，技术人员专业，收费合理。",
    "成果质量一般，初稿存在多处数据错误，经两次退改后通过。",
    "响应迅速，现场踏勘认真，推荐。",
    "整体满意，个别环节沟通不够及时。",
]
INSPECTORS = [
    ("ZF0001", "王建国", "市发展和改革委员会"), ("ZF0002", "李秀英", "市住房和城乡建设局"),
    ("ZF0003", "张伟", "市生态环境局"), ("ZF0004", "刘洋", "市市场监督管理局"),
    ("ZF0005", "陈静", "市自然资源和规划局"), ("ZF0006", "杨帆", "市行政审批局"),
]


def _say(stdout, text: str) -> None:
    if stdout is not None:
        stdout.write(text)


def _agency_user(agency):
    member = agency.organisation.members.select_related("user").first()
    return member.user if member else None


def _load_ratings(rng: random.Random) -> int:
    made = 0
    awards = (Award.objects.filter(status=Award.Status.ACCEPTED, rating__isnull=True)
              .select_related("project__created_by", "agency__organisation").order_by("pk"))
    for award in awards:
        base = rng.choice([5, 5, 4, 4, 3, 2])
        stars = {d: max(1, min(5, base + rng.choice([0, 0, 0, 1, -1])))
                 for d in ("quality", "timeliness", "attitude", "fees", "conduct")}
        when = rating_accepted_at(award) + dt.timedelta(hours=2)
        rating = rating_submit(actor=award.project.created_by, award=award, now=when,
                               comment=rng.choice(COMMENTS), **stars)
        made += 1
        user = _agency_user(award.agency)
        if user is None:
            continue
        if made == 1:
            rating_reply(actor=user, rating=rating, text="感谢业主的认可，我们将持续提升服务质量。")
        elif rating.average < 3 and not Rating.objects.filter(appeal__isnull=False).exists():
            rating_appeal(actor=user, rating=rating,
                          reason="该项目成果已通过审批部门技术审查，评价所述数据错误系业主提供的基础资料有误，请予复核。")
    return made


def _load_inspections(regulator) -> str:
    from credit.inspections import (inspection_announce, inspection_draw,
                                    inspection_finding_record, inspection_publish, inspector_add)

    for code, name, department in INSPECTORS:
        inspector_add(actor=regulator, code=code, name=name, department=department)
    done = inspection_announce(actor=regulator, title="2026年第一批中介服务机构“双随机、一公开”抽查",
                               agency_count=4, inspector_count=2)
    done = inspection_draw(actor=regulator, inspection=done)
    for n, finding in enumerate(done.findings.order_by("rank")):
        if n == 1:
            inspection_finding_record(actor=regulator, finding=finding, result="fail",
                                      note="未在经营场所公示收费标准和服务承诺；一名报告签字人无相应执业资格。")
        else:
            inspection_finding_record(actor=regulator, finding=finding, result="pass",
                                      note="资质、人员、收费公示与服务档案符合要求。")
    inspection_publish(actor=regulator, inspection=done)
    inspection_announce(actor=regulator, title="2026年第二批中介服务机构“双随机、一公开”抽查",
                        agency_count=5, inspector_count=2)
    return "2 inspections"


def load(stdout=None) -> None:
    from credit.models_regulator import Inspector

    regulator = get_user_model().objects.filter(username="demo_regulator").first()
    if regulator is None or Inspector.objects.exists():
        _say(stdout, "ratings demo already loaded or no regulator account")
        return
    rng = random.Random(8)
    made = _load_ratings(rng)
    inspections = _load_inspections(regulator)
    _say(stdout, f"ratings demo: {made} ratings, {len(INSPECTORS)} inspectors, {inspections}")
