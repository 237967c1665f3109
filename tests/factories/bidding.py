"""Project and sign-up factories (h4). Shared by the postings, auction and award tests.

The helpers write rows directly (fast, any state you need); the posting services are tested
separately. Typical use::

    from tests.factories import bidding as bf

    project = bf.project(method=Project.Method.LIVE_BIDDING)          # published, sign-up open
    a, b = bf.bidding_agency(project), bf.bidding_agency(project)      # agencies offering the item
    s1, s2 = bf.signup(project=project, agency=a), bf.signup(project=project, agency=b)

    # SELECTING, bidders labelled A, B, C, auction open now:
    project, signups = bf.live_auction(bidders=3)
"""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import string
from decimal import Decimal

from django.utils import timezone

from agencies.models import Agency
from bidding.models import Avoidance, Project, ProjectQualification, SignUp
from core.models import Organisation
from tests.factories.agencies import agency as make_agency
from tests.factories.agencies import service_item
from tests.factories.core import purchaser_user, region

Method = Project.Method
Status = Project.Status


def purchaser(*, government: bool = False, **org_fields):
    """A purchaser user (enterprise by default; ``government=True`` for a department, R6)."""
    if government:
        org_fields.setdefault("name", "某市自然资源和规划局")
        org_fields.setdefault("is_government", True)
    return purchaser_user(**org_fields)


def project(*, owner=None, item=None, method: str = Method.LIVE_BIDDING,
            status: str = Status.PUBLISHED, quote_mode: str = Project.QuoteMode.AMOUNT,
            qualifications=(), avoid=(), **fields) -> Project:
    """A project row in any state. Defaults: a published live-bidding posting with sign-up open
    for two more days, selection one day later, ceiling 100,000 / floor 60,000 / step 500.

    ``owner``: the purchaser *user* (created if omitted); ``qualifications``: dicts for
    ``ProjectQualification``; ``avoid``: ``(agency, reason)`` pairs.
    """
    owner = owner or purchaser()
    org = owner.member.organisation
    item = item or service_item()
    now = timezone.now()
    defaults = dict(
        title=f"{item.title}（{org.name}）",
        investment_code="2611-420100-04-01-123456",
        approval_case_no="鄂审批〔2026〕88号",
        region=region(),
        scale="总建筑面积约3.2万平方米",
        content="编制并报批本项目的" + item.title + "，配合审批部门完成技术审查。",
        funding=Project.Funding.FISCAL if org.is_government else Project.Funding.SOCIAL,
        budget_line="2026年部门预算-技术服务费" if org.is_government else "",
        service_days=20,
        signup_deadline=now + dt.timedelta(days=2),
        selection_at=now + dt.timedelta(days=3),
        enquiry_phone="027-87654321",
        complaint_phone="027-12345000",
    )
    if method in (Method.LIVE_BIDDING, Method.AVERAGE_PRICE, Method.COMPREHENSIVE):
        if quote_mode == Project.QuoteMode.DISCOUNT:
            defaults.update(ceiling=Decimal("30.00"), floor=Decimal("5.00"), step=Decimal("0.50"),
                            amount=Decimal("100000.00"))
        else:
            defaults.update(ceiling=Decimal("100000.00"), floor=Decimal("60000.00"),
                            step=Decimal("500.00"))
    else:
        defaults.update(amount=Decimal("50000.00"))
    if status != Status.DRAFT:
        defaults["published_at"] = now - dt.timedelta(days=1)
    defaults.update(fields)
    created = Project.objects.create(purchaser=org, created_by=owner, item=item, method=method,
                                     quote_mode=quote_mode, status=status, **defaults)
    for q in qualifications:
        ProjectQualification.objects.create(project=created, **q)
    for agency_obj, reason in avoid:
        Avoidance.objects.create(project=created, agency=agency_obj, reason=reason)
    return created


def draft(**kwargs) -> Project:
    return project(status=Status.DRAFT, **kwargs)


def bidding_agency(project: Project | None = None, *, item=None, **fields) -> Agency:
    """An agency (registered through the real service) offering the project's item."""
    item = item or project.item
    return make_agency(offers=[item], **fields)


def signup(*, project: Project, agency: Agency | None = None, label: str = "",
           **fields) -> SignUp:
    """An active sign-up (the agency is created, offering the item, when omitted)."""
    agency = agency or bidding_agency(project)
    return SignUp.objects.create(project=project, agency=agency, label=label, **fields)


def labels(n: int) -> list[str]:
    """"A", "B", … "Z", "AA", "AB", … (the same scheme ``signups_close`` uses)."""
    out = []
    for i in range(n):
        s, k = "", i
        while True:
            s = string.ascii_uppercase[k % 26] + s
            k = k // 26 - 1
            if k < 0:
                break
        out.append(s)
    return out


def live_auction(*, bidders: int = 3, minutes: int = 30, started_minutes_ago: int = 1,
                 quote_mode: str = Project.QuoteMode.AMOUNT, agencies=None,
                 **fields) -> tuple[Project, list[SignUp]]:
    """A live-bidding project whose auction is open now: status SELECTING, sign-up closed,
    ``selection_at`` a minute ago, ``auction_ends_at`` = selection_at + ``minutes``, bidders
    labelled A, B, …. Returns ``(project, signups)``."""
    now = timezone.now()
    start = now - dt.timedelta(minutes=started_minutes_ago)
    fields.setdefault("signup_deadline", start - dt.timedelta(hours=1))
    fields.setdefault("selection_at", start)
    fields.setdefault("auction_minutes", minutes)
    fields.setdefault("auction_ends_at", start + dt.timedelta(minutes=minutes))
    proj = project(method=Method.LIVE_BIDDING, status=Status.SELECTING, quote_mode=quote_mode,
                   **fields)
    agencies = list(agencies) if agencies is not None else [bidding_agency(proj)
                                                            for _ in range(bidders)]
    signups = [signup(project=proj, agency=a, label=lab)
               for a, lab in zip(agencies, labels(len(agencies)))]
    return proj, signups


def selecting(*, method: str, bidders: int = 3, **fields) -> tuple[Project, list[SignUp]]:
    """A project of any method whose sign-up has closed (status SELECTING) with ``bidders``
    active sign-ups; for the random draw a seed and its commitment are set."""
    now = timezone.now()
    fields.setdefault("signup_deadline", now - dt.timedelta(hours=2))
    fields.setdefault("selection_at", now - dt.timedelta(minutes=1))
    if method == Method.RANDOM_DRAW:
        seed = secrets.token_hex(32)
        fields.setdefault("draw_seed", seed)
        fields.setdefault("draw_commitment", hashlib.sha256(seed.encode()).hexdigest())
    proj = project(method=method, status=Status.SELECTING, **fields)
    signups = [signup(project=proj) for _ in range(bidders)]
    return proj, signups


def government_purchaser_org(name: str = "某市交通运输局") -> Organisation:
    return purchaser(government=True, name=name).member.organisation
