"""Portal sign-in through Django's test client against the real OIDC provider the tests start
(tests/oidc_provider/): every redirect is followed and every back-channel call (discovery,
token, JWKS, userinfo) is a real HTTP request to it."""
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.urls import reverse

from agencies.models import Agency
from core.errors import ValidationFailed
from core.identity import config
from core.identity.config import forget_metadata
from core.models import AuditEvent, ExternalIdentity, Member, Organisation
from core.uscc import make_uscc
from tests.factories.agencies import agency as make_agency
from tests.factories.core import PASSWORD as MARKETPLACE_PASSWORD
from tests.factories.core import purchaser_user
from tests.identity.conftest import PEOPLE

pytestmark = pytest.mark.django_db
User = get_user_model()
CALLBACK = "http://testserver/accounts/portal/callback/"


def at_portal(client, username: str, *, password: str | None = None) -> str:
    """Press the portal button, sign in at the provider as ``username``; the URL the provider
    sends the browser back to (the marketplace's callback with code and state)."""
    start = client.get(reverse("portal-start"))
    assert start.status_code == 302, start
    people = requests.Session()
    location = start["Location"]
    for _hop in range(10):
        response = people.get(location, allow_redirects=False)
        if response.status_code == 200 and "csrfmiddlewaretoken" in response.text:
            response = people.post(location, allow_redirects=False, data={
                "username": username, "password": password or PEOPLE[username]["password"],
                "csrfmiddlewaretoken": people.cookies["portal_csrf"]})
        assert response.status_code == 302, response.text
        location = urljoin(location, response.headers["Location"])
        if location.startswith(CALLBACK):
            return location
    raise AssertionError("the provider never sent the browser back")


def back(client, callback_url: str):
    parts = urlsplit(callback_url)
    return client.get(f"{parts.path}?{parts.query}")


def sign_in(client, username: str):
    return back(client, at_portal(client, username))


def signed_in_user(client):
    return User.objects.get(pk=client.session["_auth_user_id"]) \
        if "_auth_user_id" in client.session else None


