"""The demo loader: ≥30 real items, ≥50 agencies with valid codes, one account per role,
fast, idempotent with --once, everything audited."""
import io
import time

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from stdnum.cn import uscc

from agencies.models import Agency
from marketplace.audit import audit_verify
from marketplace.catalogue import SERVICE_CLASS_SLUG, Product, item_attributes
from marketplace.demo import DEMO_LOGINS, demo_loaded

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]  # real one
    out = io.StringIO()
    started = time.monotonic()
    call_command("load_demo", stdout=out)
    return {"seconds": time.monotonic() - started, "output": out.getvalue()}


def test_demo_loads_thirty_items_with_legal_basis_and_fifty_agencies_with_valid_codes(loaded):
    items = Product.objects.filter(product_class__slug=SERVICE_CLASS_SLUG).prefetch_related(
        "attribute_values__attribute", "attribute_values__value_option", "categories")
    assert items.count() >= 30
    for item in items:
        attrs = item_attributes(item)
        assert attrs["legal_basis"] and attrs["fee_standard"] and attrs["statutory_days"]
        assert str(attrs["fee_type"]) in ("政府指导价", "市场调节价")
        assert item.categories.exists()
    agencies = Agency.objects.all()
    assert agencies.count() >= 50
    assert all(uscc.is_valid(a.uscc) for a in agencies)
    assert agencies.values("region").distinct().count() >= 20
    assert agencies.filter(gov_tie_declared=True).count() == 1
    assert all(a.partner.stockrecords.exists() for a in agencies.select_related("partner"))
    assert audit_verify().ok


def test_demo_logins_work_for_every_role(loaded):
    for _role, username in DEMO_LOGINS["users"]:
        assert authenticate(username=username, password=DEMO_LOGINS["password"]), username
    assert "demo_regulator" in loaded["output"] and DEMO_LOGINS["password"] in loaded["output"]


def test_demo_loads_in_under_thirty_seconds_and_once_skips_a_second_run(loaded):
    assert loaded["seconds"] < 30
    assert demo_loaded()
    counts = (Product.objects.count(), Agency.objects.count())
    out = io.StringIO()
    call_command("load_demo", once=True, stdout=out)
    assert "already loaded" in out.getvalue()
    assert (Product.objects.count(), Agency.objects.count()) == counts


def test_core_demo_rerun_without_once_adds_nothing_twice(loaded):
    from marketplace.demo import load_core_demo

    counts = (Product.objects.count(), Agency.objects.count())
    load_core_demo()
    assert (Product.objects.count(), Agency.objects.count()) == counts
