"""Rating and regulator-workspace factories (h8). Awards come from h6's ``made_award`` (real
``award_create``); the delivery acceptance is written directly (h6's flow is tested there)."""
from __future__ import annotations

import datetime as dt

from django.utils import timezone

from bidding.models import Award, Delivery
from credit.models import Inspector
from ratings.services.ratings import rating_submit
from tests.factories.awards import made_award

STARS = {"quality": 5, "timeliness": 4, "attitude": 5, "fees": 4, "conduct": 5}


def accept(award: Award, *, accepted_at: dt.datetime | None = None) -> Award:
    """Move ``award`` to ACCEPTED with an accepted delivery at ``accepted_at`` (default now)."""
    delivery = Delivery.objects.create(award=award, file="results/report.pdf", note="成果文件",
                                       status=Delivery.Status.ACCEPTED)
    Award.objects.filter(pk=award.pk).update(status=Award.Status.ACCEPTED)
    if accepted_at is not None:
        Delivery.objects.filter(pk=delivery.pk).update(modified=accepted_at)
        Award.objects.filter(pk=award.pk).update(modified=accepted_at)
    award.refresh_from_db()
    return award


def accepted_award(**kwargs) -> Award:
    return accept(made_award(**kwargs))


def purchaser_of(award: Award):
    return award.project.created_by


def rating(award: Award | None = None, *, comment: str = "服务专业，按期交付。", **stars):
    award = award or accepted_award()
    values = {**STARS, **stars}
    return rating_submit(actor=purchaser_of(award), award=award, comment=comment, **values)


def agency_user(agency):
    return agency.organisation.members.select_related("user").first().user


def inspectors(n: int = 4) -> list[Inspector]:
    departments = ["市发展和改革委员会", "市住房和城乡建设局", "市生态环境局", "市市场监督管理局"]
    base = Inspector.objects.count()
    return [Inspector.objects.create(code=f"ZF{base + i + 1:04d}", name=f"执法员{base + i + 1}",
                                     department=departments[i % len(departments)])
            for i in range(n)]


def days_ago(n: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=n)
