"""Demo projects, loaded by ``manage.py load_demo`` after the core demo (marketplace.demo).

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
- a random draw in its reveal window (commit–reveal: the platform committed at publication,
  four agencies at sign-up, two have revealed; demo_agency3 may still reveal on the selection
  page, though its contribution is in no browser); the two drawn projects show the full
  protocol, one committed contribution never revealed;
- an expert pool of twelve (``bidding.demo.experts``): the comprehensive evaluation above is
  scored by a drawn panel, and a second one waits in the scoring stage for ``demo_expert1``;
- postings with sign-up open (an enterprise's random draw needing 测绘资质 with its legal basis,
  and a department-funded average-price comparison with its budget line, R6);
- a failed project (流标: too few sign-ups), a withdrawn one (public reason), and a draft.

``ratings.demo`` then rates the accepted awards and ``credit.demo`` adds the credit history.
Last, ``bidding.demo.timeline.settle_calendar`` gives every project a calendar a reader can
follow (published before its deadline, a full objection period before the contract).
"""
from __future__ import annotations

import time
from decimal import Decimal

from django.db.models import Count

from bidding.demo import experts
from bidding.demo.steps import (
    bid,
    close,
    complete,
    deliver,
    direct,
    item_titled,
    labelled_users,
    live_bidding,
    member_of,
    objection_period_over,
    offering_users,
    post,
    posting_fields,
    problems_of,
    random_draw,
    reveal,
    sealed_quotes,
    sign_contract,
    sign_up,
    sign_up_committing,
    user_named,
)
from bidding.demo.timeline import settle_calendar
from bidding.models import Award, Project
from bidding.services import contracts, methods, objections
from bidding.services import postings as services

Method = Project.Method
Funding = Project.Funding

SURVEY_QUALIFICATION = [{"name": "测绘资质", "grade": "乙级",
                         "legal_basis": "《中华人民共和国测绘法》第二十七条、《测绘资质管理办法》第五条"}]
SAFETY_QUALIFICATION = [{"name": "安全评价机构资质", "grade": "",
                         "legal_basis": "《中华人民共和国安全生产法》第七十二条、"
                                        "《安全评价检测检验机构管理办法》第三条"}]
GOVERNMENT_PHONES = {"enquiry_phone": "027-85002345", "complaint_phone": "027-85009999"}


# --- the demo ---------------------------------------------------------------------------------


def load(stdout=None) -> None:
    if Project.objects.filter(created_by__username="demo_enterprise").exists():
        if stdout is not None:
            stdout.write("bidding demo: already loaded")
        return
    started = time.monotonic()
    enterprise = user_named("demo_enterprise")
    government = user_named("demo_government")
    made = []
    experts.load_pool()

    live = _open_auction(enterprise)
    made.append(live)
    made.append(_award_under_objection(enterprise))
    made += _completed_projects(enterprise, government)
    made += _work_in_progress(enterprise)
    made += _open_and_other_postings(enterprise, government)
    made.append(experts.scoring_project(enterprise))
    settle_calendar()  # every date in the order the rules require (bidding/demo/timeline.py)

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
    outfall = item_titled("入河排污口设置论证报告编制")
    live = post(enterprise, outfall, "长江新材料二期项目入河排污口设置论证", Method.LIVE_BIDDING,
                 ceiling=Decimal("180000"), floor=Decimal("100000"), step=Decimal("1000"),
                 auction_minutes=480)
    sign_up(live, offering_users(outfall, 4, prefer=("demo_agency1", "demo_agency2")))
    live = close(live)
    bidders = labelled_users(live)
    for label, value in (("B", "176000"), ("C", "172500"), ("A", "170000")):
        if label in bidders:
            bid(live, bidders[label], value)
    return live


def _award_under_objection(enterprise) -> Project:
    """An awarded live-bidding project in its objection period; a losing bidder objects."""
    eia_table = item_titled("环境影响评价报告表编制")
    award = live_bidding(
        enterprise, eia_table, "长江新材料仓储物流中心环境影响评价（报告表）",
        [u.username for u in offering_users(eia_table, 3, prefer=("demo_agency1",))],
        (("A", "58000"), ("B", "55500"), ("C", "54000"), ("A", "52500")),
        ceiling=Decimal("60000"), floor=Decimal("30000"), step=Decimal("500"),
        auction_minutes=30)
    loser = labelled_users(award.project).get("B")
    if loser is not None:
        objections.objection_file(
            actor=loser, award=award,
            text="竞价结束前约两分钟我单位提交的52000元报价页面提示“网络超时”，未进入竞价记录。"
                 "请采购人和监管部门调取服务器日志核查，核实前暂缓签订合同。")
    return award.project


