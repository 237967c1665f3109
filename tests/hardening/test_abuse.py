"""Abuse (issue 8): CSV formula injection; sign-in and token throttling."""
import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.utils import timezone
from rest_framework.test import APIClient

from core.access import csv_cell
from tests.factories.agencies import agency
from tests.factories.core import PASSWORD, purchaser_user, regulator_user

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


# --- sign-in throttling (django-axes, core/throttle.py) -----------------------------------------

def _wrong_passwords(client, username: str, times: int) -> list[int]:
    return [client.post("/accounts/login/", {"username": username, "password": "wrong"},
                        HTTP_ACCEPT_LANGUAGE="en").status_code for _ in range(times)]


def _token(api, username: str, password: str):
    return api.post("/api/v1/auth/token/", {"username": username, "password": password},
                    format="json", HTTP_ACCEPT_LANGUAGE="en")


def _end_the_cool_off(settings):
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - dt.timedelta(seconds=1))


def test_the_sign_in_page_locks_a_user_name_out_after_the_limit_even_with_the_right_password(
        client, settings):
    user = purchaser_user()
    limit = settings.AXES_FAILURE_LIMIT
    assert limit == 5
    assert _wrong_passwords(client, user.username, limit - 1) == [200] * (limit - 1)
    locked = client.post("/accounts/login/", {"username": user.username, "password": "wrong"},
                         HTTP_ACCEPT_LANGUAGE="en")
    assert locked.status_code == 429
    right = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD},
                        HTTP_ACCEPT_LANGUAGE="en")
    assert right.status_code == 429
    page = right.content.decode()
    assert "Too many failed sign-in attempts. Try again in 15 minutes." in page
    assert 'name="username"' in page  # the form, with its error, not a bare text page
    assert int(right["Retry-After"]) > 14 * 60
    assert "_auth_user_id" not in client.session


def test_the_lock_out_ends_after_the_cool_off(client, settings):
    user = purchaser_user()
    _wrong_passwords(client, user.username, settings.AXES_FAILURE_LIMIT)
    _end_the_cool_off(settings)
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_the_token_endpoint_answers_429_with_detail_and_retry_after(settings):
    user = purchaser_user()
    api = APIClient()
    statuses = [_token(api, user.username, "wrong").status_code
                for _ in range(settings.AXES_FAILURE_LIMIT)]
    assert statuses[:-1] == [400] * (settings.AXES_FAILURE_LIMIT - 1) and statuses[-1] == 429
    response = _token(api, user.username, PASSWORD)
    assert response.status_code == 429
    body = response.json()
    assert body["code"] == "locked_out" and "token" not in body
    assert body["detail"] == "Too many failed sign-in attempts. Try again in 15 minutes."
    assert 14 * 60 < body["retry_after"] <= 15 * 60
    assert response["Retry-After"] == str(body["retry_after"])
    _end_the_cool_off(settings)
    assert "token" in _token(api, user.username, PASSWORD).json()


def test_failures_on_the_page_lock_the_api_too_and_the_message_is_chinese_by_default(
        client, settings):
    user = purchaser_user()
    _wrong_passwords(client, user.username, settings.AXES_FAILURE_LIMIT)
    response = APIClient().post("/api/v1/auth/token/",
                                {"username": user.username, "password": PASSWORD}, format="json")
    assert response.status_code == 429
    assert "登录失败次数过多" in response.json()["detail"]


def test_a_successful_sign_in_resets_the_count(client, settings):
    user = purchaser_user()
    _wrong_passwords(client, user.username, settings.AXES_FAILURE_LIMIT - 1)
    assert client.post("/accounts/login/", {"username": user.username,
                                            "password": PASSWORD}).status_code == 302
    client.logout()
    assert _wrong_passwords(client, user.username, settings.AXES_FAILURE_LIMIT - 1) == \
        [200] * (settings.AXES_FAILURE_LIMIT - 1)
