"""Posting rules (bidding.rules): each with real-sounding phrasings."""
import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from django.utils.text import capfirst

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


# --- the designation check over everything a posting publishes (R3, R4) ---------------------
@pytest.mark.parametrize("text, category", [
    ("须在本 市设有分 公司", "local_office"),
    ("須具有本局業績", "past_work"),
    ("须在本\u200b市\u200d注册", "region"),
    ("注册资本不低于５００万元", "scale"),
    ("ＩＳＯ９００１認證", "certification"),
])
def test_the_phrase_is_reported_as_written_with_spaces_traditional_and_invisible_characters(
        text, category):
    problems = designation_problems(f"具有独立法人资格；{text}。", field="content")
    assert [(p.category, p.phrase, p.field) for p in problems] == [(category, text, "content")]
    assert f"“{text}”" in problems[0].message


@pytest.mark.parametrize("field", ["title", "scale", "content", "other_requirements"])
def test_every_free_text_field_is_scanned_and_the_problem_names_its_field(field):
    problems = posting_problems(_valid(**{field: "同等条件下本地企业优先"}))
    assert [(p.rule, p.field, p.phrase) for p in problems] == [
        ("R3", field, "同等条件下本地企业优先")]
    label = capfirst(Project._meta.get_field(field).verbose_name)
    assert problems[0].message.startswith(f"{label}: ")


@pytest.mark.parametrize("text", [
    "项目负责人须具有注册安全工程师执业资格",
    "项目负责人须为一级注册建造师",
    "至少1名注册测绘师参与本项目",
    "The project lead must be a registered safety engineer",
])
def test_a_practitioners_legally_required_registration_is_not_a_region_restriction(text):
    assert designation_problems(text, field="other_requirements") == []
    assert qualification_problems([{"name": text, "grade": "",
                                    "legal_basis": "《注册安全工程师管理规定》"}]) == []


@pytest.mark.parametrize("text", [
    "不要求在本地设立分支机构",
    "不限注册地，欢迎各地机构报名",
    "Agencies are not required to have a local office",
    "需到项目现场开展监测",
    "中选机构须进行现场踏勘",
])
def test_saying_a_restriction_does_not_apply_and_site_work_pass(text):
    assert designation_problems(text, field="content") == []


@pytest.mark.parametrize("basis", ["依法要求", "相关法律", "根据相关法律法规", "按国家有关规定",
                                   "as required by law", "《相关法律》"])
def test_a_basis_that_names_no_law_is_no_legal_basis(basis):
    problems = qualification_problems([{"name": "测绘资质", "grade": "乙级", "legal_basis": basis}])
    assert [p.rule for p in problems] == ["R3"]
    assert "law or regulation" in problems[0].message


@pytest.mark.parametrize("basis", ["测绘法第二十七条", "财库〔2019〕38号",
                                   "Surveying and Mapping Law, Article 27"])
def test_a_basis_naming_a_law_or_a_document_number_passes(basis):
    assert qualification_problems([{"name": "测绘资质", "grade": "乙级",
                                    "legal_basis": basis}]) == []


@pytest.mark.parametrize("name, rule", [
    ("省级优秀工程咨询成果奖", "R4"),
    ("全国百强咨询企业", "R4"),
    ("ISO9001质量管理体系认证", "R4"),
    ("省工程咨询协会会员", "R3"),
])
def test_a_prize_ranking_certificate_or_membership_is_not_a_qualification(name, rule):
    problems = qualification_problems([{"name": name, "grade": "",
                                        "legal_basis": "《中华人民共和国测绘法》第二十七条"}])
    assert [(p.rule, p.field, p.phrase) for p in problems] == [(rule, "qualifications", name)]
    assert "is not a qualification" in problems[0].message


def test_an_avoidance_reason_may_state_a_conflict_of_interest_but_not_a_restriction():
    project = _valid()
    fine = [{"reason": "曾为本项目编制可行性研究报告"}, {"reason": "与采购人存在隶属关系"}]
    assert posting_problems(project, avoidances=fine) == []
    problems = posting_problems(project, avoidances=[{"reason": "非本地机构"}])
    assert [(p.rule, p.field, p.phrase) for p in problems] == [("R3", "avoidances", "非本地机构")]


def test_the_saved_qualifications_and_avoidances_are_read_by_default():
    agency = bf.bidding_agency(item=bf.service_item())
    project = _valid(qualifications=[{"name": "测绘资质", "grade": "须在本省备案",
                                      "legal_basis": "《中华人民共和国测绘法》"}],
                     avoid=[(agency, "外地企业")])
    assert {(p.field, p.phrase) for p in posting_problems(project)} == {
        ("qualifications", "须在本省备案"), ("avoidances", "外地企业"),
        ("qualifications", "测绘资质 须在本省备案")}  # and it is not on the item's list
