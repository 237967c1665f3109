"""Demo projects (h4), loaded by ``manage.py load_demo`` after the core demo (marketplace.demo).

Every project goes through the real services (create, publish, sign up, close, bid or quote or
draw or pick, contract, delivery), so the audit trail, labels, commitments, awards, contracts,
deliveries and the credit events they trigger are genuine. Only the clock is moved: after
sign-ups a project's deadline and selection time are set into the past so that it can be closed
now, an auction's end is set into the past so that it can be closed, and an award's objection
period is ended at its decision time so that the contract can be signed. States shown:

- a live auction open now (four bidders, three bids, open for eight hours) — the demo auction;
- an awarded live-bidding project still in its objection period, with an objection filed by a
  losing bidder (awaiting the purchaser's answer and the regulator's decision);
- nine projects taken all the way to an accepted result, by every selection method (live
  bidding, random draw, average-price comparison, comprehensive evaluation, direct selection),
  for both demo purchasers and many agencies (demo_agency1..3 among them): one result returned
  with a reason and accepted when delivered again; one winner refusing to sign (a credit
  violation that suspends it), the runner-up offered the award and completing the service;
- work in progress: a result delivered and awaiting acceptance (demo_agency1), a contract
  uploaded by the purchaser and awaiting the agency's confirmation (demo_agency3);
- a random draw whose seed commitment is published (awaiting the draw);
- postings with sign-up open (an enterprise's random draw needing 测绘资质 with its legal basis,
  and a department-funded average-price comparison with its budget line, R6);
- a failed project (流标: too few sign-ups), a withdrawn one (public reason), and a draft.

``ratings.demo`` then rates the accepted awards and ``credit.demo`` adds the credit history.
"""
from __future__ import annotations

import datetime as dt
import time
import zlib
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db.models import Count
from django.utils import timezone

from agencies.models import Agency
from bidding.models import Award, Project, SignUp
from bidding.rules import earliest_signup_deadline
from bidding.services import awards as award_services
from bidding.services import methods
from bidding.services import postings as services
from core.catalogue import Product
from core.models import Organisation, Region

Method = Project.Method
Funding = Project.Funding

SURVEY_QUALIFICATION = [{"name": "测绘资质", "grade": "乙级",
                         "legal_basis": "《中华人民共和国测绘法》第二十七条、《测绘资质管理办法》第五条"}]
SAFETY_QUALIFICATION = [{"name": "安全评价机构资质", "grade": "",
                         "legal_basis": "《中华人民共和国安全生产法》第七十二条、"
                                        "《安全评价检测检验机构管理办法》第三条"}]
GOVERNMENT_PHONES = {"enquiry_phone": "027-85002345", "complaint_phone": "027-85009999"}
EVALUATORS = ("周立新（正高级工程师）", "吴海燕（注册咨询工程师）", "郑国栋（高级经济师）")


# --- accounts and items ---------------------------------------------------------------------


def _user(username: str):
    return get_user_model().objects.get(username=username)


def _users(*usernames: str) -> list:
    """Demo users in the order given (demo_agency1..3, agency_04 … agency_54: seed order)."""
    found = {u.username: u for u in get_user_model().objects.filter(username__in=usernames)}
    return [found[name] for name in usernames if name in found]


def _item(title: str) -> Product:
    return Product.objects.get(title=title)


def _member(agency: Agency):
    return agency.organisation.members.select_related("user").first().user


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


def _problems(user, project) -> list[str]:
    from bidding.eligibility import eligibility_problems

    agency = Agency.objects.get(organisation__members__user=user)
    return eligibility_problems(agency=agency, project=project)


# --- postings and the clock -----------------------------------------------------------------


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
    """Move the clock of ``project`` so that sign-up closed and selection started (or starts in
    ``-selection_minutes_ago`` minutes, for sealed quotes), then close sign-up."""
    now = timezone.now()
    Project.objects.filter(pk=project.pk).update(
        signup_deadline=now - dt.timedelta(hours=1),
        selection_at=now - dt.timedelta(minutes=selection_minutes_ago))
    return services.signups_close(project=project, now=now)


def _start_selection(project: Project) -> None:
    """Sealed quotes are in: move the announced selection time into the past."""
    Project.objects.filter(pk=project.pk).update(
        selection_at=timezone.now() - dt.timedelta(minutes=1))


