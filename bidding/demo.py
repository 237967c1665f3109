"""Demo projects (h4), loaded by ``manage.py load_demo`` after the core demo (marketplace.demo).

Every project goes through the real services (create, publish, sign up, close, bid, close the
auction), so the audit trail, labels, commitments and awards are genuine. Only the clock is
moved: after sign-ups, a project's deadline and selection time are set into the past so that
it can be closed now. States shown:

- a live auction open now (four bidders, three bids) — the demo auction page;
- an awarded live-bidding project (bids, award notice);
- a random draw whose seed commitment is published (awaiting the draw);
- postings with sign-up open (an enterprise's random draw needing 测绘资质 with its legal basis,
  and a department-funded average-price comparison with its budget line, R6);
- a failed project (流标: too few sign-ups), a withdrawn one (public reason), and a draft.
"""
from __future__ import annotations

import datetime as dt
import zlib
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Count
from django.utils import timezone

from agencies.models import Agency
from marketplace.catalogue import Product
from marketplace.models import Organisation, Region

from .models import Project, SignUp
from .rules import earliest_signup_deadline
from .services import postings as services

Method = Project.Method


def _user(username: str):
    return get_user_model().objects.get(username=username)


def _item(title: str) -> Product:
    return Product.objects.get(title=title)


def _offering_users(item: Product, n: int, prefer=()) -> list:
    """Users of ``n`` agencies in good standing offering ``item``, preferred usernames first."""
    agencies = list(Agency.objects.filter(partner__stockrecords__product=item,
                                          standing=Agency.Standing.GOOD)
                    .select_related("organisation").order_by("pk"))
    users = []
    for agency in agencies:
        member = agency.organisation.members.select_related("user").first()
        if member is not None:
            users.append(member.user)
    users.sort(key=lambda u: (u.username not in prefer, prefer.index(u.username)
                              if u.username in prefer else 0, u.pk))
    return users[:n]


def _fields(item: Product, title: str, method: str, **over) -> dict:
    deadline = timezone.localtime(earliest_signup_deadline() + dt.timedelta(days=2)) \
        .replace(hour=17, minute=0)
    fields = dict(
        item=item, title=title, method=method,
        investment_code="2611-420100-04-01-" + str(zlib.crc32(title.encode()) % 1000000).zfill(6),
        approval_case_no="武审批〔2026〕" + str(zlib.crc32(title.encode()) % 900 + 100) + "号",
        approval_department=Organisation.objects.filter(kind=Organisation.Kind.APPROVAL).first(),
        region=Region.objects.filter(code="420100").first() or Region.objects.filter(
            code="420000").first(),
        scale="用地面积约12.6公顷，总投资约4.8亿元", content="按国家和省有关技术规范编制" + item.title
        + "，配合审批部门组织的技术审查并按审查意见修改完善，直至取得批复。",
        service_days=25, signup_deadline=deadline, selection_at=deadline + dt.timedelta(days=1),
        enquiry_phone="027-86001234", complaint_phone="027-86009876")
    fields.update(over)
    return fields


def _post(owner, item, title, method, *, qualifications=(), **over) -> Project:
    project = services.project_create(actor=owner, fields=_fields(item, title, method, **over),
                                      qualifications=list(qualifications))
    return services.project_publish(actor=owner, project=project)


def _sign_up(project: Project, users) -> None:
    for user in users:
        services.signup_create(actor=user, project=project)


def _close(project: Project, *, selection_minutes_ago: int = 2) -> Project:
    """Move the clock of ``project`` so that sign-up closed and selection started, then close."""
    now = timezone.now()
    Project.objects.filter(pk=project.pk).update(
        signup_deadline=now - dt.timedelta(hours=1),
        selection_at=now - dt.timedelta(minutes=selection_minutes_ago))
    return services.signups_close(project=project, now=now)


def _bid(project: Project, user, value: str) -> None:
    from .services.auctions import bid_place

    bid_place(actor=user, project=project, value=value)


def _labelled_users(project: Project) -> dict:
    return {s.label: s.agency.organisation.members.first().user
            for s in SignUp.objects.filter(project=project).exclude(label="")
            .select_related("agency__organisation")}


