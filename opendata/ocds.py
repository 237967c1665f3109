"""The OCDS 1.1 mapping of a project (docs/architecture.md, "Open data"): one release built from
the database state (``build_release``), the record of an ocid compiled from its releases with
ocdsmerge (``compile_record``), the release and record packages, and a streamed release package
for the bulk files (``iter_release_package_chunks``).

Each release is a compiled-state snapshot: it carries the whole public state of the process at
its date, so the record's compiled release is the newest release. What is confidential is left
out by the builder itself: tenderers while sign-ups are confidential (R4, docs/design.md), bids
and quotes until the selection has closed, and every person's name, phone or e-mail always."""
from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Iterator
from decimal import Decimal

import ocdsmerge
from django.conf import settings
from django.db.models import Prefetch, TextField
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone, translation

from bidding.models import Award, Bid, Project, SignUp
from opendata.models import Release
from opendata.validation import release_schema

BID_EXTENSION_URL = ("https://raw.githubusercontent.com/open-contracting-extensions/"
                     "ocds_bid_extension/v1.1.5/extension.json")
EXTENSIONS = [BID_EXTENSION_URL]
ITEM_SCHEME = "CN-ZJFW"
"""Our classification scheme for items: the platform's catalogue of intermediary services (中介
服务事项清单), an item's id being its catalogue id (docs/architecture.md, "Open data")."""
PARTY_SCHEME = "CN-USCI"
LOCAL_PARTY_SCHEME = "CN-ZJMP-ORG"
"""For an organisation without a unified social credit code: our organisation id."""

METHODS = {
    # our method → (procurementMethod, Chinese, English)
    Project.Method.LIVE_BIDDING: ("open", "网上竞价", "Live bidding"),
    Project.Method.RANDOM_DRAW: ("open", "随机抽取", "Random draw"),
    Project.Method.AVERAGE_PRICE: ("open", "平均价比选", "Average-price comparison"),
    Project.Method.COMPREHENSIVE: ("open", "综合评审", "Comprehensive evaluation"),
    Project.Method.DIRECT: ("direct", "直接选取", "Direct selection"),
}
TENDER_STATUS = {
    Project.Status.DRAFT: "planning",
    Project.Status.PUBLISHED: "active",
    Project.Status.SELECTING: "active",
    Project.Status.AWARDED: "complete",
    Project.Status.CLOSED: "complete",
    Project.Status.WITHDRAWN: "cancelled",
    Project.Status.FAILED: "unsuccessful",
}
AWARD_STATUS = {
    Award.Status.NOTICE: "pending",
    Award.Status.CONTRACTING: "active",
    Award.Status.IN_SERVICE: "active",
    Award.Status.DELIVERED: "active",
    Award.Status.ACCEPTED: "active",
    Award.Status.SUPERSEDED: "cancelled",
    Award.Status.WITHDRAWN: "cancelled",
}
CONTRACTED = (Award.Status.IN_SERVICE, Award.Status.DELIVERED, Award.Status.ACCEPTED)
BID_METHODS = (Project.Method.LIVE_BIDDING, Project.Method.AVERAGE_PRICE)
SELECTION_CLOSED = (Project.Status.AWARDED, Project.Status.CLOSED, Project.Status.FAILED)
STATUS_TAGS = {
    Project.Status.PUBLISHED: ["planning", "tender"],
    Project.Status.SELECTING: ["tender"],
    Project.Status.WITHDRAWN: ["tenderCancellation"],
    Project.Status.FAILED: ["tender"],
    Project.Status.AWARDED: ["tender", "award"],
    Project.Status.CLOSED: ["tender", "award"],
}


# --- the release -------------------------------------------------------------------------

@functools.cache
def _merger() -> ocdsmerge.Merger:
    schema = release_schema()
    schema.pop("id", None)  # its refs are all local: nothing resolved against the network
    return ocdsmerge.Merger(schema=schema)


def ocid_for(project_or_pk) -> str:
    pk = getattr(project_or_pk, "pk", project_or_pk)
    return f"{settings.OCDS_OCID_PREFIX}-{pk}"


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def money(amount) -> dict | None:
    if amount is None:
        return None
    return {"amount": float(Decimal(amount)), "currency": "CNY"}


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None


def _party_id(uscc: str, pk: int) -> tuple[str, dict]:
    if uscc:
        return f"{PARTY_SCHEME}-{uscc}", {"scheme": PARTY_SCHEME, "id": uscc}
    return f"{LOCAL_PARTY_SCHEME}-{pk}", {"scheme": LOCAL_PARTY_SCHEME, "id": str(pk)}