def _completed_projects(enterprise, government) -> list[Project]:
    """Nine projects from posting to an accepted result, one per row, every method."""
    done = []
    fiscal = dict(funding=Funding.FISCAL, **GOVERNMENT_PHONES)

    # Live bidding (enterprise): demo_agency3 wins; its first result is returned.
    award = live_bidding(
        enterprise, item_titled("水土保持方案编制"), "长江新材料二期项目水土保持方案编制",
        ["demo_agency3", "agency_16", "agency_27", "agency_31"],
        (("A", "84000"), ("B", "82500"), ("C", "81000"), ("D", "79500"), ("A", "78000"),
         ("B", "76500"), ("A", "75000")),
        ceiling=Decimal("85000"), floor=Decimal("50000"), step=Decimal("500"))
    done.append(complete(award, returned="水土流失预测采用的降雨侵蚀力因子与项目所在地气象站资料不符，"
                                          "弃渣场选址未附稳定性分析，请修改后重新提交。"))

    # Random draw (department, fiscal funds): whoever the committed seed picks.
    award = random_draw(
        government, item_titled("建设工程地形图测绘"), "武汉市江北快速路延长线工程地形图测绘",
        ["demo_agency2", "agency_12", "agency_19", "agency_41"],
        amount=Decimal("26000"), qualifications=SURVEY_QUALIFICATION,
        budget_line="2026年部门预算·道路建设前期工作经费", **fiscal)
    done.append(complete(award))

    # Average-price comparison (department): the winner refuses to sign (a violation; it is
    # suspended), the runner-up is offered the award and completes the service.
    project = sealed_quotes(
        government, item_titled("工程造价咨询（投资估算、概算编审）"),
        "武汉市2026年国省干线公路大中修工程概算审核", Method.AVERAGE_PRICE,
        {"agency_21": "78000", "agency_25": "72000", "agency_48": "76000", "agency_49": "70500"},
        ceiling=Decimal("90000"), floor=Decimal("60000"), service_days=15,
        budget_line="2026年部门预算·公路养护技术服务费", **fiscal)
    award = objection_period_over(methods.quotes_open(actor=government, project=project))
    runner_up = contracts.contract_refuse(
        actor=member_of(award.agency), award=award,
        reason="我单位项目负责人因故离职，无法按采购公告承诺的人员配置提供服务。")
    done.append(complete(runner_up, agency_uploads=True))

    # Direct selection (enterprise, under the threshold): demo_agency2.
    done.append(complete(direct(
        enterprise, item_titled("房产测绘"), "长江新材料职工宿舍楼房产测绘", "demo_agency2", "18000",
        scale="地上11层，建筑面积约2.3万平方米", service_days=10)))

    # Comprehensive evaluation (department): a panel of three drawn from the expert pool scores
    # four agencies (one expert excluded as agency_22's employee, one for a tie to agency_11).
    quotes = {"agency_04": "128000", "agency_11": "136000", "agency_22": "119000",
              "agency_33": "142000"}
    project = sealed_quotes(
        government, item_titled("可行性研究报告编制"), "武汉市江夏区农村公路危桥改造工程可行性研究",
        Method.COMPREHENSIVE, quotes, ceiling=Decimal("150000"), floor=Decimal("90000"),
        price_weight=30, quality_weight=70, budget_line="2026年部门预算·农村公路建设前期经费",
        scale="改造危桥14座，总投资约1.6亿元", **fiscal)
    experts.score_all(project, {
        "agency_04": ("59.5", "58.8", "61.6"), "agency_11": ("64.4", "63", "65.8"),
        "agency_22": ("54.6", "56", "53.2"), "agency_33": ("60.2", "58.1", "59.5")})
    done.append(complete(methods.evaluation_run(actor=government, project=project)))

    # Live bidding (department): demo_agency1 wins.
    done.append(complete(live_bidding(
        government, item_titled("环境影响评价报告书编制"), "武汉市四环线东段道路改造工程环境影响评价（报告书）",
        ["demo_agency1", "agency_05", "agency_24", "agency_34"],
        (("B", "248000"), ("A", "244000"), ("C", "238000"), ("D", "236000"), ("A", "230000"),
         ("B", "226000"), ("A", "222000")),
        ceiling=Decimal("260000"), floor=Decimal("150000"), step=Decimal("2000"),
        budget_line="2026年部门预算·道路建设前期工作经费", scale="道路全长约18.4公里，总投资约32亿元",
        **fiscal)))

    # Random draw (enterprise) among qualified safety-assessment agencies.
    done.append(complete(random_draw(
        enterprise, item_titled("安全预评价报告编制"), "长江新材料危险化学品仓库建设项目安全预评价",
        ["agency_06", "agency_13", "agency_20", "agency_30"],
        amount=Decimal("48000"), qualifications=SAFETY_QUALIFICATION)))

    # Direct selection (enterprise): the agency uploads the contract, the purchaser confirms.
    done.append(complete(direct(
        enterprise, item_titled("地质灾害危险性评估"), "长江新材料二期项目地质灾害危险性评估",
        "agency_14", "42000"), agency_uploads=True))

    # Average-price comparison (enterprise): the quote closest to the mean wins.
    project = sealed_quotes(
        enterprise, item_titled("防雷装置检测"), "长江新材料厂区防雷装置年度检测", Method.AVERAGE_PRICE,
        {"agency_07": "9800", "agency_26": "8600", "agency_39": "9200"},
        ceiling=Decimal("12000"), floor=Decimal("6000"), service_days=5)
    done.append(complete(methods.quotes_open(actor=enterprise, project=project)))
    return [award.project for award in done]


