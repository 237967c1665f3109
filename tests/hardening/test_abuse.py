"""Abuse (issue 8): CSV formula injection. Login and token throttling are further down."""
import pytest

from core.access import csv_cell
from tests.factories.agencies import agency
from tests.factories.core import regulator_user

pytestmark = pytest.mark.django_db

EVIL = '=HYPERLINK("http://x","点我")'


def _body(response) -> str:
    assert response["Content-Type"].startswith("text/csv")
    return b"".join(response.streaming_content).decode("utf-8-sig")


@pytest.mark.parametrize("text", [EVIL, "+1+1", "-1+cmd|' /C calc'!A0", "@SUM(A1)",
                                  "\t=1", "\r=1"])
def test_a_cell_that_starts_like_a_formula_is_prefixed_with_an_apostrophe(text):
    assert csv_cell(text) == "'" + text


@pytest.mark.parametrize("value, text", [(-3.5, "-3.5"), ("-12.50", "-12.50"), (None, ""),
                                         ("湖北某公司", "湖北某公司"), (80, "80")])
def test_numbers_and_plain_text_are_written_as_they_are(value, text):
    assert csv_cell(value) == text


def test_the_public_credit_export_neutralises_an_agency_named_like_a_formula(client):
    agency(name=EVIL)
    body = _body(client.get("/credit/?format=csv"))
    assert '"\'=HYPERLINK(""http://x"",""点我"")"' in body
    assert '\n"=HYPERLINK' not in body and ",=HYPERLINK" not in body


def test_the_regulators_export_neutralises_an_agency_named_like_a_formula(client):
    agency(name=EVIL, gov_tie_declared=True, gov_tie_department="@某县发改局",
           gov_tie_details="-退休干部任顾问")
    client.force_login(regulator_user())
    body = _body(client.get("/regulator/ties/?format=csv"))
    assert '"\'=HYPERLINK(""http://x"",""点我"")"' in body
    assert "'@某县发改局" in body and "'-退休干部任顾问" in body