def project_for_release(pk: int) -> Project:
    """The project with everything a release reads, in a fixed number of queries."""
    return (Project.objects
            .select_related("purchaser", "purchaser__region", "item", "region")
            .prefetch_related(
                "qualifications", "documents",
                Prefetch("signups", queryset=SignUp.objects.filter(
                    status=SignUp.Status.ACTIVE).select_related("agency").order_by("pk"),
                    to_attr="active_signups"),
                Prefetch("awards", queryset=Award.objects.select_related("agency", "contract")
                         .prefetch_related("deliveries").order_by("decided_at", "pk")),
            )
            .get(pk=pk))


def _clean(value):
    """Drop empty values (None, "", [], {}): OCDS omits what is unknown."""
    if isinstance(value, dict):
        cleaned = {k: _clean(v) for k, v in value.items()}
        return {k: v for k, v in cleaned.items() if v not in (None, "", [], {})}
    if isinstance(value, list):
        return [c for c in (_clean(v) for v in value) if c not in (None, "", [], {})]
    return value


class _Parties:
    def __init__(self):
        self.rows: dict[str, dict] = {}

    def add(self, *, name: str, uscc: str, pk: int, role: str, region=None) -> dict:
        party_id, identifier = _party_id(uscc, pk)
        row = self.rows.setdefault(party_id, {
            "id": party_id, "name": name, "identifier": {**identifier, "legalName": name},
            "address": {"region": getattr(region, "name", ""), "countryName": "中国"},
            "roles": []})
        if role not in row["roles"]:
            row["roles"].append(role)
        return {"id": party_id, "name": name}


def _tender(project: Project, parties: _Parties, date) -> dict:
    method, zh, en = METHODS.get(project.method, ("open", project.method, project.method))
    discount = project.quote_mode == Project.QuoteMode.DISCOUNT
    qualifications = "；".join(str(q) for q in project.qualifications.all())
    criteria = [qualifications]
    if project.practitioner_count:
        criteria.append(f"执业人员不少于{project.practitioner_count}名")
    if project.other_requirements:
        criteria.append(project.other_requirements)
    tender = {
        "id": f"{ocid_for(project)}-tender",
        "title": project.title,
        "description": project.content,
        "status": TENDER_STATUS.get(project.status, "active"),
        "items": [{
            "id": "1",
            "description": project.item.title,
            "classification": {"scheme": ITEM_SCHEME, "id": str(project.item_id),
                               "description": project.item.title,
                               "uri": absolute(reverse("catalogue-item", args=[project.item_id]))},
            "quantity": 1,
        }],
        "value": money(project.amount or project.ceiling),
        "minValue": None if discount else money(project.floor),
        "procurementMethod": method,
        "procurementMethodDetails": f"{zh} ({en})",
        "mainProcurementCategory": "services",
        "submissionMethod": ["electronicSubmission"],
        "tenderPeriod": {"startDate": _iso(project.published_at),
                         "endDate": _iso(project.signup_deadline)},
        "eligibilityCriteria": "\n".join(c for c in criteria if c),
        "documents": [{
            "id": f"document-{doc.pk}", "documentType": "biddingDocuments",
            "title": doc.name, "url": absolute(doc.file.url), "datePublished": _iso(doc.created),
            "language": "zh",
        } for doc in project.documents.all()],
    }
    if project.status == Project.Status.WITHDRAWN and project.status_reason:
        tender["statusDetails"] = project.status_reason
    elif project.status == Project.Status.FAILED and project.status_reason:
        tender["statusDetails"] = project.status_reason
    awards = list(project.awards.all())
    start = project.selection_at or project.signup_deadline
    if awards or project.status in SELECTION_CLOSED:
        tender["awardPeriod"] = {"startDate": _iso(start),
                                 "endDate": _iso(awards[0].decided_at if awards else None)}
    if project.status not in (Project.Status.DRAFT, Project.Status.PUBLISHED) \
            and not project.signups_confidential(date):
        tenderers = [parties.add(name=s.agency.name, uscc=s.agency.uscc, pk=s.agency.organisation_id,
                                 role="tenderer") for s in project.active_signups]
        tender["tenderers"] = tenderers
        tender["numberOfTenderers"] = len(tenderers)
    return tender


