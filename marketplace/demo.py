"""The core demo: the catalogue (≥30 real intermediary service items), ≥50 agencies across
provinces with offers, and one account per role. Everything goes through the services, so the
audit trail holds the demo's history like any other. Re-running skips what already exists."""
from __future__ import annotations

import datetime as dt
import random
import time
import warnings
from contextlib import contextmanager
from decimal import Decimal
from functools import lru_cache
from unittest import mock

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from agencies.models import Agency
from agencies.services.registry import (
    OfferInput,
    PractitionerInput,
    QualificationInput,
    Registration,
    agency_register,
)
from core.catalogue import Category, Product, service_class
from core.models import Organisation, Region, StatutoryQualification
from core.services.accounts import purchaser_register, staff_create
from core.services.qualifications import statutory_qualification_save
from core.uscc import make_uscc
from marketplace import demo_data as data
from marketplace.services.catalogue import catalogue_item_save, category_save

PASSWORD = "Demo#2026zj"

DEMO_LOGINS = {
    "password": PASSWORD,
    "users": [
        ("项目业主（企业）", "demo_enterprise"),
        ("项目业主（政府部门）", "demo_government"),
        ("中介服务机构", "demo_agency1"),
        ("中介服务机构", "demo_agency2"),
        ("中介服务机构", "demo_agency3"),
        ("审批部门", "demo_approval"),
        ("监管部门", "demo_regulator"),
        ("监管部门（武汉市）", "demo_regulator_wuhan"),
        ("评审专家", "demo_expert1"),
    ],
}

USCC_BASE = 31_000_000  # demo codes never collide with test factories' numbers


def demo_loaded() -> bool:
    """True once the core demo's last step (the regulator account) exists."""
    return get_user_model().objects.filter(username="demo_regulator").exists()


@contextmanager
def one_hash_per_password():
    """All demo accounts share one password: hash it once with the real hasher and reuse the
    result (same salt), instead of ~70 PBKDF2 runs of 0.3–0.5 s each (``load_demo`` wraps every
    app's demo in it; nested, the inner one changes nothing)."""
    cached = lru_cache(maxsize=8)(make_password)
    with mock.patch("django.contrib.auth.models.make_password", cached), \
            mock.patch("django.contrib.auth.base_user.make_password", cached):
        yield


def _say(stdout, text: str) -> None:
    if stdout is not None:
        stdout.write(text)


def load_core_demo(stdout=None) -> dict:
    started = time.monotonic()
    with one_hash_per_password(), warnings.catch_warnings():
        # Oscar's search index signal warns on every product save with the simple backend.
        warnings.filterwarnings("ignore", message="update is not implemented")
        items = _load_catalogue()
        agencies = _load_agencies(items)
        _load_accounts()
    took = time.monotonic() - started
    _say(stdout, f"core demo: {len(items)} service items, {len(agencies)} agencies, "
                 f"{len(DEMO_LOGINS['users'])} demo accounts ({took:.1f} s)")
    return {"items": items, "agencies": agencies}


def _load_catalogue() -> dict[str, Product]:
    service_class()
    categories: dict[str, Category] = {}
    for name, parent_name in data.CATEGORIES:
        existing = Category.objects.filter(name=name).first()
        categories[name] = existing or category_save(
            actor=None, name=name, parent=categories.get(parent_name) if parent_name else None)
    items = {}
    existing = {p.title: p for p in Product.objects.filter(title__in=[i["title"]
                                                                      for i in data.ITEMS])}
    for spec in data.ITEMS:
        item = existing.get(spec["title"]) or catalogue_item_save(
            actor=None, title=spec["title"], description=spec["description"],
            categories=[categories[spec["category"]]], attributes=spec["attrs"])
        items[spec["title"]] = item
    _load_statutory_qualifications(items)
    return items


def _load_statutory_qualifications(items: dict[str, Product]) -> None:
    """The qualifications the law requires for each demo item (R3), abolished ones marked."""
    have = set(StatutoryQualification.objects.values_list("item_id", "name", "grade"))
    for title, rows in data.STATUTORY_QUALIFICATIONS.items():
        for name, grade, basis, authority, *abolished in rows:
            if (items[title].pk, name, grade) in have:
                continue
            statutory_qualification_save(
                actor=None, item=items[title], name=name, grade=grade, legal_basis=basis,
                authority=authority, abolished_by=abolished[0] if abolished else "",
                abolished_on=dt.date.fromisoformat(abolished[1]) if abolished else None)


def _person(rng: random.Random) -> str:
    return rng.choice(data.SURNAMES) + rng.choice(data.GIVEN)