def load(stdout=None) -> None:
    if Project.objects.filter(created_by__username="demo_enterprise").exists():
        if stdout is not None:
            stdout.write("bidding demo: already loaded")
        return
    enterprise = _user("demo_enterprise")
    government = _user("demo_government")
    outfall = _item("入河排污口设置论证报告编制")
    eia_table = _item("环境影响评价报告表编制")
    boundary = _item("土地勘测定界")
    made = []

    # 1. A live auction open now: four bidders, three bids.
    live = _post(enterprise, outfall, "长江新材料二期项目入河排污口设置论证", Method.LIVE_BIDDING,
                 ceiling=Decimal("180000"), floor=Decimal("100000"), step=Decimal("1000"),
                 auction_minutes=90)
    _sign_up(live, _offering_users(outfall, 4, prefer=("demo_agency1", "demo_agency2")))
    live = _close(live)
    bidders = _labelled_users(live)
    for label, value in (("B", "176000"), ("C", "172500"), ("A", "170000")):
        if label in bidders:
            _bid(live, bidders[label], value)
    made.append(live)

    # 2. An awarded live-bidding project: bids, then the auction closed and the award made.
    won = _post(enterprise, eia_table, "长江新材料仓储物流中心环境影响评价（报告表）",
                Method.LIVE_BIDDING, ceiling=Decimal("60000"), floor=Decimal("30000"),
                step=Decimal("500"), auction_minutes=30)
    _sign_up(won, _offering_users(eia_table, 3, prefer=("demo_agency2",)))
    won = _close(won, selection_minutes_ago=20)
    bidders = _labelled_users(won)
    for label, value in (("A", "58000"), ("B", "55500"), ("C", "54000"), ("A", "52500")):
        if label in bidders:
            _bid(won, bidders[label], value)
    from .services.auctions import auction_close

    Project.objects.filter(pk=won.pk).update(auction_ends_at=timezone.now()
                                             - dt.timedelta(seconds=1))
    auction_close(project=Project.objects.get(pk=won.pk))
    made.append(won)

    # 3. A random draw: sign-up closed, the seed's commitment published, awaiting the draw.
    survey_req = [{"name": "测绘资质", "grade": "乙级",
                   "legal_basis": "《中华人民共和国测绘法》第二十七条、《测绘资质管理办法》第五条"}]
    draw = _post(enterprise, boundary, "长江新材料二期项目用地勘测定界", Method.RANDOM_DRAW,
                 amount=Decimal("36000"), qualifications=survey_req)
    _sign_up(draw, [u for u in _offering_users(boundary, 12, prefer=("demo_agency3",))
                    if not _problems(u, draw)][:4])
    made.append(_close(draw))

    # 4. Sign-up open: an enterprise's random draw (demo_agency3 may still sign up) …
    open_draw = _post(enterprise, boundary, "长江新材料研发楼项目土地勘测定界", Method.RANDOM_DRAW,
                      amount=Decimal("28000"), qualifications=survey_req)
    _sign_up(open_draw, [u for u in _offering_users(boundary, 12) if u.username != "demo_agency3"
                         and not _problems(u, open_draw)][:2])
    made.append(open_draw)

    # … and a department's technical service paid from its budget (R6): competitive method.
    cost = _item("工程造价咨询（投资估算、概算编审）")
    dept = _post(government, cost, "武汉市2027年农村公路提档升级工程概算审核", Method.AVERAGE_PRICE,
                 funding=Project.Funding.FISCAL, budget_line="2027年部门预算·交通建设技术服务费",
                 ceiling=Decimal("120000"), floor=Decimal("80000"), service_days=15,
                 enquiry_phone="027-85002345", complaint_phone="027-85009999")
    _sign_up(dept, _offering_users(cost, 2))
    made.append(dept)

    # 5. Failed (流标): one sign-up for a competitive method.
    report = _item("项目申请报告编制")
    failed = _post(enterprise, report, "长江新材料三期项目申请报告编制", Method.LIVE_BIDDING,
                   ceiling=Decimal("50000"), floor=Decimal("20000"), step=Decimal("500"))
    _sign_up(failed, _offering_users(report, 1))
    made.append(_close(failed))

    # 6. Withdrawn with a public reason.
    study = _item("可行性研究报告编制")
    gone = _post(enterprise, study, "长江新材料配套码头可行性研究", Method.RANDOM_DRAW,
                 amount=Decimal("45000"))
    made.append(services.project_withdraw(actor=enterprise, project=gone,
                                          reason="码头选址调整，项目暂缓实施，待新址确定后重新发布。"))

    # 7. A draft.
    energy = _item("固定资产投资项目节能报告编制")
    made.append(services.project_create(actor=enterprise, fields=_fields(
        energy, "长江新材料二期项目节能报告编制", Method.RANDOM_DRAW, amount=Decimal("30000"))))

    if stdout is not None:
        counts = dict(Project.objects.values_list("status")
                      .annotate(n=Count("pk")).order_by())
        stdout.write(f"bidding demo: {len(made)} projects "
                     + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
                     + f"; live auction: /projects/{live.pk}/auction/")


def _problems(user, project) -> list[str]:
    from .eligibility import eligibility_problems

    agency = Agency.objects.get(organisation__members__user=user)
    return eligibility_problems(agency=agency, project=project)
