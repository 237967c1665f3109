"""Unified social credit codes (统一社会信用代码, GB 32100-2015): the one check every registration
uses (agencies and purchasers), and ``make_uscc`` for demo data, benchmarks and tests.

A code is 18 characters: the registration authority (1), the category the authority may
register (1), the administrative-division code of a real region (6, GB/T 2260), the
organisation code (9: 8 characters and their own GB 11714 check character) and the code's
check character (1). ``stdnum.cn.uscc`` checks the length, the alphabet and the last check
character; ``uscc_validate`` adds the three parts a checksum does not see, so eighteen zeros
or a region that does not exist are refused with a message saying which part is wrong.
"""
from __future__ import annotations

from django.utils.translation import gettext as _
from stdnum import numdb
from stdnum.cn import uscc as stdnum_uscc

from core.errors import ValidationFailed

# GB 32100-2015, table 1: each registration authority and the categories it registers.
AUTHORITY_CATEGORIES = {
    "1": "1239",  # 机构编制: 机关, 事业单位, 中央编办管理的群众团体, 其他
    "2": "19",  # 外交: 外国常驻新闻机构, 其他
    "3": "1234569",  # 司法行政: 律师事务所, 公证处, 基层法律服务所, 司法鉴定机构, 仲裁委员会, 其他
    "4": "19",  # 文化: 外国在华文化中心, 其他
    "5": "1239",  # 民政: 社会团体, 民办非企业单位, 基金会, 其他
    "6": "129",  # 旅游: 外国及港澳台旅游部门常驻代表机构, 其他
    "7": "129",  # 宗教: 宗教活动场所, 宗教院校, 其他
    "8": "19",  # 工会: 基层工会, 其他
    "9": "123",  # 工商: 企业, 个体工商户, 农民专业合作社
    "A": "19",  # 中央军委改革和编制办公室: 军队事业单位, 其他
    "N": "1239",  # 农业: 组级, 村级, 乡镇级集体经济组织, 其他
    "Y": "1",  # 其他
}

# GB 11714-1997: the organisation code's weights and its check character's alphabet.
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def org_code_check_char(base: str) -> str:
    """The GB 11714 check character of an 8-character organisation code base."""
    total = sum(_ORG_ALPHABET.index(c) * w for c, w in zip(base, _ORG_WEIGHTS))
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))


def is_real_region(code: str) -> bool:
    """``code`` (6 digits) is an administrative division listed by python-stdnum's county-level
    data (GB/T 2260, past divisions included: an older licence keeps its code)."""
    if len(code) != 6 or not code.isdigit():
        return False
    parts = numdb.get("cn/loc").info(code)
    return len(parts) == 2 and all(props for _part, props in parts)


def uscc_validate(code) -> str:
    """The code, compacted, if it is a valid unified social credit code; otherwise
    ``ValidationFailed`` (field ``uscc``) saying what is wrong with it."""
    raw = code.strip() if isinstance(code, str) else ""
    if not raw:
        raise ValidationFailed(_("Enter the unified social credit code."), field="uscc")
    try:
        number = stdnum_uscc.validate(raw)
    except stdnum_uscc.InvalidLength:
        message = _("The unified social credit code must have 18 characters.")
    except stdnum_uscc.InvalidChecksum:
        message = _("The unified social credit code's check character is wrong; "
                    "please check the code on the business licence.")
    except stdnum_uscc.ValidationError:
        message = _("This is not a valid unified social credit code (18 digits and capital "
                    "letters, as printed on the business licence).")
    else:
        message = _structure_problem(number)
        if not message:
            return number
    raise ValidationFailed(message, field="uscc")


def _structure_problem(number: str) -> str:
    authority, category, region, org = number[0], number[1], number[2:8], number[8:17]
    if authority not in AUTHORITY_CATEGORIES:
        return _("The unified social credit code's first character is not a registration "
                 "authority (1–9, A, N or Y).")
    if category not in AUTHORITY_CATEGORIES[authority]:
        return _("The unified social credit code's second character is not a category its "
                 "registration authority registers.")
    if not is_real_region(region):
        return _("Characters 3 to 8 of the unified social credit code are not the code of a "
                 "real administrative region.")
    if not all(c in _ORG_ALPHABET for c in org[:8]) or org[8] != org_code_check_char(org[:8]):
        return _("The organisation code in the unified social credit code (characters 9 to "
                 "17) has a wrong check character.")
    return ""


def make_uscc(n: int, region: str = "420100", kind: str = "91") -> str:
    """A valid 18-character code: authority and category (``kind``), region code, the
    organisation code (``n`` as 8 digits and its GB 11714 check character), check character."""
    base = f"{n % 10**8:08d}"
    body = f"{kind}{region}{base}{org_code_check_char(base)}"
    return body + stdnum_uscc.calc_check_digit(body)