def _bid(project: Project, user, value: str) -> None:
    from bidding.services.auctions import bid_place

    bid_place(actor=user, project=project, value=value)


def _labelled_users(project: Project) -> dict:
    return {s.label: s.agency.organisation.members.first().user
            for s in SignUp.objects.filter(project=project).exclude(label="")
            .select_related("agency__organisation")}


def _auction(project: Project, bids) -> Award:
    """Place ``bids`` (label, value) in the open auction, then end it and close it."""
    from bidding.services.auctions import auction_close

    bidders = _labelled_users(project)
    for label, value in bids:
        if label in bidders:
            _bid(project, bidders[label], value)
    Project.objects.filter(pk=project.pk).update(
        auction_ends_at=timezone.now() - dt.timedelta(seconds=1))
    return auction_close(project=Project.objects.get(pk=project.pk))


def _live_bidding(owner, item, title, usernames, bids, **over) -> Award:
    project = _post(owner, item, title, Method.LIVE_BIDDING, **over)
    _sign_up(project, _users(*usernames))
    return _auction(_close(project, selection_minutes_ago=20), bids)


def _random_draw(owner, item, title, usernames, **over) -> Award:
    project = _post(owner, item, title, Method.RANDOM_DRAW, **over)
    _sign_up(project, _users(*usernames))
    return methods.draw_run(actor=owner, project=_close(project))


def _sealed_quotes(owner, item, title, method, quotes, **over) -> Project:
    """Post, sign up the agencies of ``quotes`` (username → quote), close sign-up with the
    selection still ahead, submit the sealed quotes and move the selection time past."""
    project = _post(owner, item, title, method, **over)
    users = _users(*quotes)
    _sign_up(project, users)
    project = _close(project, selection_minutes_ago=-60)
    for user in users:
        methods.quote_submit(actor=user, project=project, quote=quotes[user.username])
    _start_selection(project)
    return project


def _direct(owner, item, title, username, amount, **over) -> Award:
    project = _post(owner, item, title, Method.DIRECT, amount=Decimal(amount), **over)
    agency = Agency.objects.get(organisation__members__user__username=username)
    return methods.direct_pick(actor=owner, project=project, agency=agency)


# --- after the award ------------------------------------------------------------------------


def _pdf(*lines: str) -> bytes:
    """A one-page PDF showing ``lines`` (ASCII) in Helvetica: the demo's contract and result
    files, so that a download opens as a document."""
    def esc(text: str) -> str:
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    stream = "BT /F1 13 Tf 72 770 Td 20 TL " + " ".join(f"({esc(x)}) '" for x in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        "/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("ascii")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode("ascii")
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode("ascii")
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n"
            "%%EOF\n").encode("ascii")
    return out


def _document(award: Award, kind: str, version: int = 1) -> ContentFile:
    lines = [f"{kind} (demo document)", f"Project {award.project_id}, award {award.code}",
             f"Price CNY {award.price}", f"Version {version}",
             "Generated by manage.py load_demo; not a real document."]
    return ContentFile(_pdf(*lines), name=f"{kind.lower()}-{award.project_id}-v{version}.pdf")


def _objection_period_over(award: Award) -> Award:
    """End the objection period at the decision time (the clock, not the award's content)."""
    Award.objects.filter(pk=award.pk).update(objection_until=award.decided_at)
    return Award.objects.select_related("project__created_by", "agency__organisation") \
        .get(pk=award.pk)


def _sign_contract(award: Award, *, agency_uploads: bool = False, confirm: bool = True) -> Award:
    award = _objection_period_over(award)
    purchaser, winner = award.project.created_by, _member(award.agency)
    first, second = (winner, purchaser) if agency_uploads else (purchaser, winner)
    award_services.contract_upload(actor=first, award=award, file=_document(award, "Contract"))
    if confirm:
        award_services.contract_confirm(actor=second, award=award)
    return award


def _deliver(award: Award, note: str, version: int = 1):
    return award_services.delivery_submit(actor=_member(award.agency), award=award, note=note,
                                          file=_document(award, "Result", version))


