"""The posting rules, in one place (R3, R4, R6, R13; docs/design.md).

``posting_problems(project, qualifications, avoidances)`` returns every rule a posting breaks,
each a ``Problem`` with the rule number, the form field it belongs to and a message a person can
read (for disguised designation: the phrase as written and the field it came from; every
free-text field is read, ``TEXT_FIELDS``, with qualification rows and avoidance reasons).
``project_publish`` refuses a posting with any problem; the new-project form shows them next to
their fields.

Pure functions of the posting (plus the clock and settings): no writes, no queries except the
administrator's holiday rows when a period reaches a year chinese-calendar does not know.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bidding.designation import normalise, scan
from bidding.models import Project
from core.models import StatutoryQualification
from core.workdays import add_working_days

Method = Project.Method
QuoteMode = Project.QuoteMode


@dataclass(frozen=True)
class Problem:
    rule: str  # "R3", "R4", "R6", "R13", "price", "method"
    field: str  # the form / API field it belongs to ("" = the posting as a whole)
    message: str
    phrase: str = ""  # R3/R4: the offending phrase as the user wrote it
    category: str = ""  # R3/R4: the designation category (bidding/designation/categories.py),
    # or "not_listed" / "abolished" for a qualification row measured against the catalogue
    reviewable: bool = False  # may go to the regulator's review instead of being rewritten
    row: int | None = None  # the qualification row (1-based) it belongs to

    def __str__(self) -> str:
        return self.message


# --- R3 / R4: disguised designation ---------------------------------------------------------
# The check itself is bidding/designation/ (categories of the public rules, normalisation, the
# allow-list); here its findings become posting problems, one per offending clause, on the
# field the phrase came from. A requirement may only be what the work and the law need, so a
# false alarm costs the purchaser one rewording, while a miss lets a department point at its
# favourite agency.
TEXT_FIELDS = ("title", "scale", "content", "other_requirements")
"""The posting's own free-text fields the check reads; qualification names and grades
(``qualifications``) and avoidance reasons (``avoidances``) are read too."""

_LIST_LABELS = {"qualifications": gettext_lazy("required qualifications"),
                "avoidances": gettext_lazy("avoided agencies")}


def field_label(field: str) -> str:
    if field in _LIST_LABELS:
        return capfirst(_LIST_LABELS[field])
    try:
        return capfirst(Project._meta.get_field(field).verbose_name)
    except FieldDoesNotExist:  # a field of no model is shown by its name
        return field


def designation_problems(text: str, *, field: str) -> list[Problem]:
    """Each clause of ``text`` that restricts bidders in a prohibited category (region, local
    presence, size, past work, ownership, brand, membership, honours, certification, a
    department's roster, industry; R3, R4), with the phrase as the user wrote it."""
    problems = []
    for finding in scan(text):
        category = finding.category
        problems.append(Problem(category.rule, field, _(
            "%(field)s: “%(phrase)s” is not allowed: it %(kind)s. A posting may ask only for "
            "what the work and the law require; restricting bidders by region, local presence, "
            "size, past work for the purchaser, ownership, brand, honours, certificates, "
            "memberships or a department's roster is designation in disguise (%(rule)s).") % {
                "field": field_label(field), "phrase": finding.phrase,
                "kind": str(category.label), "rule": category.rule},
            phrase=finding.phrase, category=category.code, reviewable=True))
    return problems


# --- R3: a qualification is legally required and cites its legal basis --------------------
# A basis names a law or regulation: a title in 《》, a document number (财库〔2019〕38号, 令第87号)
# or a bare name ending in 法/条例/办法/规定 … whose own words are more than "依法", "相关法律",
# "国家有关规定" (which name nothing).
_LAW_NAME = re.compile(r"《([^》]{2,80})》|([\u4e00-\u9fff]{2,40}?)(?:法典|法|条例|办法|规定|细则|规则)")
_DOC_NUMBER = re.compile(r"〔\d{4}〕\s*\d+\s*号|\[\d{4}\]\s*\d+\s*号|令第?\s*\d+\s*号|第\d+号令")
_GENERIC_BASIS = re.compile(
    r"依法|依照|按照|遵照|根据|依据|按|相关|有关|国家|地方|行业|现行|法律|法规|规章|规定|政策|要求|文件|"
    r"的|等|及|和|与|或|之|规范性|各项|上述|具体|资质|资格|管理|条例|办法|法")
_ENGLISH_LAW = re.compile(r"\b(?:law|regulations?|measures|provisions|rules)\b")
_GENERIC_ENGLISH = re.compile(
    r"\b(?:relevant|applicable|national|local|the|of|and|laws?|regulations?|rules|measures|"
    r"provisions|as|required|requires|by|according|to|in|accordance|with|under|per|prc|china|"
    r"people's|republic|article|state|all|other|related)\b|[^a-z]")
_NOT_QUALIFICATIONS = ("honours", "certification", "membership")


def legal_basis_named(basis: str) -> bool:
    """Does ``basis`` name a law or regulation (not merely "依法要求" or "按规定")?"""
    text = normalise(basis).text
    if _DOC_NUMBER.search(text):
        return True
    for match in _LAW_NAME.finditer(text):
        stem = match.group(1) or match.group(2) or ""
        if len(_GENERIC_BASIS.sub("", stem)) >= 2:
            return True
    return bool(_ENGLISH_LAW.search(text)) and len(_GENERIC_ENGLISH.sub("", text)) >= 4


_ARTICLE = re.compile(r"第[一二三四五六七八九十百千零〇两\d]+条|\barticles?\s*\d+", re.IGNORECASE)


def article_cited(text: str) -> bool:
    """Does ``text`` name a law or regulation *and* the article relied on (第二十七条,
    Article 27)? What a request for the regulator's review must cite."""
    return legal_basis_named(text) and bool(_ARTICLE.search(normalise(text).text))


@dataclass(frozen=True)
class Catalogue:
    """The catalogue's view of one item: the qualifications in force the law requires for it
    (what a posting may ask for) and every abolished qualification of the catalogue (what no
    posting may ask for, typed or picked)."""

    item: object | None
    listed: tuple[StatutoryQualification, ...] = ()
    abolished: tuple[StatutoryQualification, ...] = ()


def catalogue_for(item) -> Catalogue:
    """The item's list and the abolished qualifications, in two queries."""
    if item is None:
        return Catalogue(item=None)
    listed = tuple(StatutoryQualification.objects.filter(item=item, abolished_by=""))
    abolished = tuple(StatutoryQualification.objects.exclude(abolished_by=""))
    return Catalogue(item=item, listed=listed, abolished=abolished)


def _key(text: str) -> str:
    return normalise(text or "").text.replace(" ", "")


def listed_entry(catalogue: Catalogue, name: str, grade: str = ""):
    """The entry of the item's list a typed row means (same name, its grade or none), or
    None."""
    for entry in catalogue.listed:
        if _key(entry.name) == _key(name) and (not grade or _key(grade) == _key(entry.grade)):
            return entry
    return None


def _abolished_entry(catalogue: Catalogue, name: str):
    return next((e for e in catalogue.abolished if _key(e.name) == _key(name)), None)


def abolished_message(entry: StatutoryQualification) -> str:
    return _("“%(name)s” was abolished by %(document)s on %(date)s; no posting may ask for it "
             "(R3).") % {"name": str(entry), "document": entry.abolished_by,
                         "date": entry.abolished_on.isoformat() if entry.abolished_on else ""}


def _not_listed(index: int, label: str, catalogue: Catalogue) -> Problem:
    names = "、".join(str(e) for e in catalogue.listed)
    item = getattr(catalogue.item, "title", "")
    if names:
        message = _(
            "Qualification %(n)s: “%(name)s” is not among the qualifications the law requires "
            "for “%(item)s” (the catalogue lists %(list)s). Pick one from the list or remove "
            "it; if a law really requires it, send the posting to the regulator's review with "
            "the article (R3).") % {"n": index, "name": label, "item": item, "list": names}
    else:
        message = _(
            "Qualification %(n)s: “%(name)s” is not among the qualifications the law requires "
            "for “%(item)s” (the catalogue lists none). Remove it; if a law really requires "
            "it, send the posting to the regulator's review with the article (R3).") % {
                "n": index, "name": label, "item": item}
    return Problem("R3", "qualifications", message, phrase=label, category="not_listed",
                   reviewable=True, row=index)


def qualification_problems(qualifications, catalogue: Catalogue | None = None) -> list[Problem]:
    """Every required qualification is one a law requires and names that law; an honour,
    award, ranking, certificate or membership is no qualification; neither the name nor the
    grade may hide a restriction. Against the ``catalogue`` (the item's list): a row picked
    from it (``entry``) or typed as one of its entries passes, an abolished qualification is
    refused, any other needs the regulator's review."""
    problems = []
    for index, qual in enumerate(qualifications, start=1):
        entry = _get(qual, "entry")
        name = (_get(qual, "name") or (entry.name if entry else "") or "").strip()
        grade = (_get(qual, "grade") or (entry.grade if entry else "") or "").strip()
        basis = (_get(qual, "legal_basis") or (entry.legal_basis if entry else "") or "").strip()
        if not name:
            problems.append(Problem("R3", "qualifications", _(
                "Qualification %(n)s has no name.") % {"n": index}, row=index))
            continue
        found = designation_problems(name, field="qualifications") + designation_problems(
            grade, field="qualifications")
        found = [replace(p, row=index) for p in found]
        fake = next((p for p in found if p.category in _NOT_QUALIFICATIONS), None)
        if fake is not None:
            problems.append(Problem(fake.rule, "qualifications", _(
                "“%(name)s” is not a qualification: an honour, award, ranking, certificate or "
                "membership is required by no law, so it may not be asked for (%(rule)s).") % {
                    "name": fake.phrase, "rule": fake.rule},
                phrase=fake.phrase, category=fake.category, row=index))
            found.remove(fake)
            problems.extend(found)
            continue
        abolished = entry if entry is not None and entry.abolished else (
            _abolished_entry(catalogue, name) if catalogue is not None and entry is None
            else None)
        if abolished is not None:
            problems.append(Problem("R3", "qualifications", _(
                "Qualification %(n)s: ") % {"n": index} + abolished_message(abolished),
                phrase=str(abolished), category="abolished", row=index))
        elif catalogue is not None and catalogue.item is not None:
            on_list = (entry.item_id == catalogue.item.pk) if entry is not None else (
                listed_entry(catalogue, name, grade) is not None)
            if not on_list:
                if not legal_basis_named(basis):
                    problems.append(_no_basis(name, index))
                problems.append(_not_listed(index, f"{name} {grade}".strip(), catalogue))
        elif entry is None and not legal_basis_named(basis):
            problems.append(_no_basis(name, index))
        problems.extend(found)
    return problems


def _no_basis(name: str, index: int) -> Problem:
    return Problem("R3", "qualifications", _(
        "The required qualification “%(name)s” must cite the law or regulation that "
        "requires it (e.g. 《测绘资质管理办法》第五条); only legally required qualifications "
        "may be asked for (R3).") % {"name": name}, row=index)


def avoidance_problems(avoidances) -> list[Problem]:
    """An avoidance reason is published with the posting: it may state a conflict of interest,
    never a restriction in disguise ("非本地机构")."""
    problems = []
    for avoidance in avoidances:
        problems.extend(designation_problems(_get(avoidance, "reason") or "",
                                             field="avoidances"))
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
def posting_problems(project: Project, qualifications=None, avoidances=None, *,
                     now: dt.datetime | None = None) -> list[Problem]:
    """Every rule the posting breaks: the one check for the page, the API, the publish button
    and the demo loader alike. ``qualifications`` (objects or dicts with an ``entry`` of the
    catalogue, or name, grade, legal_basis) and ``avoidances`` (with a reason) default to the
    saved ones; the qualifications are measured against the item's catalogue list."""
    if qualifications is None:
        qualifications = list(project.qualifications.all()) if project.pk else []
    if avoidances is None:
        avoidances = list(project.avoidances.all()) if project.pk else []
    problems: list[Problem] = []
    for field in TEXT_FIELDS:
        problems += designation_problems(getattr(project, field) or "", field=field)
    item = project.item if project.item_id else None
    problems += qualification_problems(qualifications, catalogue_for(item))
    problems += avoidance_problems(avoidances)
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

