"""Bad input never yields a 500: every refusal is 4xx JSON with a readable ``detail`` (and field
errors where a field is wrong), and nothing is written."""
import itertools
import json

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from agencies.models import Agency
from tests.api.conftest import registration_payload
from tests.factories.agencies import agency

pytestmark = pytest.mark.django_db

LIST = "/api/v1/agencies/"
FIELDS = list(registration_payload(0))
HUGE = 10**30


def assert_readable_refusal(response, *, field: str | None = None):
    assert 400 <= response.status_code < 500, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert isinstance(body["detail"], str) and body["detail"].strip()
    if field is not None:
        assert field in body["errors"], body


def with_(**overrides):
    return registration_payload(99, **overrides)


BAD_REGISTRATIONS = [
    ("name", with_(name={"zh": "公司"})),
    ("name", with_(name="")),
    ("name", with_(name="公" * 5000)),
    ("name", with_(name="带\x00空字符")),
    ("uscc", with_(uscc=12345)),
    ("uscc", with_(uscc=["91420100MA4K12345X"])),
    ("uscc", with_(uscc="91420100MA4K12345X")),
    ("uscc", with_(uscc="9" * 5000)),
    ("nature", with_(nature="alien")),
    ("nature", with_(nature=["enterprise"])),
    ("region", with_(region="999999")),
    ("region", with_(region=["420000"])),
    ("region", with_(region={"code": "420000"})),
    ("region", with_(region=None)),
    ("region", with_(region="4" * 500)),
    ("service_regions", with_(service_regions="420000")),
    ("service_regions", with_(service_regions=["999999"])),
    ("service_regions", with_(service_regions=[["420000"]])),
    ("service_regions", with_(service_regions=["420000"] * 500)),
    ("registered_capital", with_(registered_capital=-1)),
    ("registered_capital", with_(registered_capital=HUGE)),
    ("registered_capital", with_(registered_capital="1e400")),
    ("registered_capital", with_(registered_capital="abc")),
    ("registered_capital", with_(registered_capital=[1])),
    ("offers", with_(offers="水土保持")),
    ("offers", with_(offers={"item": 1})),
    ("offers", with_(offers=[{"item": 987654}])),
    ("offers", with_(offers=[{"item": HUGE}])),
    ("offers", with_(offers=[{"item": "abc"}])),
    ("offers", with_(offers=[{"item": -1}])),
    ("offers", with_(offers=[{"item": None}])),
    ("offers", with_(offers=[1, 2])),
    ("offers", with_(offers=[{"item": 1, "fee": -5}])),
    ("offers", with_(offers=[{"item": 1, "fee": HUGE}])),
    ("offers", with_(offers=[{"item": 1, "fee": "NaN"}])),
    ("offers", with_(offers=[{"item": 1, "fee": "Infinity"}])),
    ("offers", with_(offers=[{"item": 1, "committed_days": -3}])),
    ("offers", with_(offers=[{"item": 1, "committed_days": HUGE}])),
    ("offers", with_(offers=[{"item": 1, "committed_days": 1.5}])),
    ("offers", with_(offers=[{"item": 1, "discount": 1}])),
    ("qualifications", with_(qualifications="测绘资质")),
    ("qualifications", with_(qualifications=[{"name": ""}])),
    ("qualifications", with_(qualifications=[{"name": "测绘", "valid_until": "2030-13-45"}])),
    ("qualifications", with_(qualifications=[{"name": "测绘", "valid_until": "99999-01-01"}])),
    ("qualifications", with_(qualifications=[{"name": "测绘", "valid_until": 20301231}])),
    ("practitioners", with_(practitioners={"name": "孙八"})),
    ("practitioners", with_(practitioners=[{"name": None}])),
    ("integrity_accepted", with_(integrity_accepted=False)),
    ("integrity_accepted", with_(integrity_accepted=[])),
    ("integrity_accepted", with_(integrity_accepted={})),
    ("integrity_accepted", with_(integrity_accepted="maybe")),
    ("gov_tie_department", with_(gov_tie_declared=True, gov_tie_department="")),
    ("gov_tie_declared", with_(gov_tie_declared=[True])),
    ("contact_email", with_(contact_email="not-an-email")),
    ("website", with_(website="javascript:alert(1)")),
    ("username", with_(username="has space/slash")),
    ("username", with_(username="u" * 151)),
    ("username", with_(username="")),
    ("username", with_(username="\ufdfa" * 100)),  # NFKC expands each to 18 characters
    ("password", with_(password="123")),
    ("password", with_(password=["Zhongjie#2026"])),
    ("credit_stars", with_(credit_stars=5)),
    ("standing", with_(standing="good")),
    ("name", {k: v for k, v in with_().items() if k != "name"}),
]


@pytest.mark.parametrize(("field", "payload"), BAD_REGISTRATIONS,
                         ids=[f"{i}-{f}" for i, (f, _p) in enumerate(BAD_REGISTRATIONS)])