def _bids(project: Project, parties: _Parties) -> dict | None:
    """The bid extension's section, only once the selection has closed (never before)."""
    if project.method not in BID_METHODS or project.status not in SELECTION_CLOSED:
        return None
    signups = {s.pk: s for s in project.active_signups}
    details = []
    if project.method == Project.Method.LIVE_BIDDING:
        bids = (Bid.objects.filter(project=project).select_related("signup__agency")
                .order_by("seq"))
        for bid in bids:
            agency = bid.signup.agency
            details.append({
                "id": f"bid-{bid.seq}", "date": _iso(bid.placed_at), "status": "valid",
                "tenderers": [parties.add(name=agency.name, uscc=agency.uscc,
                                          pk=agency.organisation_id, role="tenderer")],
                "value": money(project.price_for(bid.value))})
    else:
        for signup in signups.values():
            if signup.quote is None:
                continue
            details.append({
                "id": f"quote-{signup.pk}", "date": _iso(signup.quoted_at), "status": "valid",
                "tenderers": [parties.add(name=signup.agency.name, uscc=signup.agency.uscc,
                                          pk=signup.agency.organisation_id, role="tenderer")],
                "value": money(project.price_for(signup.quote))})
    amounts = [d["value"]["amount"] for d in details]
    bidders = {d["tenderers"][0]["id"] for d in details}
    statistics = [
        {"id": "requests", "measure": "requests", "value": len(signups)},
        {"id": "bids", "measure": "bids", "value": len(details)},
        {"id": "bidders", "measure": "bidders", "value": len(bidders)},
    ]
    if amounts:
        statistics += [
            {"id": "lowestValidBidValue", "measure": "lowestValidBidValue",
             "value": min(amounts), "currency": "CNY"},
            {"id": "highestValidBidValue", "measure": "highestValidBidValue",
             "value": max(amounts), "currency": "CNY"},
        ]
    return {"statistics": statistics, "details": details}


def _milestones(award: Award) -> list[dict]:
    status = {"submitted": "scheduled", "accepted": "met", "returned": "notMet"}
    rows = []
    for delivery in sorted(award.deliveries.all(), key=lambda d: (d.created, d.pk)):
        rows.append({
            "id": f"delivery-{delivery.pk}", "title": "成果提交 (result delivered)",
            "type": "delivery", "status": status.get(delivery.status, "scheduled"),
            "dateModified": _iso(delivery.modified),
            "dateMet": _iso(delivery.modified) if delivery.status == "accepted" else None,
            "description": delivery.reason if delivery.status == "returned" else None,
        })
    return rows


def _awards_and_contracts(project: Project, parties: _Parties) -> tuple[list, list]:
    awards, contracts = [], []
    for award in project.awards.all():
        supplier = parties.add(name=award.agency.name, uscc=award.agency.uscc,
                               pk=award.agency.organisation_id, role="supplier")
        awards.append({
            "id": award.code,
            "title": f"{project.title} 中选结果",
            "description": f"验证码 (verification code) {award.code}",
            "status": AWARD_STATUS.get(award.status, "pending"),
            "statusDetails": award.status_reason or None,
            "date": _iso(award.decided_at),
            "value": money(award.price),
            "suppliers": [supplier],
            "documents": [{
                "id": f"award-notice-{award.pk}", "documentType": "awardNotice",
                "title": "中选公告", "language": "zh",
                "url": absolute(reverse("bidding:award-detail", args=[award.pk])),
                "datePublished": _iso(award.decided_at)}],
        })
        contract = getattr(award, "contract", None)
        if award.status in CONTRACTED and contract is not None and contract.confirmed_at:
            contracts.append({
                "id": f"{award.code}-contract",
                "awardID": award.code,
                "title": project.title,
                "status": "terminated" if award.status == Award.Status.ACCEPTED else "active",
                "value": money(award.price),
                "dateSigned": _iso(contract.confirmed_at),
                "implementation": {"milestones": _milestones(award)},
            })
    return awards, contracts


def build_release(project: Project, *, tags: list[str], date, release_id: str) -> dict:
    """The whole public state of ``project``'s process as one OCDS 1.1 release dated ``date``
    (read ``project`` with ``project_for_release`` so this costs a few queries), in Chinese
    (``language: "zh"``) whatever the language of the request or command that caused it."""
    with translation.override(settings.LANGUAGE_CODE):
        return _build_release(project, tags=tags, date=date, release_id=release_id)


