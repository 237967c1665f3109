"""Demo ratings and regulator data (Chinese): a rating on every accepted demo award (some replied
to, one low rating under appeal), the agency's rating of the purchaser on each of them (two-sided
accountability; one replied to by the purchaser), an inspector pool, one published random
inspection and one announced. Runs after ``bidding.demo``; everything goes through the services (audit included).
"""
from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model

from bidding.models import Award
from credit.models import Inspector
from credit.services.inspections import (
    inspection_announce,
    inspection_draw,
    inspection_finding_record,
    inspection_publish,
    inspector_add,
)
from ratings.services.purchasers import purchaser_rating_reply, purchaser_rating_submit
from ratings.services.ratings import rating_accepted_at, rating_appeal, rating_reply, rating_submit

# One entry per accepted award, in the order ``bidding.demo`` completes them (then repeated):
# stars (quality, timeliness, attitude, fees, conduct), comment, the agency's reply, its appeal.
RATINGS = [
    ((3, 4, 5, 4, 4), "初稿水土流失预测数据有误，经一次退改后通过技术审查；修改响应及时，服务态度好。",
     "感谢业主的指正。初稿采用的降雨侵蚀力因子已按项目所在地气象站资料更正，我单位已加强内部三级校审。",
     ""),
    ((5, 5, 4, 5, 5), "外业测量组织有序，成果按时提交并一次通过审查。", "", ""),
    ((4, 5, 4, 5, 4), "原中选机构拒签后临时承接，仍按期完成概算审核，审核意见详实。",
     "感谢采购人的信任，我单位将继续做好后续结算审核配合工作。", ""),
    ((5, 5, 5, 5, 5), "测绘成果规范，按时提交，配合不动产登记修改及时。",
     "感谢认可！成果如需补测，我单位随时安排人员到场。", ""),
    ((5, 5, 5, 4, 5), "可研报告论证充分，专家评审一次通过，收费合理。", "", ""),
    ((5, 5, 5, 5, 5), "报告编制规范，按时提交，配合审批部门修改及时。",
     "感谢业主的认可，我们将持续提升服务质量。", ""),
    ((2, 2, 3, 2, 3), "成果质量一般，初稿存在多处数据错误，现场踏勘仅一次，沟通不够及时。", "",
     "该项目成果已通过审批部门技术审查，评价所述数据错误系业主提供的基础资料有误，请予复核。"),
    ((5, 4, 5, 5, 5), "响应迅速，现场踏勘认真，推荐。", "", ""),
    ((4, 4, 4, 3, 4), "整体满意，个别环节沟通不够及时。", "", ""),
]
# The agencies' ratings of the purchasers, in the same order: stars (clarity, cooperation,
# fairness, payment), comment, the purchaser's reply.
PURCHASER_RATINGS = [
    ((4, 5, 4, 5), "技术要求明确，基础资料提供及时，验收意见客观。", ""),
    ((5, 4, 5, 4), "需求清晰，外业配合到位；尾款支付略有延迟。",
     "尾款因财务年度结算顺延五个工作日，已于结算后付清，感谢理解。"),
    ((3, 3, 4, 3), "临时递补承接，初期资料交接不够完整，需求经两次澄清。", ""),
    ((5, 5, 5, 5), "业主需求明确、沟通顺畅，验收和付款都很及时。", ""),
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


def _load_ratings() -> dict:
    made = {"ratings": 0, "replies": 0, "appeals": 0}
    awards = (Award.objects.filter(status=Award.Status.ACCEPTED, rating__isnull=True)
              .select_related("project__created_by", "agency__organisation").order_by("pk"))
    for index, award in enumerate(awards):
        stars, comment, reply, appeal = RATINGS[index % len(RATINGS)]
        when = rating_accepted_at(award) + dt.timedelta(hours=2)
        rating = rating_submit(actor=award.project.created_by, award=award, now=when,
                               comment=comment, **dict(zip(
                                   ("quality", "timeliness", "attitude", "fees", "conduct"),
                                   stars)))
        made["ratings"] += 1
        user = _agency_user(award.agency)
        if user is not None and reply:
            rating_reply(actor=user, rating=rating, text=reply)
            made["replies"] += 1
        if user is not None and appeal:
            rating_appeal(actor=user, rating=rating, reason=appeal)
            made["appeals"] += 1
    return made


def _load_purchaser_ratings() -> dict:
    made = {"ratings": 0, "replies": 0}
    awards = (Award.objects.filter(status=Award.Status.ACCEPTED, purchaser_rating__isnull=True)
              .select_related("project__created_by", "agency__organisation").order_by("pk"))
    for index, award in enumerate(awards):
        user = _agency_user(award.agency)
        if user is None:
            continue
        stars, comment, reply = PURCHASER_RATINGS[index % len(PURCHASER_RATINGS)]
        when = rating_accepted_at(award) + dt.timedelta(hours=3)
        rating = purchaser_rating_submit(
            actor=user, award=award, now=when, comment=comment,
            **dict(zip(("clarity", "cooperation", "fairness", "payment"), stars)))
        made["ratings"] += 1
        if reply:
            purchaser_rating_reply(actor=award.project.created_by, rating=rating, text=reply)
            made["replies"] += 1
    return made


def _load_inspections(regulator) -> str:
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
    regulator = get_user_model().objects.filter(username="demo_regulator").first()
    if regulator is None or Inspector.objects.exists():
        _say(stdout, "ratings demo already loaded or no regulator account")
        return
    made = _load_ratings()
    by_agencies = _load_purchaser_ratings()
    inspections = _load_inspections(regulator)
    _say(stdout, f"ratings demo: {made['ratings']} ratings ({made['replies']} replied to, "
                 f"{made['appeals']} appealed), {by_agencies['ratings']} ratings of purchasers "
                 f"({by_agencies['replies']} replied to), {len(INSPECTORS)} inspectors, "
                 f"{inspections}")
