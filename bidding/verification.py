"""The award record hash and its public verification code (R12, docs/design.md).

``record_hash`` is the sha256 of a canonical JSON of the award's essential fields plus the hash
of its ``award.made`` audit event; the verification code is 12 base32 characters of it. Changing
the price or the agency in the database therefore changes the recomputed hash and the
verification (``bidding.selectors.awards.award_verify``) reports the award as altered.

Pure functions of the award row: no queries beyond its project and agency, no writes, so both
the service that makes an award and the selector that verifies one use them.
"""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json

from bidding.models import Award
from core.money import format_money


def award_canonical(award: Award) -> str:
    """The canonical JSON of the award's essential fields (what the record hash covers)."""
    return json.dumps(
        {
            "project": award.project_id,
            "investment_code": award.project.investment_code,
            "agency_uscc": award.agency.uscc,
            "price": format_money(award.price),
            "method": award.method,
            "decided_at": award.decided_at.astimezone(dt.timezone.utc).isoformat(),
            "rank": award.rank,
        },
        sort_keys=True, ensure_ascii=False, separators=(",", ":"),
    )


def award_record_hash(award: Award, event_hash: str) -> str:
    return hashlib.sha256((award_canonical(award) + event_hash).encode("utf-8")).hexdigest()


def code_from_hash(record_hash: str) -> str:
    """12 base32 characters of the record hash, grouped ``XXXX-XXXX-XXXX``."""
    raw = base64.b32encode(bytes.fromhex(record_hash)).decode("ascii")[:12]
    return "-".join(raw[i:i + 4] for i in range(0, 12, 4))


def normalise_code(code: str) -> str:
    """Accept codes typed in lower case, with spaces or without dashes."""
    raw = "".join(ch for ch in (code or "").upper() if ch.isalnum())
    if len(raw) != 12:
        return (code or "").strip().upper()
    return "-".join(raw[i:i + 4] for i in range(0, 12, 4))