def test_bad_registration_payload_is_refused_with_4xx_json_and_writes_nothing(
        english, catalogue, field, payload):
    for offer in payload.get("offers") or []:
        if isinstance(offer, dict) and offer.get("item") == 1:
            offer["item"] = catalogue["eia"].pk
    response = english.post(LIST, payload, format="json")
    assert_readable_refusal(response, field=field)
    assert not Agency.objects.exists()


RAW_BODIES = [
    b'{"name": ',
    b"[1, 2, 3]",
    b'"just a string"',
    b"42",
    b"null",
    b"",
    b'{"name": NaN}',
    b'{"name": "\\ud800"}',
    b'{"\\udfff": 1}',
    b"[" * 100000 + b"]" * 100000,
    b"1" * 5000,
    b"\xff\xfe not utf-8",
]


@pytest.mark.parametrize("body", RAW_BODIES, ids=range(len(RAW_BODIES)))
def test_malformed_json_bodies_are_refused_with_4xx_json(english, body):
    response = english.generic("POST", LIST, body, content_type="application/json")
    assert_readable_refusal(response)
    assert not Agency.objects.exists()


def test_user_name_equal_after_unicode_normalisation_is_refused_as_taken(english):
    assert english.post(LIST, registration_payload(1, username="ab"),
                        format="json").status_code == 201
    response = english.post(LIST, registration_payload(2, username="\uff41b"), format="json")
    assert_readable_refusal(response, field="username")  # "ａb" is stored as "ab"
    assert Agency.objects.count() == 1


def test_unsupported_content_type_is_refused_with_415_json(english):
    response = english.generic("POST", LIST, b"name=x", content_type="text/plain")
    assert response.status_code == 415
    assert_readable_refusal(response)


@pytest.fixture
def own_agency(english):
    own = agency(name="原名公司")
    english.force_authenticate(own.organisation.members.get().user)
    return own


BAD_UPDATES = [
    ("name", {"name": ""}),
    ("name", {"name": 12.5e300}),
    ("name", {"name": ["a"]}),
    ("region", {"region": "999999"}),
    ("region", {"region": 420000.5}),
    ("service_regions", {"service_regions": "420000"}),
    ("service_regions", {"service_regions": {"a": 1}}),
    ("registered_capital", {"registered_capital": -0.01}),
    ("registered_capital", {"registered_capital": HUGE}),
    ("nature", {"nature": None}),
    ("uscc", {"uscc": "91420100MA4K12345X"}),
    ("credit_score", {"credit_score": 100}),
    ("gov_tie_department", {"gov_tie_declared": True, "gov_tie_department": ""}),
    ("contact_email", {"contact_email": "@@"}),
]


@pytest.mark.parametrize(("field", "payload"), BAD_UPDATES,
                         ids=[f"{i}-{f}" for i, (f, _p) in enumerate(BAD_UPDATES)])
def test_bad_update_payload_is_refused_and_the_profile_is_unchanged(english, own_agency, field,
                                                                    payload):
    response = english.patch(f"{LIST}{own_agency.pk}/", payload, format="json")
    assert_readable_refusal(response, field=field)
    own_agency.refresh_from_db()
    assert own_agency.name == "原名公司" and own_agency.gov_tie_declared is False


@pytest.mark.parametrize("body", RAW_BODIES, ids=range(len(RAW_BODIES)))
def test_malformed_update_bodies_are_refused(english, own_agency, body):
    response = english.generic("PATCH", f"{LIST}{own_agency.pk}/", body,
                               content_type="application/json")
    assert_readable_refusal(response)


BAD_QUERIES = [
    {"item": "abc"}, {"item": str(HUGE)}, {"item": "-1"}, {"category": str(HUGE)},
    {"category": "x" * 3000}, {"region": "abc"}, {"min_stars": "9"}, {"min_stars": "abc"},
    {"sort": "price; drop table"}, {"nature": "alien"}, {"page": "abc"}, {"page": str(HUGE)},
    {"page": "0"},
]


@pytest.mark.parametrize("params", BAD_QUERIES, ids=range(len(BAD_QUERIES)))
def test_bad_directory_query_parameters_are_refused_with_4xx_json(english, catalogue, params):
    assert_readable_refusal(english.get(LIST, params))


@pytest.mark.parametrize("params", [{"category": str(HUGE)}, {"fee_type": "x"},
                                    {"page": "abc"}, {"page_size": "abc"}])
def test_bad_service_item_query_parameters_never_500(english, catalogue, params):
    response = english.get("/api/v1/service-items/", params)
    assert response.status_code < 500
    if response.status_code >= 400:
        assert_readable_refusal(response)


def test_huge_ids_in_paths_are_json_404s(english, own_agency, catalogue):
    assert english.get(f"{LIST}{HUGE}/").status_code == 404
    assert english.patch(f"{LIST}{HUGE}/", {"name": "x"}, format="json").status_code == 404
    response = english.put(f"{LIST}{own_agency.pk}/offers/{HUGE}/", {"fee": 1}, format="json")
    assert_readable_refusal(response)
    assert english.get(f"/api/v1/service-items/{HUGE}/").status_code == 404


