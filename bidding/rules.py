"""The posting rules, in one place (R3, R4, R6, R13; docs/design.md).

``posting_problems(project, qualifications)`` returns every rule a posting breaks, each a
``Problem`` with the rule number, the form field it belongs to and a message a person can read
(naming the offending phrase for disguised designation). ``project_publish`` refuses a posting
with any problem; the new-project form shows them next to their fields.

Pure functions of the posting (plus the clock and settings): no writes, no queries except the
administrator's holiday rows when a period reaches a year chinese-calendar does not know.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bidding.models import Project
from core.workdays import add_working_days

Method = Project.Method
QuoteMode = Project.QuoteMode


@dataclass(frozen=True)
class Problem:
    rule: str  # "R3", "R4", "R6", "R13", "price", "method"
    field: str  # the form / API field it belongs to ("" = the posting as a whole)
    message: str

    def __str__(self) -> str:
        return self.message


# --- R3 / R4: disguised designation ---------------------------------------------------------
# (kind, pattern). Checked in this order; the first kind that matches a clause names it. The
# patterns are deliberately broad: a requirement may only be a legally required qualification
# with its basis, so a false alarm costs the purchaser one rewording, while a miss lets a
# department point at its favourite agency.
_KIND_LABELS = {
    "local_office": gettext_lazy("requires a local office, branch or on-site presence"),
    "registered_capital": gettext_lazy("restricts by registered capital or company size"),
    "brand": gettext_lazy("names a brand or a particular agency"),
    "past_work": gettext_lazy(
        "asks for past work for the purchaser, this department or its system"),
    "department": gettext_lazy("restricts by department or system"),
    "industry": gettext_lazy("restricts by industry"),
    "region": gettext_lazy("restricts by region"),
}
_PATTERNS: list[tuple[str, re.Pattern]] = [
    ("local_office", re.compile(
        r"分支机构|分公司|办事处|办公场所|办公地点|固定场所|驻场|常驻|驻点|本地服务网点|服务网点|"
        r"设有.{0,6}(机构|办公|网点|场所)")),
    ("registered_capital", re.compile(r"注册资本|注册资金|实缴资本|净资产|资产总额|营业收入不低于")),
    ("brand", re.compile(r"品牌|原厂|指定.{0,6}(机构|单位|公司|厂家|软件)|唯一|独家")),
    ("past_work", re.compile(
        r"(本单位|本部门|本局|本委|本厅|本系统|采购人|业主单位|本机关|系统内).{0,12}"
        r"(业绩|项目|服务经历|合作|经验)|"
        r"(承担过|服务过|合作过|完成过|做过|参与过).{0,8}(本单位|本部门|本局|本委|本系统|采购人|业主)")),
    ("department", re.compile(
        r"本系统|系统内|本部门|主管部门(推荐|认定|指定|备案)|隶属|下属单位|直属单位|挂靠|"
        r"名录库|备选库|预选库|中介库|入围单位|推荐名单|白名单")),
    ("industry", re.compile(r"本行业|行业内|行业协会会员|协会推荐|限.{0,4}行业")),
    ("region", re.compile(
        r"本市|本省|本县|本区|本地|本辖区|省内|市内|县内|区内|辖区内|当地|外地|外省|外市|属地|"
        r"区域内|本地区|(须|需|必须|应).{0,6}(注册|登记|注册地)")),
]
_CLAUSE_SPLIT = re.compile(r"[，。；;,.\n\r、]")


def designation_problems(text: str, *, field: str) -> list[Problem]:
    """Each clause of ``text`` that restricts bidders by region, industry, department,
    registered capital, local office, brand or past work for the purchaser (R3, R4)."""
    problems = []
    for clause in _CLAUSE_SPLIT.split(text or ""):
        clause = clause.strip()
        if not clause:
            continue
        for kind, pattern in _PATTERNS:
            if pattern.search(clause):
                rule = "R3" if kind in ("region", "industry", "department") else "R4"
                problems.append(Problem(rule, field, _(
                    "“%(phrase)s” is not allowed: it %(kind)s. Requirements may not restrict "
                    "bidders by region, industry, department, registered capital, local office, "
                    "brand or past work for the purchaser; that is disguised designation "
                    "(%(rule)s).") % {"phrase": clause[:60], "kind": str(_KIND_LABELS[kind]),
                                      "rule": rule}))
                break
    return problems


# --- R3: a qualification must cite its legal basis -----------------------------------------
_BASIS_MARKERS = re.compile(r"《|法|条例|规定|办法|细则|决定|令|〔|\[|第.{1,6}条|号")
_EMPTY_BASIS = {"无", "暂无", "见附件", "见招标文件", "按规定", "有关规定", "相关规定", "/", "-", "—"}


def qualification_problems(qualifications) -> list[Problem]:
    """Every required qualification names its legal basis (a law, regulation or rule), and
    neither it nor its grade hides a restriction."""
    problems = []
    for index, qual in enumerate(qualifications, start=1):
        name = (_get(qual, "name") or "").strip()
        grade = (_get(qual, "grade") or "").strip()
        basis = (_get(qual, "legal_basis") or "").strip()
        if not name:
            problems.append(Problem("R3", "qualifications", _(
                "Qualification %(n)s has no name.") % {"n": index}))
            continue
        if not basis or basis in _EMPTY_BASIS or len(basis) < 4 or not _BASIS_MARKERS.search(basis):
            problems.append(Problem("R3", "qualifications", _(
                "The required qualification “%(name)s” must cite the law or regulation that "
                "requires it (e.g. 《测绘资质管理办法》第五条); only legally required qualifications "
                "may be asked for (R3).") % {"name": name}))
        problems.extend(designation_problems(f"{name}，{grade}", field="qualifications"))
    return problems


def _get(obj, name):
    return obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)


# --- R6 and the direct-selection threshold -------------------------------------------------
def direct_selection_max() -> Decimal:
    try:
        return Decimal(str(settings.MARKETPLACE["DIRECT_SELECTION_MAX_AMOUNT"]))
    except (KeyError, InvalidOperation):
        return Decimal("100000")


def method_problems(project: Project) -> list[Problem]:
    problems = []
    department_funded = (project.purchaser.is_government
                         and project.funding != Project.Funding.SOCIAL)
    if department_funded:
        if project.method not in Project.COMPETITIVE_METHODS:
            problems.append(Problem("R6", "method", _(
                "A technical service paid by a government department must be chosen by a "
                "competitive method (live bidding, random draw, average-price comparison or "
                "comprehensive evaluation), not by direct selection (R6).")))
        if not (project.budget_line or "").strip():
            problems.append(Problem("R6", "budget_line", _(
                "A technical service paid by a government department must name the budget line "
                "that pays for it (R6).")))
    if project.method == Method.DIRECT and not department_funded:
        if project.funding != Project.Funding.SOCIAL:
            problems.append(Problem("method", "method", _(
                "Direct selection is only for projects paid entirely by the enterprise; "
                "projects using fiscal funds must use a competitive method.")))
        limit = direct_selection_max()
        if project.amount is not None and project.amount > limit:
            problems.append(Problem("method", "amount", _(
                "Direct selection is only allowed up to %(limit)s yuan; this project's amount "
                "is %(amount)s yuan. Choose a competitive method.") % {
                    "limit": f"{limit:,.2f}", "amount": f"{project.amount:,.2f}"}))
    if project.funding == Project.Funding.MIXED and not (
            Decimal("0") < (project.fiscal_share or 0) < Decimal("100")):
        problems.append(Problem("price", "fiscal_share", _(
            "For mixed funding give the fiscal share as a percentage between 0 and 100.")))
    return problems


# --- prices -----------------------------------------------------------------------------------
def price_problems(project: Project) -> list[Problem]:
    """Live bidding needs ceiling ≥ floor ≥ 0 and a step > 0; average-price and comprehensive
    evaluation need the ceiling and floor; a discount rate lies between 0 and 100 and needs the
    base amount it discounts; random draw and direct selection need the amount."""
    problems = []
    method = project.method
    ceiling, floor, step, amount = project.ceiling, project.floor, project.step, project.amount
    priced_by_range = method in (Method.LIVE_BIDDING, Method.AVERAGE_PRICE, Method.COMPREHENSIVE)
    if priced_by_range:
        if ceiling is None:
            problems.append(Problem("price", "ceiling", _("Give the ceiling (最高限价).")))
        if floor is None:
            problems.append(Problem("price", "floor", _("Give the floor (最低限价).")))
        if floor is not None and floor < 0:
            problems.append(Problem("price", "floor", _("The floor cannot be negative.")))
        if ceiling is not None and floor is not None and ceiling < floor:
            problems.append(Problem("price", "ceiling", _(
                "The ceiling must not be below the floor.")))
        if method == Method.LIVE_BIDDING and (step is None or step <= 0):
            problems.append(Problem("price", "step", _(
                "Give a minimum bidding step greater than zero.")))
        if (method == Method.LIVE_BIDDING and step and ceiling is not None and floor is not None
                and ceiling >= floor and step > ceiling - floor and ceiling != floor):
            problems.append(Problem("price", "step", _(
                "The step is larger than the whole range between ceiling and floor.")))
        if project.quote_mode == QuoteMode.DISCOUNT:
            for name, value in (("ceiling", ceiling), ("floor", floor)):
                if value is not None and not (Decimal("0") <= value <= Decimal("100")):
                    problems.append(Problem("price", name, _(
                        "A discount rate is a percentage between 0 and 100.")))
            if amount is None or amount <= 0:
                problems.append(Problem("price", "amount", _(
                    "Quoting by discount rate needs the base amount the rate is applied to.")))
    else:
        if amount is None or amount <= 0:
            problems.append(Problem("price", "amount", _(
                "Give the service amount in yuan.")))
    if method == Method.COMPREHENSIVE and project.price_weight + project.quality_weight != 100:
        problems.append(Problem("price", "price_weight", _(
            "The price and quality weights must add up to 100.")))
    return problems


# --- R13: periods -----------------------------------------------------------------------------
def signup_min_working_days() -> int:
    return settings.MARKETPLACE["SIGNUP_MIN_WORKING_DAYS"]


def earliest_signup_deadline(now: dt.datetime | None = None) -> dt.datetime:
    """Publishing now, the sign-up deadline may not be earlier than this (R13)."""
    earliest = add_working_days(now or timezone.now(), signup_min_working_days())
    return earliest.replace(second=0, microsecond=0)  # minutes are what a person picks


def period_problems(project: Project, *, now: dt.datetime | None = None) -> list[Problem]:
    now = now or timezone.now()
    problems = []
    deadline, selection = project.signup_deadline, project.selection_at
    if deadline is None:
        problems.append(Problem("R13", "signup_deadline", _("Give the sign-up deadline.")))
    elif deadline <= now:
        problems.append(Problem("R13", "signup_deadline", _(
            "The sign-up deadline has already passed.")))
    else:
        earliest = earliest_signup_deadline(now)
        if deadline < earliest:
            problems.append(Problem("R13", "signup_deadline", _(
                "Sign-up must stay open at least %(n)s working days: the deadline may not be "
                "earlier than %(date)s.") % {
                    "n": signup_min_working_days(),
                    "date": timezone.localtime(earliest).strftime("%Y-%m-%d %H:%M")}))
    if selection is None:
        problems.append(Problem("R13", "selection_at", _("Give the selection time.")))
    elif deadline is not None and selection <= deadline:
        problems.append(Problem("R13", "selection_at", _(
            "The selection must take place after sign-up closes.")))
    if not project.service_days:
        problems.append(Problem("R13", "service_days", _(
            "Give the service time limit in working days.")))
    if project.method == Method.LIVE_BIDDING and not (5 <= (project.auction_minutes or 0) <= 480):
        problems.append(Problem("R13", "auction_minutes", _(
            "The bidding window must last between 5 and 480 minutes.")))
    return problems


# --- all together -----------------------------------------------------------------------------
def posting_problems(project: Project, qualifications=None, *,
                     now: dt.datetime | None = None) -> list[Problem]:
    """Every rule the posting breaks. ``qualifications`` (objects or dicts with name, grade,
    legal_basis) default to the saved ones."""
    if qualifications is None:
        qualifications = list(project.qualifications.all()) if project.pk else []
    problems: list[Problem] = []
    problems += qualification_problems(qualifications)
    problems += designation_problems(project.other_requirements, field="other_requirements")
    problems += method_problems(project)
    problems += price_problems(project)
    problems += period_problems(project, now=now)
    if project.practitioner_count and project.practitioner_count > 50:
        problems.append(Problem("price", "practitioner_count", _(
            "At most 50 practitioners can be asked for.")))
    return problems


def problems_by_field(problems: list[Problem]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for problem in problems:
        out.setdefault(problem.field or "__all__", []).append(problem.message)
    return out