def _complete(award: Award, *, agency_uploads: bool = False, returned: str = "") -> Award:
    """Objection period over → contract uploaded and confirmed → result delivered → accepted
    (after one return with ``returned`` as the reason, when given)."""
    award = _sign_contract(award, agency_uploads=agency_uploads)
    purchaser = award.project.created_by
    delivery = _deliver(award, f"提交《{award.project.title}》成果文件（报批稿）及电子版。")
    if returned:
        award_services.delivery_return(actor=purchaser, delivery=delivery, reason=returned)
        delivery = _deliver(award, "已按退回意见逐条修改并附修改说明，请予验收。", version=2)
    award_services.delivery_accept(actor=purchaser, delivery=delivery)
    return award


# --- the demo ---------------------------------------------------------------------------------


def load(stdout=None) -> None:
    if Project.objects.filter(created_by__username="demo_enterprise").exists():
        if stdout is not None:
            stdout.write("bidding demo: already loaded")
        return
    started = time.monotonic()
    enterprise = _user("demo_enterprise")
    government = _user("demo_government")
    made = []

    live = _open_auction(enterprise)
    made.append(live)
    made.append(_award_under_objection(enterprise))
    made += _completed_projects(enterprise, government)
    made += _work_in_progress(enterprise)
    made += _open_and_other_postings(enterprise, government)

    if stdout is not None:
        counts = dict(Project.objects.values_list("status")
                      .annotate(n=Count("pk")).order_by())
        awards = dict(Award.objects.values_list("status").annotate(n=Count("pk")).order_by())
        stdout.write(f"bidding demo: {len(made)} projects "
                     + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
                     + "; awards " + ", ".join(f"{k} {v}" for k, v in sorted(awards.items()))
                     + f"; live auction: /projects/{live.pk}/auction/"
                     + f" ({time.monotonic() - started:.1f} s)")


def _open_auction(enterprise) -> Project:
    """A live auction open now, for eight hours (the longest window a posting may have):
    four bidders, three bids. The periodic job closes it at its end."""
    outfall = _item("入河排污口设置论证报告编制")
    live = _post(enterprise, outfall, "长江新材料二期项目入河排污口设置论证", Method.LIVE_BIDDING,
                 ceiling=Decimal("180000"), floor=Decimal("100000"), step=Decimal("1000"),
                 auction_minutes=480)
    _sign_up(live, _offering_users(outfall, 4, prefer=("demo_agency1", "demo_agency2")))
    live = _close(live)
    bidders = _labelled_users(live)
    for label, value in (("B", "176000"), ("C", "172500"), ("A", "170000")):
        if label in bidders:
            _bid(live, bidders[label], value)
    return live


def _award_under_objection(enterprise) -> Project:
    """An awarded live-bidding project in its objection period; a losing bidder objects."""
    eia_table = _item("环境影响评价报告表编制")
    award = _live_bidding(
        enterprise, eia_table, "长江新材料仓储物流中心环境影响评价（报告表）",
        [u.username for u in _offering_users(eia_table, 3, prefer=("demo_agency1",))],
        (("A", "58000"), ("B", "55500"), ("C", "54000"), ("A", "52500")),
        ceiling=Decimal("60000"), floor=Decimal("30000"), step=Decimal("500"),
        auction_minutes=30)
    loser = _labelled_users(award.project).get("B")
    if loser is not None:
        award_services.objection_file(
            actor=loser, award=award,
            text="竞价结束前约两分钟我单位提交的52000元报价页面提示“网络超时”，未进入竞价记录。"
                 "请采购人和监管部门调取服务器日志核查，核实前暂缓签订合同。")
    return award.project


