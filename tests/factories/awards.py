"""Award-stage factories (h6), built on h4's ``tests.factories.bidding``. Awards are made
through the real ``award_create`` service so their record hash and code are genuine."""
from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from bidding.models import Award, Project
from bidding.services.awards import award_create
from core.models import Organisation
from tests.factories import bidding as bf
from tests.factories.core import user_of


def approval_user_of(name: str = "行政审批局"):
    """A user of a fresh approval department called ``name``."""
    return user_of(Organisation.Kind.APPROVAL, name=name)


def approval_org(name: str = "行政审批局") -> Organisation:
    return approval_user_of(name).member.organisation


def made_award(*, method: str = Project.Method.LIVE_BIDDING, price="78000.00", bidders: int = 3,
               winner: int = 0, computation: dict | None = None, **fields) -> Award:
    """A project in SELECTING with ``bidders`` sign-ups, awarded (NOTICE) to sign-up ``winner``
    through ``award_create``."""
    project, signups = bf.selecting(method=method, bidders=bidders, **fields)
    with transaction.atomic():
        locked = Project.objects.select_for_update().get(pk=project.pk)
        return award_create(project=locked, signup=signups[winner], price=Decimal(price),
                            computation=computation or {"method": method},
                            actor=project.created_by)
