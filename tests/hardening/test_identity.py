"""Unified social credit codes (GB 32100, issue 8): beyond the check character, the
registration authority and its category, the region and the organisation code's own check
character (GB 11714) are checked."""
import pytest
from stdnum.cn import uscc as stdnum_uscc

from agencies.models import Agency
from core.errors import ValidationFailed
from core.services.accounts import purchaser_register
from core.uscc import make_uscc, org_code_check_char, uscc_validate
from tests.api.conftest import registration_payload
from tests.factories.agencies import agency

# Published codes of well-known companies (business licences in the public record).
REAL = ["91110000600037341L", "914403001922038216", "9144030071526726XG",
        "91330100799655058B", "91110108551385082Q"]


def _with_check(body17: str) -> str:
    return body17 + stdnum_uscc.calc_check_digit(body17)


@pytest.mark.parametrize("code", REAL)
def test_real_codes_are_accepted(code):
    assert uscc_validate(code) == code


@pytest.mark.parametrize("n, region, kind", [(1, "420100", "91"), (99999999, "110105", "12"),
                                             (31000000, "650100", "52"), (7, "420000", "93")])
def test_make_uscc_makes_codes_the_full_check_accepts(n, region, kind):
    code = make_uscc(n, region=region, kind=kind)
    assert uscc_validate(code) == code
    assert code[16] == org_code_check_char(code[8:16])


@pytest.mark.parametrize("code, words", [
    ("0" * 18, "registration authority"),
    (_with_check("01420100" + "000000019"), "registration authority"),
    (_with_check("95420100" + "000000019"), "category"),
    (_with_check("91000000" + "000000019"), "real administrative region"),
    (_with_check("91999999" + "000000019"), "real administrative region"),
    (_with_check("91429999" + "000000019"), "real administrative region"),
    (_with_check("91420100" + "000000010"), "organisation code"),
    (_with_check("91110000" + "600037349"), "organisation code"),
])
def test_checksum_valid_nonsense_is_refused_with_a_clear_message(code, words):
    assert stdnum_uscc.is_valid(code)  # the check character alone lets it through
    with pytest.raises(ValidationFailed) as exc:
        uscc_validate(code)
    assert words in exc.value.message and exc.value.fields == {"uscc": [exc.value.message]}


@pytest.mark.django_db
def test_registering_an_agency_with_eighteen_zeros_is_refused():
    with pytest.raises(ValidationFailed, match="registration authority"):
        agency(uscc="0" * 18)
    assert not Agency.objects.exists()


@pytest.mark.django_db
def test_the_api_refuses_a_region_that_is_no_region_on_the_code_field(client):
    payload = registration_payload(1, uscc=_with_check("91999999000000019"))
    response = client.post("/api/v1/agencies/", payload, content_type="application/json",
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "real administrative region" in response.json()["errors"]["uscc"][0]


@pytest.mark.django_db
def test_purchaser_sign_up_uses_the_same_check(client):
    with pytest.raises(ValidationFailed, match="registration authority"):
        purchaser_register(username="buyer0", password="Zhongjie#2026", name="某公司",
                           uscc="0" * 18, region=None, contact_name="王", contact_phone="1")
    user = purchaser_register(username="buyer1", password="Zhongjie#2026", name="华为",
                              uscc=REAL[1], region=None, contact_name="王", contact_phone="1")
    assert user.member.organisation.uscc == REAL[1]
