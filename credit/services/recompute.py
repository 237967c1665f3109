"""The full credit recompute (R9): every agency's stored score rebuilt from the ledger, set-wise
and chunked by primary key, with the score-based exit triggers of the agencies that moved
(``credit.services.exits``, the same planner as the per-event path)."""
from __future__ import annotations

import contextlib
import datetime as dt
import gc
from functools import partial

from django.db import connections, router, transaction
from django.utils import timezone

from agencies.models import Agency
from core.audit import audit_record, audit_record_many
from credit import scoring
from credit.models import Sanction
from credit.selectors import ledger as selectors
from credit.services import notices
from credit.services.exits import _exit_execute, _exit_notify, _exit_plan, _grade_triggers_due


def credit_recompute(*, as_of: dt.date | None = None, chunk_size: int = 2000,
                     params: scoring.Params | None = None) -> tuple[int, int]:
    """Rebuild every agency's stored score from the ledger; returns (agencies, changed).

    Set-wise, chunked by primary key. Each chunk is one transaction: lock its agency rows
    (a concurrent event on one of them waits, then both write the same number), read the
    chunk's ledger rows in one query, score each agency with the same ``scoring.Scorer`` and
    ``scoring.group_rows`` as the incremental update, write the changed scores with one
    ``UPDATE … FROM (VALUES …)`` per batch, then run the score-based exit triggers of the
    agencies whose stars or grade moved with a handful of set-wise writes, every sanction and
    standing change audited (``audit_record_many``: one lock of the chain head per chunk)."""
    as_of = as_of or timezone.localdate()
    scorer = scoring.Scorer(as_of=as_of, params=params or scoring.params_from_settings())
    total = changed = 0
    last_pk = 0
    while True:
        with transaction.atomic():
            rows = list(
                Agency.objects.select_for_update().filter(pk__gt=last_pk).order_by("pk")
                .values_list("pk", "credit_score", "credit_stars", "credit_grade",
                             "standing")[:chunk_size])
            if not rows:
                break
            first_pk, last_pk = rows[0][0], rows[-1][0]
            dirty: list[tuple[int, scoring.Result]] = []
            moved: list[tuple[int, str, scoring.Result]] = []
            regraded: list[tuple[int, str, scoring.Result]] = []
            with _cyclic_gc_paused():
                groups = selectors.ledger_groups_range(first_pk, last_pk)
                for pk, score, stars, grade, standing in rows:
                    result = scorer.score(groups.get(pk, ()))
                    if score != result.score or stars != result.stars or grade != result.grade:
                        dirty.append((pk, result))
                        if stars != result.stars or grade != result.grade:
                            moved.append((pk, standing, result))
                        if grade != result.grade:
                            regraded.append((pk, grade, result))
                del groups
            now = timezone.now()
            if dirty:
                _scores_write(dirty, now=now)
            plans = (_recompute_triggers(moved, first_pk=first_pk, last_pk=last_pk, now=now)
                     if moved else [])
            if plans or regraded:  # only a grade that moved is news, not the recompute itself
                transaction.on_commit(partial(_recompute_notify, plans, regraded,
                                              key=f"recompute:{as_of}"))
            total += len(rows)
            changed += len(dirty)
    audit_record(actor=None, action="credit.recomputed",
                 data={"as_of": as_of, "agencies": total, "changed": changed,
                       "rule_version": scoring.RULE_VERSION})
    return total, changed


@contextlib.contextmanager
def _cyclic_gc_paused():
    """Pause Python's cyclic garbage collector while a recompute chunk is read and scored.

    The chunk allocates about a hundred thousand tuples, lists and results, none in a
    reference cycle (reference counting frees them all), yet their allocation triggers full
    collections that walk every object of the process again and again: a third of the
    recompute's time. The collector is resumed (if it was on) before anything else runs."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _scores_write(rows: list[tuple[int, scoring.Result]], *, now: dt.datetime) -> None:
    """Store the new score, stars and grade of many agencies (``modified`` too, as the event
    path does): one ``UPDATE … FROM (VALUES …)`` per batch. ``bulk_update`` is not used: it
    builds one ``CASE WHEN`` per row and field, which costs about a millisecond of Python per
    row and is quadratic for the database. Call holding the agencies' locks."""
    connection = connections[router.db_for_write(Agency)]
    meta = Agency._meta
    names = ("credit_score", "credit_stars", "credit_grade")
    fields = [meta.get_field(name) for name in names]
    if connection.vendor == "sqlite" and connection.Database.sqlite_version_info < (3, 33):
        objs = []
        for pk, result in rows:  # no UPDATE … FROM before SQLite 3.33
            obj = Agency(pk=pk, credit_score=result.score, credit_stars=result.stars,
                         credit_grade=result.grade, modified=now)
            objs.append(obj)
        Agency.objects.bulk_update(objs, [*names, "modified"], batch_size=200)
        return
    qn = connection.ops.quote_name
    table = qn(meta.db_table)
    modified = meta.get_field("modified")
    sets = ", ".join(f"{qn(f.column)} = v.column{i}" for i, f in enumerate(fields, start=2))
    sql = (f"UPDATE {table} SET {sets}, {qn(modified.column)} = %s "
           f"FROM (VALUES {{values}}) AS v WHERE {table}.{qn(meta.pk.column)} = v.column1")
    batch = min(1000, ((connection.features.max_query_params or 4001) - 1) // 4)
    stamp = modified.get_db_prep_save(now, connection)
    score_field, stars_field, grade_field = fields
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch):
            part = rows[start:start + batch]
            params = [stamp]
            for pk, result in part:
                params += [pk, score_field.get_db_prep_save(result.score, connection),
                           result.stars, result.grade]
            cursor.execute(sql.format(values=", ".join(["(%s, %s, %s, %s)"] * len(part))),
                           params)


def _recompute_triggers(moved: list[tuple[int, str, scoring.Result]], *, first_pk: int,
                        last_pk: int, now: dt.datetime) -> list:
    """The score-based exit triggers of the agencies of a recompute chunk whose stars or grade
    moved (age decay, a changed model). Their open sanctions are read in one query and only
    the agencies whose warning/suspension state would change are touched; returns their plans
    (for the notices after commit). Call holding the chunk's agency locks."""
    open_by_agency: dict[int, list[Sanction]] = {}
    for sanction in Sanction.objects.filter(
            agency_id__gte=first_pk, agency_id__lte=last_pk,
            status__in=[Sanction.Status.ACTIVE, Sanction.Status.PROPOSED]):
        open_by_agency.setdefault(sanction.agency_id, []).append(sanction)
    plans = []
    for pk, standing, result in moved:
        open_ = open_by_agency.get(pk, [])
        if _grade_triggers_due(result, open_, now):
            plans.append(_exit_plan(agency_id=pk, standing=standing, event=None, result=result,
                                    now=now, open_=open_))
    if plans:
        audit_record_many(_exit_execute(plans, now=now))
    return plans


def _recompute_notify(plans, regraded, *, key: str) -> None:
    """Tell the agencies of a committed chunk what the recompute changed: sanctions created
    or lifted, grades moved. Run after the chunk's commit, in a transaction of its own, so the
    chunk keeps its fixed number of queries however many agencies moved; the notices' keys make
    a repeat harmless, and a second recompute finds nothing moved. (A process killed between
    the chunk's commit and this loses these notices: a set-wise ``notify`` in the outbox would
    let the chunk write them itself.)"""
    with transaction.atomic():
        _exit_notify(plans)
        if regraded:
            notices.grades_changed_notify(regraded, key=key)