def _work_in_progress(enterprise) -> list[Project]:
    """A result awaiting the purchaser's acceptance (demo_agency1) and a contract awaiting the
    agency's confirmation (demo_agency3): something to do for each demo login."""
    delivered = sign_contract(direct(
        enterprise, item_titled("环境影响评价报告表编制"), "长江新材料研发楼项目环境影响评价（报告表）",
        "demo_agency1", "38000", scale="建筑面积约4.2万平方米", service_days=15))
    deliver(delivered, "提交环境影响报告表（送审稿）及附图、附件，请审阅。")
    contracting = sign_contract(direct(
        enterprise, item_titled("洪水影响评价报告编制"), "长江新材料二期项目取水工程洪水影响评价",
        "demo_agency3", "65000"), confirm=False)
    return [delivered.project, contracting.project]


def _open_and_other_postings(enterprise, government) -> list[Project]:
    made = []
    boundary = item_titled("土地勘测定界")

    # A random draw: sign-up closed, the reveal window open, two of four contributions revealed.
    draw = post(enterprise, boundary, "长江新材料二期项目用地勘测定界", Method.RANDOM_DRAW,
                 amount=Decimal("36000"), qualifications=SURVEY_QUALIFICATION)
    drawers = [u for u in offering_users(boundary, 12, prefer=("demo_agency3",))
               if not problems_of(u, draw)][:4]
    kept = sign_up_committing(draw, drawers)
    made.append(close(draw))
    reveal(draw, drawers[1:3], kept)

    # Sign-up open: an enterprise's random draw (demo_agency3 may still sign up) …
    open_draw = post(enterprise, boundary, "长江新材料研发楼项目土地勘测定界", Method.RANDOM_DRAW,
                      amount=Decimal("28000"), qualifications=SURVEY_QUALIFICATION)
    sign_up(open_draw, [u for u in offering_users(boundary, 12) if u.username != "demo_agency3"
                         and not problems_of(u, open_draw)][:2])
    made.append(open_draw)

    # … and a department's technical service paid from its budget (R6): competitive method.
    cost = item_titled("工程造价咨询（投资估算、概算编审）")
    dept = post(government, cost, "武汉市2027年农村公路提档升级工程概算审核", Method.AVERAGE_PRICE,
                 funding=Funding.FISCAL, budget_line="2027年部门预算·交通建设技术服务费",
                 ceiling=Decimal("120000"), floor=Decimal("80000"), service_days=15,
                 **GOVERNMENT_PHONES)
    sign_up(dept, offering_users(cost, 2))
    made.append(dept)

    # Failed (流标): one sign-up for a competitive method.
    report = item_titled("项目申请报告编制")
    failed = post(enterprise, report, "长江新材料三期项目申请报告编制", Method.LIVE_BIDDING,
                   ceiling=Decimal("50000"), floor=Decimal("20000"), step=Decimal("500"))
    sign_up(failed, offering_users(report, 1))
    made.append(close(failed))

    # Withdrawn with a public reason.
    study = item_titled("可行性研究报告编制")
    gone = post(enterprise, study, "长江新材料配套码头可行性研究", Method.RANDOM_DRAW,
                 amount=Decimal("45000"))
    made.append(services.project_withdraw(actor=enterprise, project=gone,
                                          reason="码头选址调整，项目暂缓实施，待新址确定后重新发布。"))

    # A draft.
    energy = item_titled("固定资产投资项目节能报告编制")
    made.append(services.project_create(actor=enterprise, fields=posting_fields(
        energy, "长江新材料二期项目节能报告编制", Method.RANDOM_DRAW, amount=Decimal("30000"))))
    return made
