"""Shared set-up of the API tests: a fast password hasher, an API client, a small catalogue and
a valid registration payload."""
from __future__ import annotations

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from agencies.models import Agency
from core.catalogue import (
    FEE_GOVERNMENT,
    FEE_MARKET,
    AttributeOption,
    Category,
    Partner,
    StockRecord,
    offer_sku,
    service_class,
)
from core.models import Organisation, Region
from core.uscc import make_uscc
from tests.factories.agencies import service_item
from tests.factories.core import PASSWORD


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def english(api):
    api.credentials(HTTP_ACCEPT_LANGUAGE="en")
    return api


@pytest.fixture
def catalogue(db):
    """Two top categories, one with a sub-category, and four items."""
    service_class()
    market = AttributeOption.objects.get(option=FEE_MARKET)
    government = AttributeOption.objects.get(option=FEE_GOVERNMENT)
    env = Category.add_root(name="环境评价", slug="huanjing")
    eia_sub = env.add_child(name="环境影响评价", slug="huanping")
    survey = Category.add_root(name="测绘", slug="cehui")
    items = {
        "eia": service_item("环境影响评价报告书编制", category="环境影响评价",
                            fee_type=market, committed_days=30,
                            approval_item="建设项目环境影响评价文件审批",
                            approval_department="生态环境局"),
        "swc": service_item("水土保持方案编制", category="环境评价", fee_type=government),
        "map": service_item("建设工程规划竣工测量", category="测绘", fee_type=market),
        "lightning": service_item("防雷装置检测", category="测绘"),
    }
    return {"env": env, "eia_sub": eia_sub, "survey": survey, **items}


def registration_payload(n: int, **overrides) -> dict:
    payload = {
        "username": f"api-agency-{n}", "password": PASSWORD,
        "name": f"湖北测试咨询{n}有限公司", "uscc": make_uscc(700000 + n),
        "nature": "enterprise", "legal_representative": "赵六",
        "registered_capital": "500.00", "address": "湖北省武汉市武昌区中北路1号",
        "region": "420000", "service_regions": ["420000", "110000"],
        "contact_name": "钱七", "contact_phone": "027-87654321",
        "contact_email": f"agency{n}@example.cn", "description": "专业从事环境影响评价。",
        "offers": [], "qualifications": [
            {"name": "测绘资质", "grade": "乙级", "number": f"Q{n:05d}",
             "authority": "湖北省自然资源厅", "valid_until": "2030-12-31"}],
        "practitioners": [{"name": "孙八", "speciality": "环境工程", "certificate": "HP-001"}],
        "gov_tie_declared": False, "gov_tie_department": "", "gov_tie_details": "",
        "integrity_accepted": True,
    }
    payload.update(overrides)
    return payload


def bulk_agencies(count: int, *, start: int = 0, offers=(), region_code: str = "420000"):
    """``count`` listed agencies in a few bulk queries (the directory's shape, without the
    service's per-agency account and audit; used to measure query counts)."""
    region = Region.objects.get(code=region_code)
    numbers = range(start, start + count)
    orgs = Organisation.objects.bulk_create([
        Organisation(kind=Organisation.Kind.AGENCY, name=f"批量中介{n}有限公司",
                     uscc=make_uscc(500000 + n), region=region) for n in numbers])
    partners = Partner.objects.bulk_create([
        Partner(name=f"批量中介{n}有限公司", code=f"bulk-{n}") for n in numbers])
    now = timezone.now()
    agencies = Agency.objects.bulk_create([
        Agency(organisation=org, partner=partner, name=org.name, uscc=org.uscc,
               nature=Agency.Nature.ENTERPRISE, legal_representative="周九",
               address="湖北省武汉市", region=region, contact_name="吴十",
               contact_phone="027-1", integrity_accepted_at=now, credit_stars=1 + n % 5)
        for n, org, partner in zip(numbers, orgs, partners)])
    StockRecord.objects.bulk_create([
        StockRecord(partner=partner, product=item, partner_sku=offer_sku(agency.pk, item.pk),
                    price=1000 + n, price_currency="CNY")
        for n, agency, partner in zip(numbers, agencies, partners) for item in offers])
    return agencies
