"""Posting rules (bidding.rules): each with real-sounding phrasings."""
import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from bidding.models import Project
from bidding.rules import (
    designation_problems,
    earliest_signup_deadline,
    posting_problems,
    qualification_problems,
)
from tests.factories import bidding as bf

pytestmark = pytest.mark.django_db

Method = Project.Method


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.mark.parametrize("phrase, rule, words", [
    ("须在本市注册", "R3", "region"),
    ("投标人须为省内机构", "R3", "region"),
    ("限本县范围内的中介机构", "R3", "region"),
    ("注册资本不低于500万元", "R4", "registered capital"),
    ("近三年承担过本单位项目", "R4", "past work"),
    ("须具有本系统内业绩", "R4", "past work"),
    ("须在本地设有办公场所", "R4", "local office"),
    ("须在本地设立分支机构", "R4", "local office"),
    ("项目负责人须驻场服务", "R4", "local office"),
    ("指定品牌", "R4", "brand"),
    ("须使用指定软件公司的成果格式", "R4", "particular agency"),
    ("须为行业协会会员单位", "R3", "industry"),
    ("须为本部门中介机构名录库入围单位", "R3", "department"),
])
def test_disguised_designation_is_refused_naming_the_offending_phrase(phrase, rule, words):
    problems = designation_problems(f"具有独立法人资格；{phrase}。", field="other_requirements")
    assert len(problems) == 1
    assert problems[0].rule == rule
    assert f"“{phrase}”" in problems[0].message
    assert words in problems[0].message


@pytest.mark.parametrize("text", [
    "具有独立法人资格，具备履行合同所必需的专业技术能力",
    "熟悉《建设项目环境影响评价技术导则 总纲》",
    "项目负责人具有注册环评工程师职业资格",
    "",
])
def test_neutral_requirements_pass(text):
    assert designation_problems(text, field="other_requirements") == []


@pytest.mark.parametrize("basis", ["", "无", "见招标文件", "按规定", "有关"])
def test_a_qualification_without_its_legal_basis_is_refused(basis):
    problems = qualification_problems([{"name": "测绘资质", "grade": "乙级", "legal_basis": basis}])
    assert [p.rule for p in problems] == ["R3"]
    assert "测绘资质" in problems[0].message and "law or regulation" in problems[0].message


def test_a_qualification_citing_its_law_passes():
    assert qualification_problems([{"name": "测绘资质", "grade": "乙级",
                                    "legal_basis": "《中华人民共和国测绘法》第二十七条"}]) == []


def test_a_qualification_that_smuggles_in_a_region_is_refused():
    problems = qualification_problems([{"name": "安全评价机构资质（须在本省备案）", "grade": "",
                                        "legal_basis": "《安全评价检测检验机构管理办法》第五条"}])
    assert [p.rule for p in problems] == ["R3"]


def _valid(**fields):
    now = timezone.now()
    fields.setdefault("signup_deadline", earliest_signup_deadline(now) + dt.timedelta(hours=1))
    fields.setdefault("selection_at", fields["signup_deadline"] + dt.timedelta(days=1))
    return bf.draft(**fields)


def test_a_well_formed_posting_has_no_problems():
    assert posting_problems(_valid()) == []
    assert posting_problems(_valid(owner=bf.purchaser(government=True))) == []


def test_a_department_funded_service_may_not_use_direct_selection_r6():
    project = _valid(owner=bf.purchaser(government=True), method=Method.DIRECT)
    fields = {p.field for p in posting_problems(project) if p.rule == "R6"}
    assert fields == {"method"}


def test_a_department_funded_service_must_name_its_budget_line_r6():
    project = _valid(owner=bf.purchaser(government=True), budget_line="")
    problems = [p for p in posting_problems(project) if p.rule == "R6"]
    assert [p.field for p in problems] == ["budget_line"]


def test_a_government_purchaser_spending_enterprise_funds_is_not_bound_by_r6():
    project = _valid(owner=bf.purchaser(government=True), funding=Project.Funding.SOCIAL,
                     budget_line="")
    assert not [p for p in posting_problems(project) if p.rule == "R6"]