def _load_agencies(items: dict[str, Product]):
    rng = random.Random(2026)
    regions = {r.code: r for r in Region.objects.all()}
    specs = {spec["title"]: spec for spec in data.ITEMS}
    created = []
    existing = set(Agency.objects.values_list("uscc", flat=True))
    for index, (city, region_code, brand, speciality) in enumerate(data.AGENCY_SEEDS):
        code = make_uscc(USCC_BASE + index, region=region_code[:2] + "0100")
        # Some agencies are registered in a district (武汉市洪山区 …), the rest in a province.
        home = regions[data.AGENCY_DISTRICTS.get(index, region_code)]
        if code in existing:
            continue
        name = f"{city}{brand}{data.SUFFIX[speciality]}"
        offers = []
        for title in data.SPECIALITIES[speciality]:
            low, high = specs[title]["fee_range"]
            fee = Decimal(rng.randrange(low, high + 1, 100))
            committed = max(3, specs[title]["attrs"]["committed_days"] - rng.randint(0, 4))
            offers.append(OfferInput(item=items[title], fee=fee, committed_days=committed,
                                     commitment=rng.choice(data.COMMITMENTS)))
        quals = []
        if speciality in data.QUALIFICATIONS:
            qname, grade, authority = data.QUALIFICATIONS[speciality]
            province = regions[region_code].name
            quals.append(QualificationInput(
                name=qname, grade=grade, number=f"{region_code[:2]}{rng.randint(100000, 999999)}",
                authority=province + authority,
                valid_until=dt.date(2027 + rng.randint(0, 3), 12, 31)))
        practitioners = [PractitionerInput(name=_person(rng), speciality=_practitioner_speciality(
            speciality), certificate=f"注册证书第{rng.randint(10000000, 99999999)}号")
            for _ in range(rng.randint(1, 3))]
        tie = data.GOV_TIE if index == data.GOV_TIE["seed_index"] else None
        username = f"demo_agency{index + 1}" if index < 3 else f"agency_{index + 1:02d}"
        registration = Registration(
            username=username, password=PASSWORD, name=name, uscc=code,
            nature=Agency.Nature.ENTERPRISE, legal_representative=_person(rng),
            registered_capital=Decimal(rng.choice([50, 100, 200, 300, 500, 1000, 2000])),
            address=f"{regions[region_code].name}{city}市高新区创业路{rng.randint(1, 299)}号",
            region=home, contact_name=_person(rng),
            contact_phone=f"0{rng.randint(10, 999)}-{rng.randint(6000000, 89999999)}",
            contact_email=f"service{index + 1}@example.cn", integrity_accepted=True,
            description=f"{name}成立于{rng.randint(1998, 2020)}年，专业从事"
                        f"{'、'.join(data.SPECIALITIES[speciality][:3])}等技术服务。",
            service_regions=[home.parent if home.level == home.Level.COUNTY else home],
            offers=offers, qualifications=quals,
            practitioners=practitioners,
            gov_tie_declared=tie is not None,
            gov_tie_department=tie["department"] if tie else "",
            gov_tie_details=tie["details"] if tie else "",
        )
        created.append(agency_register(registration=registration))
    return created


def _practitioner_speciality(speciality: str) -> str:
    return {
        "env": "环境影响评价工程师", "water": "水利水电工程", "safety": "注册安全工程师",
        "geo": "水文地质与工程地质", "survey": "注册测绘师", "consult": "注册咨询工程师（投资）",
        "plan": "注册城乡规划师", "build": "一级注册结构工程师", "lightning": "防雷检测",
        "finance": "资产评估师",
    }[speciality]


def _load_accounts() -> None:
    User = get_user_model()
    regions = {r.code: r for r in Region.objects.all()}
    hubei = regions.get("420000")
    if not User.objects.filter(username="demo_enterprise").exists():
        purchaser_register(
            username="demo_enterprise", password=PASSWORD, name="湖北长江新材料股份有限公司",
            uscc=make_uscc(USCC_BASE + 900, region="420100"), region=hubei,
            contact_name="周建国", contact_phone="027-86001234", email="demo_enterprise@example.cn")
    if not User.objects.filter(username="demo_government").exists():
        purchaser_register(
            username="demo_government", password=PASSWORD, name="武汉市交通运输局",
            uscc=make_uscc(USCC_BASE + 901, region="420100", kind="11"), region=hubei,
            contact_name="刘海燕", contact_phone="027-85002345", email="demo_gov@example.cn",
            is_government=True)
    if not User.objects.filter(username="demo_approval").exists():
        staff_create(kind=Organisation.Kind.APPROVAL, organisation_name="武汉市行政审批局",
                     username="demo_approval", password=PASSWORD, region=hubei)
    # A city regulator: its workspace shows 武汉市 and its districts only. Created before
    # demo_regulator, whose account marks the demo as loaded (``demo_loaded``).
    if not User.objects.filter(username="demo_regulator_wuhan").exists():
        staff_create(kind=Organisation.Kind.REGULATOR,
                     organisation_name="武汉市政务服务和大数据管理局（中介服务监管）",
                     username="demo_regulator_wuhan", password=PASSWORD,
                     region=regions.get("420100"))
    if not User.objects.filter(username="demo_regulator").exists():
        # No region: the platform-wide regulator sees every agency and project.
        staff_create(kind=Organisation.Kind.REGULATOR,
                     organisation_name="中介服务网上交易平台监管中心",
                     username="demo_regulator", password=PASSWORD, region=None)