def _build_release(project: Project, *, tags: list[str], date, release_id: str) -> dict:
    parties = _Parties()
    buyer = parties.add(name=project.purchaser.name, uscc=project.purchaser.uscc,
                        pk=project.purchaser_id, role="buyer", region=project.purchaser.region)
    tender = _tender(project, parties, date)
    bids = _bids(project, parties)
    awards, contracts = _awards_and_contracts(project, parties)
    budget_amount = project.amount or project.ceiling
    release = {
        "ocid": ocid_for(project),
        "id": release_id,
        "date": _iso(date),
        "tag": list(tags),
        "initiationType": "tender",
        "language": "zh",
        "buyer": buyer,
        "planning": {
            "rationale": project.scale,
            "budget": {
                "id": project.approval_case_no or project.investment_code or None,
                "description": project.budget_line or project.get_funding_display(),
                "amount": money(budget_amount),
                "project": project.title,
                "projectID": project.investment_code or None,
            },
        },
        "tender": tender,
        "awards": awards,
        "contracts": contracts,
        "bids": bids,
    }
    release = _clean(release)
    release["parties"] = _clean(list(parties.rows.values()))
    return release


# --- records and packages ----------------------------------------------------------------

def compile_record(ocid: str) -> dict:
    """The record of ``ocid``: its releases linked (url, date, tag) and compiled with
    ocdsmerge. ``Release.DoesNotExist`` when the ocid has none."""
    rows = list(Release.objects.filter(ocid=ocid).order_by("date", "pk"))
    if not rows:
        raise Release.DoesNotExist(ocid)
    return record_from_rows(rows)


def record_from_rows(rows) -> dict:
    url = absolute(reverse("api-ocds-record", args=[rows[0].ocid]))
    return {
        "ocid": rows[0].ocid,
        "releases": [{"url": f"{url}#{row.release_id}", "date": row.data["date"],
                      "tag": row.data["tag"]} for row in rows],
        "compiledRelease": _merger().create_compiled_release([row.data for row in rows]),
    }


def _package_meta(*, uri: str, published=None) -> dict:
    return {
        "uri": uri,
        "version": "1.1",
        "extensions": list(EXTENSIONS),
        "publishedDate": _iso(published or timezone.now()),
        "publisher": {"name": settings.OCDS_PUBLISHER_NAME},
        "license": settings.OPEN_DATA_LICENSE,
        "publicationPolicy": absolute("/data/#policy"),
    }


def release_package(releases: Iterable[dict], *, uri: str, published=None) -> dict:
    return {**_package_meta(uri=uri, published=published), "releases": list(releases)}


def record_package(records: Iterable[dict], *, uri: str, published=None) -> dict:
    return {**_package_meta(uri=uri, published=published), "records": list(records)}


def iter_release_package_chunks(queryset, *, uri: str | None = None, published=None,
                                chunk_size: int = 500) -> Iterator[str]:
    """A release package of ``queryset`` (``Release`` rows) as JSON text chunks: the rows are
    read ``chunk_size`` at a time and never held together, and each release is the JSON text
    the database keeps (no decoding and re-encoding in Python), so 50,000 releases cost the
    memory of one chunk (``bench/opendata.py``). ``json.loads("".join(…))`` is the same package
    ``release_package`` gives; the bulk files (``opendata/exports.py``) write these chunks."""
    meta = _package_meta(uri=uri or absolute(reverse("api-ocds-releases")), published=published)
    head = json.dumps(meta, ensure_ascii=False)
    yield head[:-1] + ', "releases": ['
    first = True
    texts = (queryset.annotate(_text=Cast("data", TextField()))
             .values_list("_text", flat=True).iterator(chunk_size=chunk_size))
    for text in texts:
        yield text if first else ", " + text
        first = False
    yield "]}"


def iter_record_package_chunks(ocids: Iterable[str], *, uri: str, published=None) -> Iterator[str]:
    """A record package of ``ocids`` as JSON text chunks, one record (one query and one
    compilation) at a time: the bulk records file never holds more than one process."""
    meta = _package_meta(uri=uri, published=published)
    head = json.dumps(meta, ensure_ascii=False)
    yield head[:-1] + ', "records": ['
    first = True
    for ocid in ocids:
        rows = list(Release.objects.filter(ocid=ocid).order_by("date", "pk"))
        if not rows:
            continue
        yield ("" if first else ", ") + json.dumps(record_from_rows(rows), ensure_ascii=False)
        first = False
    yield "]}"
