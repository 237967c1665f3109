"""Settings are read once, typed: a platform rule comes from the variable of the same name with
its type, and a value that does not parse stops start-up with the variable's name."""
import runpy
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

SETTINGS_FILE = str(Path(settings.BASE_DIR) / "marketplace" / "settings.py")


def load(monkeypatch, **variables) -> dict:
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(SETTINGS_FILE)


def test_platform_rules_are_read_from_their_variables_with_their_types(monkeypatch):
    conf = load(monkeypatch, MIN_SIGNUPS_COMPETITIVE="5", DIRECT_SELECTION_MAX_AMOUNT="200000",
                RISK_WINNER_SHARE="0.75", CREDIT_SOURCE_WEIGHTS="1:1:1",
                SANCTION_WARNING_GRADE="C", ALLOWED_HOSTS="a.gov.cn, b.gov.cn")
    rules = conf["MARKETPLACE"]
    assert rules["MIN_SIGNUPS_COMPETITIVE"] == 5
    assert rules["DIRECT_SELECTION_MAX_AMOUNT"] == Decimal("200000")
    assert rules["RISK_WINNER_SHARE"] == 0.75
    assert rules["CREDIT_SOURCE_WEIGHTS"] == "1:1:1"
    assert rules["SANCTION_WARNING_GRADE"] == "C"
    assert conf["ALLOWED_HOSTS"] == ["a.gov.cn", "b.gov.cn"]


def test_every_rule_has_its_default_when_no_variable_is_set(monkeypatch):
    for name in settings.MARKETPLACE:
        monkeypatch.delenv(name, raising=False)
    rules = load(monkeypatch)["MARKETPLACE"]
    assert rules["MIN_SIGNUPS_COMPETITIVE"] == 3
    assert rules["DIRECT_SELECTION_MAX_AMOUNT"] == Decimal("100000")
    assert rules["CREDIT_SOURCE_WEIGHTS"] == "5:3:2"
    assert rules["RATING_WORKING_DAYS"] == 10


@pytest.mark.parametrize("name, value", [
    ("MIN_SIGNUPS_COMPETITIVE", "abc"),
    ("OBJECTION_WORKING_DAYS", "-1"),
    ("DIRECT_SELECTION_MAX_AMOUNT", "NaN"),
    ("CREDIT_BASE_SCORE", "inf"),
    ("CREDIT_SOURCE_WEIGHTS", "5:3"),
    ("CREDIT_SOURCE_WEIGHTS", "0:0:0"),
    ("RISK_WINNER_SHARE", "1.5"),
    ("SANCTION_WARNING_GRADE", "Z"),
    ("SECURE_HSTS_SECONDS", "a year"),
])
def test_a_wrong_value_is_refused_naming_its_variable(monkeypatch, name, value):
    with pytest.raises(ImproperlyConfigured, match=name):
        load(monkeypatch, **{name: value})


def test_production_without_a_secret_key_is_refused(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        load(monkeypatch, DEBUG="0")
