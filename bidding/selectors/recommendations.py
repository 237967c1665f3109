""""为我推荐的项目": published postings matching an agency's invitation subscriptions
(``agencies/selectors/subscriptions.py``, the same rule read from the other side), open for
sign-up first."""
from __future__ import annotations

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from agencies.models import Agency
from agencies.selectors.subscriptions import subscriptions_of
from bidding.models import Project
from bidding.selectors.projects import PUBLIC_STATUSES, project_list
from core.catalogue import Product
from core.regions import within_region


def recommended_projects(agency: Agency, *, now=None) -> QuerySet[Project]:
    """Public postings matching a line of ``agency``'s subscriptions: those open for sign-up
    first, newest first within each group. Two queries: the lines (at most
    ``MAX_SUBSCRIPTIONS``), then the postings."""
    now = now or timezone.now()
    match = Q()
    for line in subscriptions_of(agency):
        if line.item_id:
            topic = Q(item_id=line.item_id)
        else:
            topic = Q(item__in=Product.objects.filter(
                categories__path__startswith=line.category.path))
        where = (within_region(line.region, "region") | Q(region__isnull=True)
                 if line.region else Q())
        match |= topic & where
    if not match:
        return Project.objects.none()
    open_now = Q(status=Project.Status.PUBLISHED, signup_deadline__gt=now)
    return (project_list()
            .filter(match, status__in=PUBLIC_STATUSES)
            .exclude(status=Project.Status.WITHDRAWN)
            .annotate(open_rank=Case(When(open_now, then=Value(0)), default=Value(1),
                                     output_field=IntegerField()))
            .order_by("open_rank", "-published_at", "-pk"))