def test_bad_offer_bodies_are_refused(english, own_agency, catalogue):
    url = f"{LIST}{own_agency.pk}/offers/{catalogue['eia'].pk}/"
    for body in ({"fee": -1}, {"fee": "abc"}, {"fee": HUGE}, {"committed_days": -1},
                 {"committed_days": "soon"}, {"price": 1}, ["fee"], "fee"):
        assert_readable_refusal(english.put(url, body, format="json"))
    assert not own_agency.partner.stockrecords.exists()


def test_token_endpoint_refuses_bad_bodies_with_json(english):
    for body in (b"{", b"[]", b'{"username": ["a"], "password": 1}',
                 b'{"username": "\\ud800", "password": "x"}', b'{"username": "a"}'):
        response = english.generic("POST", "/api/v1/auth/token/", body,
                                   content_type="application/json")
        assert_readable_refusal(response)


# --- fuzzing ----------------------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(10**40), max_value=10**40)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=40)
    | st.sampled_from(["420000", "999999", "enterprise", "", "2030-01-01", "1e400", "-1"]),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.sampled_from(["item", "fee", "name", "committed_days", "x"]),
                      children, max_size=4),
    max_leaves=12,
)
offers = st.lists(st.fixed_dictionaries({}, optional={
    "item": st.integers(min_value=-5, max_value=10**20) | json_values,
    "fee": st.decimals(allow_nan=False, allow_infinity=False).map(str) | json_values,
    "committed_days": st.integers() | json_values,
    "commitment": st.text(max_size=20)}), max_size=3)
overrides = st.dictionaries(st.sampled_from([*FIELDS, "credit_stars", "junk"]),
                            json_values, max_size=4)
FUZZ = settings(max_examples=120, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])
_numbers = itertools.count(1000)


@FUZZ
@given(changes=overrides, offer_list=offers, drop=st.sets(st.sampled_from(FIELDS), max_size=3))
def test_fuzzed_registrations_never_yield_a_server_error(api, catalogue, changes, offer_list,
                                                         drop):
    payload = registration_payload(next(_numbers), offers=offer_list)
    payload.update(changes)
    for name in drop:
        payload.pop(name, None)
    response = api.generic("POST", LIST, json.dumps(payload), content_type="application/json")
    event(f"status {response.status_code}")
    assert response.status_code < 500, (payload, response.content[:300])
    if response.status_code >= 400:
        assert response.json()["detail"]


@FUZZ
@given(changes=overrides)
def test_fuzzed_updates_never_yield_a_server_error(api, changes):
    own = Agency.objects.first() or agency()
    api.force_authenticate(own.organisation.members.get().user)
    response = api.generic("PATCH", f"{LIST}{own.pk}/", json.dumps(changes),
                           content_type="application/json")
    assert response.status_code < 500, (changes, response.content[:300])
    if response.status_code >= 400:
        assert response.json()["detail"]


@FUZZ
@given(params=st.dictionaries(
    st.sampled_from(["item", "category", "region", "qualification", "q", "min_stars", "sort",
                     "nature", "page", "page_size"]),
    st.text(max_size=30) | st.integers(min_value=-(10**25), max_value=10**25).map(str),
    max_size=4))
def test_fuzzed_directory_queries_never_yield_a_server_error(api, params):
    response = api.get(LIST, params)
    assert response.status_code < 500, (params, response.content[:300])


TEXT_FIELDS = ["name", "legal_representative", "address", "contact_name", "contact_phone",
               "description", "gov_tie_department", "gov_tie_details", "username"]
well_typed = st.fixed_dictionaries({}, optional={
    **{name: st.text(max_size=80) for name in TEXT_FIELDS},
    "registered_capital": st.decimals(min_value=-10, max_value=10**13, places=2,
                                      allow_nan=False).map(str),
    "gov_tie_declared": st.booleans(),
    "service_regions": st.lists(st.sampled_from(["420000", "110000", "440000"]), max_size=3),
    "website": st.sampled_from(["", "https://example.cn", "http://例子.中国/关于"]),
})


@FUZZ
@given(changes=well_typed, fees=st.lists(
    st.tuples(st.sampled_from(["eia", "swc", "map"]),
              st.decimals(min_value=0, max_value=10**10 - 1, places=2, allow_nan=False),
              st.integers(min_value=0, max_value=3650)), max_size=3, unique_by=lambda t: t[0]))
def test_fuzzed_well_typed_registrations_are_created_or_refused_readably(api, catalogue,
                                                                        changes, fees):
    n = next(_numbers)
    payload = registration_payload(n, offers=[
        {"item": catalogue[key].pk, "fee": str(fee), "committed_days": days}
        for key, fee, days in fees])
    payload.update(changes)
    response = api.generic("POST", LIST, json.dumps(payload), content_type="application/json")
    event(f"status {response.status_code}")
    assert response.status_code in (201, 400), (payload, response.content[:300])
    if response.status_code == 201:
        created = Agency.objects.get(uscc=payload["uscc"])
        assert created.partner.stockrecords.count() == len(fees)
    else:
        assert response.json()["detail"]
        assert not Agency.objects.filter(uscc=payload["uscc"]).exists()
