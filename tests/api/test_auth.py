"""Token and session authentication of the API."""
import pytest
from django.utils.crypto import get_random_string
from rest_framework.test import APIClient

from agencies.models import Agency
from tests.factories.agencies import agency
from tests.factories.core import PASSWORD

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"


def test_token_is_issued_for_a_valid_user_name_and_password(api):
    own = agency(username="token-agency")
    response = api.post(TOKEN, {"username": "token-agency", "password": PASSWORD},
                        format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    changed = api.patch(f"/api/v1/agencies/{own.pk}/", {"description": "令牌登录修改"},
                        format="json")
    assert changed.status_code == 200, changed.content
    assert Agency.objects.get(pk=own.pk).description == "令牌登录修改"


def test_wrong_password_is_refused_with_a_readable_message_in_english(english):
    agency(username="token-agency2")
    response = english.post(TOKEN, {"username": "token-agency2", "password": "wrong"},
                            format="json")
    assert response.status_code == 400
    assert response.json()["detail"] == "Unable to sign in with this user name and password."


def test_token_request_without_password_names_the_missing_field(english):
    response = english.post(TOKEN, {"username": "x"}, format="json")
    assert response.status_code == 400
    assert "password" in response.json()["errors"]
    assert response.json()["detail"].startswith("password:")


def test_invalid_token_is_refused_with_401_json(api):
    own = agency()
    api.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = api.patch(f"/api/v1/agencies/{own.pk}/", {"description": "x"}, format="json")
    assert response.status_code == 401 and response.json()["detail"]


def test_session_authentication_works_and_enforces_csrf():
    own = agency(username="session-agency")
    client = APIClient(enforce_csrf_checks=True)
    assert client.login(username="session-agency", password=PASSWORD)
    without_csrf = client.patch(f"/api/v1/agencies/{own.pk}/", {"description": "会话"},
                                format="json")
    assert without_csrf.status_code == 403 and "CSRF" in without_csrf.json()["detail"]
    csrf = get_random_string(32)  # what a browser holds in its csrftoken cookie
    client.cookies["csrftoken"] = csrf
    response = client.patch(f"/api/v1/agencies/{own.pk}/", {"description": "会话"},
                            format="json", HTTP_X_CSRFTOKEN=csrf)
    assert response.status_code == 200, response.content
    assert Agency.objects.get(pk=own.pk).description == "会话"


def test_anonymous_update_is_refused_with_401(api):
    own = agency()
    response = api.patch(f"/api/v1/agencies/{own.pk}/", {"description": "匿名"}, format="json")
    assert response.status_code == 401
    assert Agency.objects.get(pk=own.pk).description == ""
