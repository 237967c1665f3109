"""The demo expert pool (专家库) and the two comprehensive-evaluation projects it serves, through
the real services (bidding/services/panels.py): twelve experts kept by ``demo_regulator``, one of
them employed by an agency and one with a declared tie (so the exclusions show), and
``demo_expert1`` with the password of every demo account (the hash is copied from
``demo_regulator``: the password itself is the site's, ``marketplace.demo``, a floor above). ``scoring_project`` leaves a panel
in the scoring stage where demo_expert1 has not scored yet."""
from __future__ import annotations

import secrets
from decimal import Decimal

from agencies.models import Agency
from bidding.demo.steps import (
    close,
    item_titled,
    offering_users,
    post,
    problems_of,
    sign_up,
    user_named,
)
from bidding.models import Expert, Panel, PanelSeat, Project
from bidding.services import methods, panels

Method = Project.Method
FEASIBILITY = "可行性研究报告编制"
STABILITY = "社会稳定风险评估报告编制"

# username, name, title, employer, the items covered
EXPERTS = [
    ("demo_expert1", "陈思远", "正高级工程师", "华中科技大学", (FEASIBILITY, STABILITY)),
    ("expert_02", "周立新", "正高级工程师", "武汉大学", (FEASIBILITY,)),
    ("expert_03", "吴海燕", "注册咨询工程师", "湖北省工程咨询中心", (FEASIBILITY,)),
    ("expert_04", "郑国栋", "高级经济师", "中南财经政法大学", (FEASIBILITY,)),
    ("expert_05", "黄志强", "高级工程师", "", (FEASIBILITY,)),  # employed by a bidder, below
    ("expert_06", "林晓梅", "注册造价工程师", "武汉理工大学", (FEASIBILITY,)),  # tied, below
    ("expert_07", "何建平", "高级工程师", "长江勘测规划设计研究院", (FEASIBILITY,)),
    ("expert_08", "马丽娟", "副教授", "湖北工业大学", ("环境影响评价报告书编制",)),
    ("expert_09", "罗文博", "高级工程师", "中国地质大学（武汉）", ("地质灾害危险性评估",)),
    ("expert_10", "梁静", "社会学教授", "华中师范大学", (STABILITY,)),
    ("expert_11", "宋卫东", "高级律师", "湖北省律师协会", (STABILITY,)),
    ("expert_12", "谢婉清", "注册安全工程师", "湖北省安全生产技术中心", ("安全预评价报告编制",)),
]


def load_pool() -> list[Expert]:
    regulator = user_named("demo_regulator")
    made = []
    # One throw-away password for all, replaced below: hashed once (load_demo caches the hash
    # per password), where a password each cost a real hash each (0.3 s apiece).
    throwaway = secrets.token_urlsafe(16)
    for username, name, title, employer, items in EXPERTS:
        made.append(panels.expert_create(
            actor=regulator, username=username, password=throwaway, name=name,
            title=title, employer_name=employer, items=[item_titled(t) for t in items]))
    # The demo password of every account (marketplace.demo, a floor above): its hash copied.
    User = type(regulator)
    User.objects.filter(username__in=[e[0] for e in EXPERTS]).update(password=regulator.password)
    # One expert works for agency_22 (a bidder below), one declared a tie to agency_11.
    worker = Agency.objects.get(organisation__members__user__username="agency_22")
    panels.expert_update(actor=regulator, expert=made[4], name=made[4].name, title=made[4].title,
                         employer_name=worker.name, employer_uscc=worker.uscc,
                         items=list(made[4].items.all()))
    tied = Agency.objects.get(organisation__members__user__username="agency_11")
    panels.expert_tie_add(actor=regulator, expert=made[5], uscc=tied.uscc, name=tied.name,
                          note="配偶在该机构任技术负责人")
    return made


def _seat_users(panel: Panel) -> list:
    return [s.expert.organisation.members.get().user for s in panel.seats.filter(
        status=PanelSeat.Status.SEATED).select_related("expert__organisation")]


def score_all(project: Project, quality: dict) -> None:
    """Every seated expert submits: ``quality`` maps an agency username to one score per
    expert (in seat order)."""
    panel = Panel.objects.get(project=project)
    signups = {s.agency.organisation.members.first().user.username: s
               for s in project.signups.select_related("agency__organisation")}
    for index, user in enumerate(_seat_users(panel)):
        panels.panel_scores_save(actor=user, panel=panel, submit=True, scores={
            signups[name].pk: values[index % len(values)] for name, values in quality.items()})


def scoring_project(enterprise) -> Project:
    """An enterprise's social-stability assessment in the scoring stage: sealed quotes in,
    three experts drawn (the only ones covering the item, demo_expert1 among them), one has
    submitted, demo_expert1 has not."""
    project = post(enterprise, item_titled(STABILITY), "长江新材料三期项目社会稳定风险评估",
                   Method.COMPREHENSIVE, ceiling=Decimal("60000"), floor=Decimal("30000"),
                   price_weight=30, quality_weight=70)
    users = [u for u in offering_users(project.item, 12) if not problems_of(u, project)][:3]
    sign_up(project, users)
    project = close(project, selection_minutes_ago=-24 * 60)
    for user, quote in zip(users, ("52000", "47500", "49800")):
        methods.quote_submit(actor=user, project=project, quote=quote)
    panel = Panel.objects.get(project=project)
    other = next(u for u in _seat_users(panel) if u.username != "demo_expert1")
    panels.panel_scores_save(actor=other, panel=panel, submit=True, scores={
        s.pk: v for s, v in zip(project.signups.order_by("created"), ("58", "61.5", "55"))})
    return project