def test_direct_selection_is_allowed_for_enterprise_funds_under_the_threshold(settings):
    settings.MARKETPLACE = {**settings.MARKETPLACE, "DIRECT_SELECTION_MAX_AMOUNT": "100000"}
    assert posting_problems(_valid(method=Method.DIRECT, amount=Decimal("80000"))) == []
    over = posting_problems(_valid(method=Method.DIRECT, amount=Decimal("150000")))
    assert [p.field for p in over] == ["amount"]
    assert "100,000.00" in over[0].message


def test_direct_selection_with_fiscal_funds_is_refused_even_for_an_enterprise():
    problems = posting_problems(_valid(method=Method.DIRECT, funding=Project.Funding.FISCAL,
                                       amount=Decimal("5000")))
    assert [p.field for p in problems] == ["method"]


@pytest.mark.parametrize("fields, field", [
    ({"ceiling": Decimal("50000"), "floor": Decimal("60000")}, "ceiling"),
    ({"floor": Decimal("-1")}, "floor"),
    ({"step": Decimal("0")}, "step"),
    ({"step": None}, "step"),
    ({"ceiling": None}, "ceiling"),
])
def test_live_bidding_needs_ceiling_over_floor_over_zero_and_a_positive_step(fields, field):
    problems = posting_problems(_valid(**fields))
    assert field in {p.field for p in problems}


def test_discount_rates_lie_between_zero_and_a_hundred_and_need_a_base_amount():
    ok = _valid(quote_mode=Project.QuoteMode.DISCOUNT)
    assert posting_problems(ok) == []
    bad = _valid(quote_mode=Project.QuoteMode.DISCOUNT, ceiling=Decimal("120"), amount=None)
    assert {p.field for p in posting_problems(bad)} == {"ceiling", "amount"}


def test_random_draw_needs_the_amount():
    assert {p.field for p in posting_problems(_valid(method=Method.RANDOM_DRAW, amount=None))} \
        == {"amount"}


def test_comprehensive_evaluation_weights_add_up_to_a_hundred():
    problems = posting_problems(_valid(method=Method.COMPREHENSIVE, price_weight=40,
                                       quality_weight=40))
    assert {p.field for p in problems} == {"price_weight"}


def test_a_signup_deadline_in_the_past_is_refused():
    past = _valid(signup_deadline=timezone.now() - dt.timedelta(minutes=1))
    problems = [p for p in posting_problems(past) if p.field == "signup_deadline"]
    assert problems and "already passed" in problems[0].message


def test_selection_before_the_signup_deadline_is_refused():
    project = _valid()
    project.selection_at = project.signup_deadline - dt.timedelta(hours=1)
    assert [p.field for p in posting_problems(project)] == ["selection_at"]


def test_signup_must_stay_open_the_configured_working_days(settings):
    settings.MARKETPLACE = {**settings.MARKETPLACE, "SIGNUP_MIN_WORKING_DAYS": 3}
    # Friday 13 Feb 2026 10:00: three working days are Sat 14 (调休), Tue 24, Wed 25 Feb.
    now = dt.datetime(2026, 2, 13, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    project = _valid(signup_deadline=now + dt.timedelta(days=6),  # Thu 19 Feb, in the holiday
                     selection_at=now + dt.timedelta(days=14))
    problems = posting_problems(project, now=now)
    assert [p.field for p in problems] == ["signup_deadline"]
    assert "2026-02-25 10:00" in problems[0].message
    project.signup_deadline = dt.datetime(2026, 2, 25, 10, 0, tzinfo=now.tzinfo)
    assert posting_problems(project, now=now) == []


def test_other_requirements_are_scanned_for_disguised_designation():
    problems = posting_problems(_valid(other_requirements="须在本地设有办公场所"))
    assert [(p.rule, p.field) for p in problems] == [("R4", "other_requirements")]
