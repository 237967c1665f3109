"""Issue 12, the finish: numbers shown with a fixed number of decimals (core.money.format_decimal,
the ``decimal`` filter), every error of the new-project form on the first submission, and the
demo loader printing the address it is really served on."""
import datetime as dt
import re
import subprocess
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from bidding.models import Project
from core.money import format_decimal
from credit.models import CreditEvent
from tests.bidding.test_postings_views import _post_data
from tests.factories import bidding as bf
from tests.factories import credit as cf
from tests.factories.agencies import agency, service_item
from tests.factories.core import regulator_user


@pytest.mark.parametrize(("value", "places", "shown"), [
    (Decimal("84.0200000000000"), 2, "84.02"),
    (Decimal("80.0"), 2, "80.00"),
    (80.0, 2, "80.00"),
    ("74125.0000", 2, "74125.00"),
    (Decimal("-11.2300000000000"), 2, "-11.23"),
    (Decimal("0.5554"), 3, "0.555"),
    (3, 2, "3.00"),
    (None, 2, None),
    ("", 2, ""),
    ("n/a", 2, "n/a"),
    ("NaN", 2, "NaN"),
])
def test_format_decimal_gives_a_fixed_number_of_places(value, places, shown):
    assert format_decimal(value, places) == shown


def test_the_decimal_filter_formats_scores_and_leaves_empty_values_empty():
    page = Template("{% load core_tags %}[{{ a|decimal }}][{{ b|decimal:3 }}][{{ c|decimal }}]")
    assert page.render(Context({"a": Decimal("73.3800000000000"), "b": "0.5", "c": None})) == \
        "[73.38][0.500][]"


@pytest.mark.django_db
def test_the_risk_list_shows_every_score_with_two_decimals_on_the_page_and_in_the_csv(
        client, settings):
    settings.MARKETPLACE = {**settings.MARKETPLACE, "RISK_SCORE_DROP": 1}
    old = timezone.now() - dt.timedelta(days=120)
    falling = agency(name="下滑咨询有限公司")
    cf.event(falling, CreditEvent.Kind.DELIVERY_ON_TIME, occurred_at=old)
    cf.event(falling, CreditEvent.Kind.INSPECTION_FAIL, source="industry_department")
    client.force_login(regulator_user())
    page = client.get("/regulator/risks/").content.decode()
    table = re.search(r'<table class="data" id="risk-falling">.*?</table>', page, re.S).group(0)
    cells = re.findall(r'<td class="num">([^<]*)</td>', table)
    assert len(cells) == 3, table
    for cell in cells:
        assert re.fullmatch(r"−?\d+\.\d\d", cell), cells
    csv = client.get("/regulator/risks/?list=falling&format=csv")
    body = b"".join(csv.streaming_content).decode("utf-8-sig")
    row = next(line for line in body.splitlines() if "下滑咨询有限公司" in line)
    for number in row.split(",")[2:]:
        assert re.fullmatch(r"-?\d+\.\d\d", number.strip()), row


# --- every error of the new-project form at once ---------------------------------------------

def _errors(body: str) -> list[str]:
    return [" ".join(re.sub(r"<[^>]+>", " ", m).split())
            for m in re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', body, re.S)]


@pytest.mark.django_db
def test_the_new_project_form_reports_every_error_on_the_first_submission(client, settings):
    """A field the form refuses (a share over 100 %) and the posting rules (no ceiling, no step,
    no periods, a local-office requirement) show together; fixing the one field does not bring
    new reasons on the second submission."""
    settings.LANGUAGE_CODE = "en"
    client.force_login(bf.purchaser())
    item = service_item()
    bad = _post_data(item, fiscal_share="150", ceiling="", step="", signup_deadline="",
                     selection_at="", other_requirements="须在本地设有办公场所")
    first = client.post(reverse("bidding:project-new"), bad)
    assert first.status_code == 400
    assert not Project.objects.exists()
    body = first.content.decode()
    for reason in ("less than or equal to 100", "Give the ceiling", "Give a minimum bidding step",
                   "Give the sign-up deadline", "Give the selection time", "须在本地设有办公场所"):
        assert reason in body, (reason, _errors(body))

    second = client.post(reverse("bidding:project-new"), {**bad, "fiscal_share": "0"})
    assert second.status_code == 400
    before = {e for e in _errors(body) if "less than or equal to 100" not in e}
    assert set(_errors(second.content.decode())) <= before


@pytest.mark.django_db
def test_saving_a_draft_with_a_wrong_field_shows_only_the_fields_errors(client, settings):
    """The posting rules are for publication: a draft save only reports what the form refuses."""
    settings.LANGUAGE_CODE = "en"
    client.force_login(bf.purchaser())
    response = client.post(reverse("bidding:project-new"), _post_data(
        service_item(), fiscal_share="150", ceiling="", action="save"))
    body = response.content.decode()
    assert response.status_code == 400
    assert "less than or equal to 100" in body and "Give the ceiling" not in body


# --- the demo prints the address it is served on -----------------------------------------------

def test_make_run_passes_its_host_and_port_to_the_demo_loader():
    out = subprocess.run(["make", "-n", "demo", "PORT=8101", "HOST=127.0.0.1"],
                         cwd=django_settings.BASE_DIR, capture_output=True, text=True, check=True)
    line = next(x for x in out.stdout.splitlines() if "load_demo" in x)
    assert "--url http://127.0.0.1:8101/" in line