def _completed_projects(enterprise, government) -> list[Project]:
    """Nine projects from posting to an accepted result, one per row, every method."""
    done = []
    fiscal = dict(funding=Funding.FISCAL, **GOVERNMENT_PHONES)

    # Live bidding (enterprise): demo_agency3 wins; its first result is returned.
    award = _live_bidding(
        enterprise, _item("水土保持方案编制"), "长江新材料二期项目水土保持方案编制",
        ["demo_agency3", "agency_16", "agency_27", "agency_31"],
        (("A", "84000"), ("B", "82500"), ("C", "81000"), ("D", "79500"), ("A", "78000"),
         ("B", "76500"), ("A", "75000")),
        ceiling=Decimal("85000"), floor=Decimal("50000"), step=Decimal("500"))
    done.append(_complete(award, returned="水土流失预测采用的降雨侵蚀力因子与项目所在地气象站资料不符，"
                                          "弃渣场选址未附稳定性分析，请修改后重新提交。"))

    # Random draw (department, fiscal funds): whoever the committed seed picks.
    award = _random_draw(
        government, _item("建设工程地形图测绘"), "武汉市江北快速路延长线工程地形图测绘",
        ["demo_agency2", "agency_12", "agency_19", "agency_41"],
        amount=Decimal("26000"), qualifications=SURVEY_QUALIFICATION,
        budget_line="2026年部门预算·道路建设前期工作经费", **fiscal)
    done.append(_complete(award))

    # Average-price comparison (department): the winner refuses to sign (a violation; it is
    # suspended), the runner-up is offered the award and completes the service.
    project = _sealed_quotes(
        government, _item("工程造价咨询（投资估算、概算编审）"),
        "武汉市2026年国省干线公路大中修工程概算审核", Method.AVERAGE_PRICE,
        {"agency_21": "78000", "agency_25": "72000", "agency_48": "76000", "agency_49": "70500"},
        ceiling=Decimal("90000"), floor=Decimal("60000"), service_days=15,
        budget_line="2026年部门预算·公路养护技术服务费", **fiscal)
    award = _objection_period_over(methods.quotes_open(actor=government, project=project))
    runner_up = award_services.contract_refuse(
        actor=_member(award.agency), award=award,
        reason="我单位项目负责人因故离职，无法按采购公告承诺的人员配置提供服务。")
    done.append(_complete(runner_up, agency_uploads=True))

    # Direct selection (enterprise, under the threshold): demo_agency2.
    done.append(_complete(_direct(
        enterprise, _item("房产测绘"), "长江新材料职工宿舍楼房产测绘", "demo_agency2", "18000",
        scale="地上11层，建筑面积约2.3万平方米", service_days=10)))

    # Comprehensive evaluation (department): a named panel of three scores four agencies.
    quotes = {"agency_04": "128000", "agency_11": "136000", "agency_22": "119000",
              "agency_33": "142000"}
    project = _sealed_quotes(
        government, _item("可行性研究报告编制"), "武汉市江夏区农村公路危桥改造工程可行性研究",
        Method.COMPREHENSIVE, quotes, ceiling=Decimal("150000"), floor=Decimal("90000"),
        price_weight=30, quality_weight=70, budget_line="2026年部门预算·农村公路建设前期经费",
        scale="改造危桥14座，总投资约1.6亿元", **fiscal)
    _evaluate(government, project, {
        "agency_04": ("93.00", (85, 84, 88)), "agency_11": ("87.50", (92, 90, 94)),
        "agency_22": ("100.00", (78, 80, 76)), "agency_33": ("83.80", (86, 83, 85))})
    done.append(_complete(methods.evaluation_run(actor=government, project=project)))

    # Live bidding (department): demo_agency1 wins.
    done.append(_complete(_live_bidding(
        government, _item("环境影响评价报告书编制"), "武汉市四环线东段道路改造工程环境影响评价（报告书）",
        ["demo_agency1", "agency_05", "agency_24", "agency_34"],
        (("B", "248000"), ("A", "244000"), ("C", "238000"), ("D", "236000"), ("A", "230000"),
         ("B", "226000"), ("A", "222000")),
        ceiling=Decimal("260000"), floor=Decimal("150000"), step=Decimal("2000"),
        budget_line="2026年部门预算·道路建设前期工作经费", scale="道路全长约18.4公里，总投资约32亿元",
        **fiscal)))

    # Random draw (enterprise) among qualified safety-assessment agencies.
    done.append(_complete(_random_draw(
        enterprise, _item("安全预评价报告编制"), "长江新材料危险化学品仓库建设项目安全预评价",
        ["agency_06", "agency_13", "agency_20", "agency_30"],
        amount=Decimal("48000"), qualifications=SAFETY_QUALIFICATION)))

    # Direct selection (enterprise): the agency uploads the contract, the purchaser confirms.
    done.append(_complete(_direct(
        enterprise, _item("地质灾害危险性评估"), "长江新材料二期项目地质灾害危险性评估",
        "agency_14", "42000"), agency_uploads=True))

    # Average-price comparison (enterprise): the quote closest to the mean wins.
    project = _sealed_quotes(
        enterprise, _item("防雷装置检测"), "长江新材料厂区防雷装置年度检测", Method.AVERAGE_PRICE,
        {"agency_07": "9800", "agency_26": "8600", "agency_39": "9200"},
        ceiling=Decimal("12000"), floor=Decimal("6000"), service_days=5)
    done.append(_complete(methods.quotes_open(actor=enterprise, project=project)))
    return [award.project for award in done]


