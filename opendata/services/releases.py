"""Writing the OCDS releases (docs/architecture.md, "Open data").

``releases_for_events`` is the audit listener registered in ``OpendataConfig.ready``: it runs
inside the transaction that appends the audit events of a project's life cycle, and writes one
``Release`` per project heard, dated by and named after the newest of its events
(``<ocid>-<seq>``), with the tags of all of them. The release is never changed afterwards: a
later change writes a later release. ``release_backfill`` writes one release for every project
that has none (the current state, tags from its status)."""
from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from bidding.models import Award, Contract, Delivery, Objection, Project
from bidding.verification import award_record_hash, code_from_hash
from core.audit import audit_record
from core.permissions import require_perm
from opendata import permissions
from opendata.models import Release
from opendata.ocds import STATUS_TAGS, build_release, ocid_for, project_for_release

# audit action → OCDS release tags (codelist releaseTag)
ACTION_TAGS: dict[str, list[str]] = {
    "project.published": ["planning", "tender"],
    "project.updated": ["tenderUpdate"],
    "project.withdrawn": ["tenderCancellation"],
    "project.signups_closed": ["tenderUpdate"],
    "project.failed": ["tenderUpdate"],
    "auction.failed": ["tenderUpdate"],
    "auction.closed": ["tenderUpdate"],
    "draw.revealed": ["tenderUpdate"],
    "quotes.opened": ["tenderUpdate"],
    "evaluation.run": ["tenderUpdate"],
    "direct.picked": ["tenderUpdate"],
    "award.made": ["award"],
    "award.contracting": ["awardUpdate"],
    "award.superseded": ["awardCancellation"],
    "award.withdrawn": ["awardCancellation"],
    "objection.decided": ["awardUpdate"],
    "contract.confirmed": ["contract"],
    "delivery.submitted": ["implementation"],
    "delivery.accepted": ["implementationUpdate", "contractTermination"],
    "delivery.returned": ["implementationUpdate"],
}
LISTENED_ACTIONS = frozenset(ACTION_TAGS)
"""Never ``bid.placed``, ``quote.sealed`` or sign-ups: a bid writes no release."""

# object type of an event → the path from that model to its project id
_PROJECT_OF = {
    "bidding.award": (Award, "project_id"),
    "bidding.contract": (Contract, "award__project_id"),
    "bidding.delivery": (Delivery, "award__project_id"),
    "bidding.objection": (Objection, "award__project_id"),
}
# A project still a draft is not public: its changes publish nothing.
_UNPUBLISHED = (Project.Status.DRAFT,)


def _project_ids(events) -> dict[int, list]:
    """project id → its events, one query per kind of object other than a project."""
    wanted: dict[str, set[str]] = {}
    for event in events:
        if event.object_type != "bidding.project":
            wanted.setdefault(event.object_type, set()).add(event.object_id)
    found: dict[tuple[str, str], int] = {}
    for object_type, ids in wanted.items():
        model, path = _PROJECT_OF.get(object_type, (None, None))
        if model is None:
            continue
        for pk, project_id in model.objects.filter(pk__in=ids).values_list("pk", path):
            found[(object_type, str(pk))] = project_id
    by_project: dict[int, list] = {}
    for event in events:
        if event.object_type == "bidding.project":
            project_id = int(event.object_id)
        else:
            project_id = found.get((event.object_type, event.object_id))
        if project_id is not None:
            by_project.setdefault(project_id, []).append(event)
    return by_project


def _tags(events) -> list[str]:
    tags: list[str] = []
    for event in events:
        for tag in ACTION_TAGS.get(event.action, ["tenderUpdate"]):
            if tag not in tags:
                tags.append(tag)
    return tags


def _complete(project: Project, heard) -> None:
    """Apply to the loaded ``project`` what its service writes right after the audit event the
    listener hears, so the release shows the change whole: a new award's verification code
    (hashed from its event, ``bidding.services.awards.award_create``) and the project then
    awarded; a decided delivery's award accepted or back in service
    (``bidding.services.deliveries``). In memory only."""
    awards = {str(a.pk): a for a in project.awards.all()}
    deliveries = {str(d.pk): (a, d) for a in awards.values() for d in a.deliveries.all()}
    for event in heard:
        if event.action == "award.made" and event.object_id in awards:
            award = awards[event.object_id]
            if award.code.startswith("TMP-"):
                award.record_hash = award_record_hash(award, event.hash)
                award.code = code_from_hash(award.record_hash)
            if project.status == Project.Status.SELECTING:
                project.status = Project.Status.AWARDED
        elif event.action in ("delivery.accepted", "delivery.returned") \
                and event.object_id in deliveries:
            award, _delivery = deliveries[event.object_id]
            if award.status == Award.Status.DELIVERED:
                award.status = (Award.Status.ACCEPTED if event.action == "delivery.accepted"
                                else Award.Status.IN_SERVICE)


def releases_for_events(events: Iterable) -> list[Release]:
    """The audit listener: one release per project of ``events``.

    Precondition: inside the transaction that appended ``events`` (core.audit calls it so);
    the release commits or rolls back with the change. Costs one builder call per project
    heard and a bounded number of queries (``project_for_release``)."""
    written = []
    for project_id, heard in _project_ids(list(events)).items():
        project = project_for_release(project_id)
        if project.status in _UNPUBLISHED:
            continue
        _complete(project, heard)
        last = heard[-1]
        release_id = f"{ocid_for(project)}-{last.seq}"
        data = build_release(project, tags=_tags(heard), date=last.at, release_id=release_id)
        written.append(Release.objects.create(
            ocid=data["ocid"], release_id=release_id, project=project, date=last.at,
            tags=data["tag"], data=data))
    return written


def release_backfill(*, actor=None, now=None) -> list[Release]:
    """One release (current state, tags from the status) for every public project that has
    none. Idempotent: a second run finds none lacking. For the platform itself (``actor=None``).
    """
    require_perm(actor, permissions.WRITE_RELEASES)
    now = now or timezone.now()
    written = []
    with transaction.atomic():
        lacking = (Project.objects.exclude(status__in=_UNPUBLISHED)
                   .filter(ocds_releases__isnull=True).order_by("pk")
                   .values_list("pk", flat=True))
        for pk in lacking:
            project = project_for_release(pk)
            release_id = f"{ocid_for(project)}-backfill"
            data = build_release(project, tags=STATUS_TAGS.get(project.status, ["tender"]),
                                 date=now, release_id=release_id)
            written.append(Release.objects.create(
                ocid=data["ocid"], release_id=release_id, project=project, date=now,
                tags=data["tag"], data=data))
        if written:
            audit_record(actor=actor, action="ocds.backfilled", data={
                "releases": len(written), "projects": [r.project_id for r in written]})
    return written
