"""Make valid unified social credit codes (for demo data, benchmarks and tests) with
``stdnum.cn.uscc``'s check digit. Validation itself is ``agencies.services.registry.uscc_clean``."""
from stdnum.cn import uscc


def make_uscc(n: int, region: str = "420100", kind: str = "91") -> str:
    """A valid 18-character code: registration kind, region code, 9-char org code, check digit."""
    body = f"{kind}{region}{n:09d}"[:17]
    return body + uscc.calc_check_digit(body)
