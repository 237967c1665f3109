"""``core.locking.lock``: the one-row fast path (plain SQL and the fields' converters, written
once per model) returns the row exactly as the ORM reads it; ``core.prepared.save_fields``
writes what ``save(update_fields=…)`` writes."""
import datetime as dt
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models.signals import post_save
from django.test.utils import CaptureQueriesContext

from bidding.models import Project
from core.errors import NotFound
from core.locking import lock
from core.models import AuditEvent, Organisation
from core.prepared import save_fields
from tests.factories import bidding as bf

pytestmark = pytest.mark.django_db


def _fields(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields}


def test_the_locked_row_is_the_row_the_orm_reads():
    project, _signups = bf.live_auction(bidders=1)
    with transaction.atomic():
        with CaptureQueriesContext(connection) as ctx:
            locked = lock(Project, project.pk)
    assert len(ctx) == 1
    assert ("FOR UPDATE" in ctx[0]["sql"]) == (connection.vendor == "postgresql")
    fresh = Project.objects.get(pk=project.pk)
    assert _fields(locked) == _fields(fresh)
    assert isinstance(locked.ceiling, Decimal) and isinstance(locked.auction_ends_at, dt.datetime)
    assert locked._state.adding is False and locked._state.db == "default"


def test_a_locked_row_with_json_and_booleans_converts_them():
    org = bf.government_purchaser_org()
    project, _signups = bf.live_auction(bidders=1)
    event = AuditEvent.objects.filter(data__project=project.pk).first() or AuditEvent.objects.last()
    with transaction.atomic():
        locked_org = lock(Organisation, org.pk)
        locked_event = lock(AuditEvent, event.pk)
    assert locked_org.is_government is True
    assert _fields(locked_org) == _fields(Organisation.objects.get(pk=org.pk))
    assert isinstance(locked_event.data, dict)
    assert _fields(locked_event) == _fields(AuditEvent.objects.get(pk=event.pk))


def test_a_missing_row_is_not_found():
    with transaction.atomic(), pytest.raises(NotFound, match="gone"):
        lock(Project, 987654, missing="gone")


def test_save_fields_writes_the_named_fields_and_their_auto_now_only():
    project, _signups = bf.live_auction(bidders=1)
    before = Project.objects.get(pk=project.pk)
    project.last_seq = 7
    project.title = "changed in memory, not saved"
    save_fields(project, ["last_seq", "modified"])
    after = Project.objects.get(pk=project.pk)
    assert after.last_seq == 7 and after.title == before.title
    assert after.modified > before.modified and after.modified == project.modified


def test_save_fields_on_a_deleted_row_fails_as_save_does():
    project, _signups = bf.live_auction(bidders=1)
    Project.objects.filter(pk=project.pk).update(best_bid=None)
    ghost = Project.objects.get(pk=project.pk)
    ghost.pk = 987654
    with pytest.raises(DatabaseError, match="did not affect any rows"):
        save_fields(ghost, ["last_seq"])


def test_save_fields_goes_through_save_for_a_model_with_save_signals():
    project, _signups = bf.live_auction(bidders=1)
    heard = []

    def receiver(sender, instance, update_fields, **kwargs):
        heard.append(set(update_fields))

    post_save.connect(receiver, sender=Project)
    try:
        project.last_seq = 3
        save_fields(project, ["last_seq"])
    finally:
        post_save.disconnect(receiver, sender=Project)
    assert heard == [{"last_seq"}]
    assert Project.objects.get(pk=project.pk).last_seq == 3
