"""Sanctions and credit grades as open data (docs/architecture.md, "Open data").

The sanctions follow the shape of the OCDS Sanctions extension
(``open-contracting-extensions/ocds_sanctions_extension``): each sanctioned agency is an OCDS
party (``id`` ``CN-USCI-<code>``, ``identifier`` in the ``CN-USCI`` scheme of
``opendata/schema/org-id-cn-usci.json``) whose ``details.sanctions`` lists its sanctions, each
with ``authority``, ``description`` and ``period`` as the extension defines them. Fields the
extension lacks are added beside them, camelCase as OCDS does: ``kind``
(warning / suspension / expulsion), ``status`` (proposed / active), ``trigger`` (the exit rule
that fired, docs/design.md R10), ``legalBasis`` (that rule in words, with the credit model's
version) and ``blacklistUntil``.

Only what the public pages already show (``/credit/sanctions/``, ``/credit/``) is published:
the agency, its code, the sanction and its public reason. Never who imposed it (a person), the
grounds of an appeal, nor a regulator's notes.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencies.models import Agency
from credit.models import Sanction
from credit.scoring import RULE_VERSION
from credit.selectors.ledger import sanctions_current

SANCTIONS_EXTENSION = ("https://raw.githubusercontent.com/open-contracting-extensions/"
                       "ocds_sanctions_extension/master/extension.json")

# The exit mechanism's rules (docs/design.md R10), one per trigger: the legal basis published.
_BASIS = {
    Sanction.Trigger.LOW_GRADE: gettext_lazy("Exit mechanism, low credit grade: a warning"),
    Sanction.Trigger.CONTRACT_REFUSAL: gettext_lazy("Exit mechanism, refusal to sign the contract or a "
                                       "missed signing deadline: a suspension"),
    Sanction.Trigger.ONE_STAR: gettext_lazy("Exit mechanism, one-star credit: a suspension"),
    Sanction.Trigger.FRAUD: gettext_lazy("Exit mechanism, fraud in registration: expulsion with a blacklist "
                            "period, confirmed by a regulator"),
    Sanction.Trigger.COMPLAINTS: gettext_lazy("Exit mechanism, three upheld quality complaints within a "
                                 "year: expulsion, confirmed by a regulator"),
    Sanction.Trigger.REGULATOR: gettext_lazy("Exit mechanism, decision of the regulator"),
}


def legal_basis(sanction: Sanction) -> str:
    """The rule a sanction applies, in words, with the credit model's version."""
    rule = _BASIS.get(sanction.trigger) or _("Exit mechanism")
    return _("%(rule)s (platform rules R10, credit model %(version)s)") % {
        "rule": rule, "version": RULE_VERSION}


def _iso(value: dt.datetime | None) -> str | None:
    return timezone.localtime(value).isoformat() if value else None


def party_id(uscc: str) -> str:
    return f"CN-USCI-{uscc}"


def sanction_entry(sanction: Sanction) -> dict:
    """One entry of ``details.sanctions`` (the extension's fields, then ours)."""
    return {
        "id": str(sanction.pk),
        "authority": {"name": settings.MARKETPLACE["PLATFORM_NAME"]},
        "description": sanction.reason,
        "period": {"startDate": _iso(sanction.starts_at), "endDate": _iso(sanction.ends_at)},
        "kind": sanction.kind,
        "status": sanction.status,
        "trigger": sanction.trigger,
        "legalBasis": legal_basis(sanction),
        "blacklistUntil": _iso(sanction.blacklist_until),
    }


def current_sanctions():
    """The sanctions published: proposed or in force (the public list's), agencies joined."""
    return sanctions_current().select_related("agency").order_by("agency_id", "-created", "-id")


def sanctions_document(*, now: dt.datetime | None = None) -> dict:
    """The current sanctions as one JSON document: the parties with their sanctions. One
    query, whatever the number of sanctions."""
    now = now or timezone.now()
    parties: dict[int, dict] = {}
    for s in current_sanctions():
        party = parties.get(s.agency_id)
        if party is None:
            agency = s.agency
            party = parties[s.agency_id] = {
                "id": party_id(agency.uscc), "name": agency.name,
                "identifier": {"scheme": "CN-USCI", "id": agency.uscc, "legalName": agency.name},
                "details": {"creditGrade": agency.credit_grade, "sanctions": []}}
        party["details"]["sanctions"].append(sanction_entry(s))
    return {
        "publishedDate": _iso(now),
        "publisher": {"name": settings.MARKETPLACE["PLATFORM_NAME"]},
        "license": settings.OPEN_DATA_LICENSE,
        "publicationPolicy": "/data/#policy",
        "extensions": [SANCTIONS_EXTENSION],
        "parties": list(parties.values()),
    }


def sanctions_header() -> list[str]:
    return [_("Agency"), _("Unified social credit code"), _("Sanction"), _("Status"),
            _("Reason"), _("Legal basis of the sanction"), _("Starts"), _("Ends"), _("Blacklisted until"),
            _("Credit grade")]


def sanctions_rows() -> Iterator[tuple]:
    for s in current_sanctions().iterator(chunk_size=2000):
        yield (s.agency.name, s.agency.uscc, s.kind, s.status, s.reason, legal_basis(s),
               _iso(s.starts_at), _iso(s.ends_at), _iso(s.blacklist_until),
               s.agency.credit_grade)


def grades_header() -> list[str]:
    return [_("Agency"), _("Unified social credit code"), _("Credit grade"), _("Stars"),
            _("Score"), _("Standing"), _("Region code")]


def grades_rows() -> Iterator[tuple]:
    """Every registered agency's current grade, as on ``/credit/`` (score order)."""
    qs = (Agency.objects.select_related("region")
          .only("name", "uscc", "credit_grade", "credit_stars", "credit_score", "standing",
                "region__code")
          .order_by("-credit_score", "name", "id"))
    for a in qs.iterator(chunk_size=2000):
        yield (a.name, a.uscc, a.credit_grade, a.credit_stars, a.credit_score, a.standing,
               a.region.code if a.region_id else "")