def message_of(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def claims(username: str) -> dict:
    return PEOPLE[username]["claims"]


def assert_refused_on_login_page(response, *words):
    """Redirected to the sign-in page with a message (pages speak Chinese by default)."""
    assert response.status_code == 302 and response["Location"] == reverse("login")
    text = message_of(response)
    for word in words:
        assert word in text, text


# -- OIDC off: nothing changes ---------------------------------------------------------------
def test_without_oidc_settings_the_login_page_has_no_portal_button_and_the_portal_pages_404(
        client):
    page = client.get(reverse("login")).content.decode()
    assert reverse("portal-start") not in page and "政务服务网" not in page
    assert client.get(reverse("portal-start")).status_code == 404
    assert client.get(reverse("portal-callback") + "?code=x&state=y").status_code == 404


def test_with_oidc_the_login_page_shows_the_portal_button_beside_the_password_form(
        client, portal):
    page = client.get(reverse("login")).content.decode()
    assert "政务服务网统一身份认证登录" in page and 'name="password"' in page


# -- legal persons of registered organisations ------------------------------------------------
def test_the_legal_person_of_a_registered_agency_signs_in_as_a_new_member_of_it(client, portal):
    agency = make_agency(uscc=claims("agency_legal")["uscc"])
    response = sign_in(client, "agency_legal")
    assert response.status_code == 302 and response["Location"] == reverse("account")
    user = signed_in_user(client)
    assert user.member.organisation == agency.organisation and not user.has_usable_password()
    assert user.first_name == "李法人"
    link = ExternalIdentity.objects.get(user=user)
    assert link.issuer == portal.issuer and link.kind == "legal_person"
    assert link.uscc == agency.uscc
    assert AuditEvent.objects.filter(action="member.joined_through_portal",
                                     object_id=str(agency.organisation_id)).count() == 1
    assert AuditEvent.objects.filter(action="identity.linked", object_id=str(link.pk)).exists()
    assert "楚天" not in message_of(response)  # no refusal on the way
    # the account page is the agency's
    assert f"/agencies/{agency.pk}/edit/" in client.get(reverse("account")).content.decode()

    # the next portal sign-in is the same account: no second member, no second link
    client.logout()
    assert sign_in(client, "agency_legal")["Location"] == reverse("account")
    assert signed_in_user(client) == user
    assert Member.objects.filter(organisation=agency.organisation).count() == 2
    assert ExternalIdentity.objects.count() == 1


def test_the_legal_person_of_a_registered_purchaser_signs_in_as_its_member(client, portal):
    buyer = purchaser_user(uscc=claims("buyer_legal")["uscc"])
    sign_in(client, "buyer_legal")
    assert signed_in_user(client).member.organisation == buyer.member.organisation


def test_a_code_registered_as_purchaser_and_agency_lets_the_person_choose(client, portal):
    code = claims("buyer_legal")["uscc"]
    buyer = purchaser_user(uscc=code)
    agency = make_agency(uscc=code)
    response = sign_in(client, "buyer_legal")
    assert response["Location"] == reverse("portal-choice")
    page = client.get(reverse("portal-choice")).content.decode()
    assert buyer.member.organisation.name in page and agency.name in page
    assert reverse("signup") not in page  # both kinds are registered already
    response = client.post(reverse("portal-choice"), {"organisation": agency.organisation_id})
    assert response["Location"] == reverse("account")
    assert signed_in_user(client).member.organisation == agency.organisation


# -- a legal person whose organisation is new -------------------------------------------------
def test_an_unknown_code_opens_the_purchaser_sign_up_with_the_code_locked(client, portal):
    code = claims("new_legal")["uscc"]
    response = sign_in(client, "new_legal")
    assert response["Location"] == reverse("portal-choice")
    assert signed_in_user(client) is None and not User.objects.exists()
    choice = client.get(reverse("portal-choice")).content.decode()
    assert code in choice and reverse("signup") in choice and "/agencies/register/" in choice

    form = client.get(reverse("signup")).content.decode()
    assert f'value="{code}"' in form and "荆楚安全评价有限公司" in form
    assert form.count("disabled") >= 2
    # a different code (and name) posted is ignored: the server reads the verified claims
    response = client.post(reverse("signup"), {
        "name": "别的名字有限公司", "uscc": make_uscc(990099), "region": "",
        "contact_name": "赵经理", "contact_phone": "027-88886666", "email": "",
        "username": "jingchu", "password": MARKETPLACE_PASSWORD,
        "password2": MARKETPLACE_PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("account")
    org = Organisation.objects.get(kind="purchaser")
    assert org.uscc == code and org.name == "荆楚安全评价有限公司"
    user = signed_in_user(client)
    assert user.username == "jingchu" and user.member.organisation == org
    assert ExternalIdentity.objects.get(user=user).uscc == code
    assert not Organisation.objects.filter(uscc=make_uscc(990099)).exists()

    # signed out, the portal button alone signs the same account in
    client.logout()
    sign_in(client, "new_legal")
    assert signed_in_user(client) == user


def test_an_unknown_code_registers_an_agency_with_the_code_locked(client, portal,
                                                                  service_product_class):
    from core.models import Region

    region = Region.objects.get(code="420000")
    code = claims("new_legal")["uscc"]
    sign_in(client, "new_legal")
    page = client.get("/agencies/register/").content.decode()
    assert f'value="{code}"' in page
    response = client.post("/agencies/register/", {
        "username": "jingchu_pj", "password": "Jingchu#2026", "password2": "Jingchu#2026",
        "uscc": make_uscc(990098), "name": "荆楚安全评价有限公司", "nature": "enterprise",
        "legal_representative": "赵法人", "address": "武汉市洪山区", "region": region.code,
        "contact_name": "赵工", "contact_phone": "027-88881234", "integrity_accepted": "on",
        **{f"{prefix}-{k}": v for prefix in ("offers", "quals", "people")
           for k, v in (("TOTAL_FORMS", "0"), ("INITIAL_FORMS", "0"))}})
    assert response.status_code == 302, response.content.decode()[:3000]
    agency = Agency.objects.get()
    assert agency.uscc == code and response["Location"] == agency.get_absolute_url()
    assert ExternalIdentity.objects.get().user == signed_in_user(client)
    assert signed_in_user(client).member.organisation == agency.organisation


def test_the_sign_up_without_a_portal_sign_in_leaves_the_code_free(client):
    page = client.get(reverse("signup")).content.decode()
    assert "disabled" not in page.split('name="uscc"')[1].split(">")[0]


# -- refusals: each ends on the login page, nothing created -----------------------------------
def test_an_invalid_credit_code_from_the_portal_is_refused_with_a_message(client, portal):
    response = sign_in(client, "bad_code")
    assert_refused_on_login_page(response, "不是有效的统一社会信用代码")
    assert not User.objects.exists() and not ExternalIdentity.objects.exists()
    assert "政务服务网" in client.get(reverse("login")).content.decode()


@pytest.mark.parametrize("username", ["no_code", "no_kind"])
def test_missing_claims_are_refused_with_a_message(client, portal, username):
    response = sign_in(client, username)
    assert_refused_on_login_page(response, "缺少必要声明")
    assert not User.objects.exists() and signed_in_user(client) is None


def test_a_natural_person_links_the_portal_identity_by_signing_in_with_the_password_once(
        client, portal):
    user = purchaser_user()
    response = sign_in(client, "citizen")
    assert_refused_on_login_page(response, "尚未绑定")
    assert signed_in_user(client) is None and not ExternalIdentity.objects.exists()
    assert "张三" in client.get(reverse("login")).content.decode()
    assert 'name="link_portal"' in client.get(reverse("login")).content.decode()
    response = client.post(reverse("login"), {"username": user.username, "link_portal": "1",
                                              "password": MARKETPLACE_PASSWORD})
    assert response.status_code == 302
    link = ExternalIdentity.objects.get()
    assert link.user == user and link.kind == "natural_person" and link.uscc == ""
    client.logout()
    assert sign_in(client, "citizen")["Location"] == reverse("account")
    assert signed_in_user(client) == user


def test_a_wrong_password_does_not_link_and_the_identity_waits(client, portal):
    user = purchaser_user()
    sign_in(client, "citizen")
    client.post(reverse("login"), {"username": user.username, "password": "wrong",
                                   "link_portal": "1"})
    assert not ExternalIdentity.objects.exists()
    assert 'name="link_portal"' in client.get(reverse("login")).content.decode()


def test_someone_else_signing_in_on_the_same_browser_unticks_the_link(client, portal):
    user = purchaser_user()
    sign_in(client, "citizen")
    response = client.post(reverse("login"), {"username": user.username,
                                              "password": MARKETPLACE_PASSWORD})
    assert response.status_code == 302 and signed_in_user(client) == user
    assert not ExternalIdentity.objects.exists()
    assert "portal_identity" not in client.session  # the pending identity is gone


def test_the_portal_refusing_the_sign_in_ends_on_the_login_page(client, portal):
    start = client.get(reverse("portal-start"))
    state = parse_qs(urlsplit(start["Location"]).query)["state"][0]
    response = client.get(reverse("portal-callback"), {"error": "access_denied",
                                                       "state": state})
    assert_refused_on_login_page(response, "未完成登录")
    assert state not in client.session.get("oidc_states", {})


def test_a_callback_with_a_foreign_state_is_refused(client, portal):
    callback = at_portal(client, "agency_legal")
    parts = urlsplit(callback)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    response = client.get(parts.path, {**query, "state": "forged-state"})
    assert_refused_on_login_page(response, "未能通过验证")
    # and a callback in a session that never started a sign-in
    client.cookies.clear()
    response = client.get(parts.path, query)
    assert_refused_on_login_page(response, "未能通过验证")
    assert not User.objects.exists()


def test_an_id_token_with_a_forged_signature_is_refused(client, portal, settings):
    make_agency(uscc=claims("agency_legal")["uscc"])
    settings.OIDC_ENDPOINTS = {**settings.OIDC_ENDPOINTS,
                               "jwks_uri": portal.url + "/forged/jwks.json"}
    response = sign_in(client, "agency_legal")
    assert_refused_on_login_page(response, "未能通过验证")
    assert signed_in_user(client) is None and not ExternalIdentity.objects.exists()
    assert Member.objects.count() == 1


def test_an_id_token_from_another_issuer_is_refused(client, portal, settings):
    """The platform expects another issuer (endpoints given explicitly, so nothing is
    discovered): the provider's tokens, signed correctly, name an issuer that is not it."""
    make_agency(uscc=claims("agency_legal")["uscc"])
    settings.OIDC_ENDPOINTS = {
        "authorization_endpoint": portal.issuer + "/authorize/",
        "token_endpoint": portal.issuer + "/token/",
        "userinfo_endpoint": portal.issuer + "/userinfo/",
        "jwks_uri": portal.issuer + "/.well-known/jwks.json"}
    settings.OIDC_ISSUER = portal.url + "/elsewhere"
    response = sign_in(client, "agency_legal")
    assert_refused_on_login_page(response, "未能通过验证")
    assert signed_in_user(client) is None and not ExternalIdentity.objects.exists()


def test_explicit_endpoints_work_without_discovery(client, portal, settings):
    agency = make_agency(uscc=claims("agency_legal")["uscc"])
    settings.OIDC_ENDPOINTS = {
        "authorization_endpoint": portal.issuer + "/authorize/",
        "token_endpoint": portal.issuer + "/token/",
        "userinfo_endpoint": portal.issuer + "/userinfo/",
        "jwks_uri": portal.issuer + "/.well-known/jwks.json"}
    sign_in(client, "agency_legal")
    assert signed_in_user(client).member.organisation == agency.organisation
    assert config._metadata == {}  # nothing was discovered


def test_the_token_endpoint_refusing_the_platform_ends_with_a_clear_message(client, portal,
                                                                           settings):
    callback = at_portal(client, "agency_legal")
    settings.OIDC_RP_CLIENT_SECRET = "not-the-secret"
    response = back(client, callback)
    assert_refused_on_login_page(response, "暂时无法连接政务服务网")
    assert signed_in_user(client) is None


def test_a_portal_that_does_not_answer_sends_back_to_the_password_form(client, settings):
    settings.OIDC_ISSUER = "http://127.0.0.1:9/o"  # discard port: nobody listens
    settings.OIDC_RP_CLIENT_ID = "marketplace"
    settings.OIDC_TIMEOUT = 2
    forget_metadata()
    response = client.get(reverse("portal-start"))
    assert_refused_on_login_page(response, "暂时无法连接政务服务网")
    forget_metadata()


def test_a_password_sign_in_never_reaches_the_portal(client, portal, settings):
    settings.OIDC_ISSUER = "http://127.0.0.1:9/o"
    forget_metadata()
    user = purchaser_user()
    response = client.post(reverse("login") + "?code=x&state=y",
                           {"username": user.username, "password": MARKETPLACE_PASSWORD})
    assert response.status_code == 302 and signed_in_user(client) == user


def test_the_portal_pages_speak_chinese(client, portal):
    from tests.marketplace.test_translations import _check_chinese

    _check_chinese(client, reverse("login"))
    sign_in(client, "new_legal")
    for url in (reverse("portal-choice"), reverse("signup"), "/agencies/register/"):
        _check_chinese(client, url)
    sign_in(client, "citizen")  # the login page with the pending identity and its box
    _check_chinese(client, reverse("login"))


def test_a_registration_service_refuses_a_code_other_than_the_portals():
    from core.identity.claims import PortalIdentity
    from core.services.accounts import purchaser_register

    identity = PortalIdentity(issuer="https://portal.example", subject="42",
                              kind="legal_person", uscc=make_uscc(880010))
    with pytest.raises(ValidationFailed) as refused:
        purchaser_register(username="other", password=MARKETPLACE_PASSWORD, name="某公司",
                           uscc=make_uscc(880011), region=None, contact_name="王",
                           contact_phone="027-1", identity=identity)
    assert "uscc" in refused.value.fields
    assert not User.objects.exists() and not ExternalIdentity.objects.exists()