def _evaluate(purchaser, project: Project, scores: dict) -> None:
    """The panel's scores: username → (price score, quality score of each evaluator)."""
    signups = {s.agency.organisation.members.first().user.username: s
               for s in project.signups.select_related("agency__organisation")}
    for username, (price_score, quality) in scores.items():
        for evaluator, quality_score in zip(EVALUATORS, quality):
            methods.evaluation_score_enter(actor=purchaser, signup=signups[username],
                                           evaluator=evaluator, price_score=price_score,
                                           quality_score=quality_score)


def _work_in_progress(enterprise) -> list[Project]:
    """A result awaiting the purchaser's acceptance (demo_agency1) and a contract awaiting the
    agency's confirmation (demo_agency3): something to do for each demo login."""
    delivered = _sign_contract(_direct(
        enterprise, _item("环境影响评价报告表编制"), "长江新材料研发楼项目环境影响评价（报告表）",
        "demo_agency1", "38000", scale="建筑面积约4.2万平方米", service_days=15))
    _deliver(delivered, "提交环境影响报告表（送审稿）及附图、附件，请审阅。")
    contracting = _sign_contract(_direct(
        enterprise, _item("洪水影响评价报告编制"), "长江新材料二期项目取水工程洪水影响评价",
        "demo_agency3", "65000"), confirm=False)
    return [delivered.project, contracting.project]


def _open_and_other_postings(enterprise, government) -> list[Project]:
    made = []
    boundary = _item("土地勘测定界")

    # A random draw: sign-up closed, the seed's commitment published, awaiting the draw.
    draw = _post(enterprise, boundary, "长江新材料二期项目用地勘测定界", Method.RANDOM_DRAW,
                 amount=Decimal("36000"), qualifications=SURVEY_QUALIFICATION)
    _sign_up(draw, [u for u in _offering_users(boundary, 12, prefer=("demo_agency3",))
                    if not _problems(u, draw)][:4])
    made.append(_close(draw))

    # Sign-up open: an enterprise's random draw (demo_agency3 may still sign up) …
    open_draw = _post(enterprise, boundary, "长江新材料研发楼项目土地勘测定界", Method.RANDOM_DRAW,
                      amount=Decimal("28000"), qualifications=SURVEY_QUALIFICATION)
    _sign_up(open_draw, [u for u in _offering_users(boundary, 12) if u.username != "demo_agency3"
                         and not _problems(u, open_draw)][:2])
    made.append(open_draw)

    # … and a department's technical service paid from its budget (R6): competitive method.
    cost = _item("工程造价咨询（投资估算、概算编审）")
    dept = _post(government, cost, "武汉市2027年农村公路提档升级工程概算审核", Method.AVERAGE_PRICE,
                 funding=Funding.FISCAL, budget_line="2027年部门预算·交通建设技术服务费",
                 ceiling=Decimal("120000"), floor=Decimal("80000"), service_days=15,
                 **GOVERNMENT_PHONES)
    _sign_up(dept, _offering_users(cost, 2))
    made.append(dept)

    # Failed (流标): one sign-up for a competitive method.
    report = _item("项目申请报告编制")
    failed = _post(enterprise, report, "长江新材料三期项目申请报告编制", Method.LIVE_BIDDING,
                   ceiling=Decimal("50000"), floor=Decimal("20000"), step=Decimal("500"))
    _sign_up(failed, _offering_users(report, 1))
    made.append(_close(failed))

    # Withdrawn with a public reason.
    study = _item("可行性研究报告编制")
    gone = _post(enterprise, study, "长江新材料配套码头可行性研究", Method.RANDOM_DRAW,
                 amount=Decimal("45000"))
    made.append(services.project_withdraw(actor=enterprise, project=gone,
                                          reason="码头选址调整，项目暂缓实施，待新址确定后重新发布。"))

    # A draft.
    energy = _item("固定资产投资项目节能报告编制")
    made.append(services.project_create(actor=enterprise, fields=_fields(
        energy, "长江新材料二期项目节能报告编制", Method.RANDOM_DRAW, amount=Decimal("30000"))))
    return made
