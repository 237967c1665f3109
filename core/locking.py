"""One way to lock the rows a service changes (docs/conventions.md, "Transactions and locks").

``lock(Project, pk)`` takes the row lock (``SELECT … FOR UPDATE``) and returns the fresh row;
``lock_many(Agency, pks)`` locks several rows of one model in primary-key order, so two services
locking overlapping sets can never deadlock (the order Oscar's ``place_order`` and pretix's
``lock_objects`` use). Both must run inside ``transaction.atomic``.

A lock waits at most ``lock_timeout`` (PostgreSQL session option, 5 s by default, set with the
other connection options in settings): a row held longer than that gives ``Conflict`` ("busy,
try again") instead of a request hanging behind it. SQLite serialises writers with immediate
transactions and its own busy timeout, so there ``FOR UPDATE`` is a no-op by design.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from django.db import OperationalError, models, transaction
from django.utils.translation import gettext as _

from core.errors import Conflict, NotFound
from core.prepared import apply_converters, converters_for

M = TypeVar("M", bound=models.Model)
_LOCK_NOT_AVAILABLE = "55P03"


def _pk(value) -> int:
    return value if isinstance(value, int) else value.pk


def _busy(exc: OperationalError) -> bool:
    return getattr(getattr(exc, "__cause__", None), "pgcode", None) == _LOCK_NOT_AVAILABLE


def lock(model: type[M], obj, *, related: tuple[str, ...] = (), missing: str | None = None,
         skip_locked: bool = False) -> M:
    """Lock and return the row ``obj`` (an instance or a primary key) of ``model``, with the
    ``related`` rows joined (not locked). ``NotFound(missing)`` if it does not exist."""
    rows = _select(model, [_pk(obj)], related=related, skip_locked=skip_locked)
    if not rows:
        raise NotFound(missing or _("Not found."))
    return rows[0]


def lock_many(model: type[M], objs: Iterable, *, related: tuple[str, ...] = ()) -> dict[int, M]:
    """Lock the rows ``objs`` (instances or primary keys) in primary-key order; returns them by
    primary key (rows that do not exist are missing from the result)."""
    pks = sorted({_pk(o) for o in objs})
    return {row.pk: row for row in _select(model, pks, related=related)} if pks else {}


_ROW_SQL: dict[tuple[str, type], tuple | None] = {}


def _row_sql(connection, model) -> tuple | None:
    """``SELECT <columns> … WHERE pk = %s FOR UPDATE`` for ``model``, with the columns' field
    names and database converters, made once per database: the most frequent lock (one row,
    nothing joined; every bid takes one) then costs no query compilation and no raw-query
    machinery, which were most of its CPU. ``None`` when the default manager filters rows
    (its filter must apply): such a model goes through the ORM."""
    key = (connection.alias, model)
    if key not in _ROW_SQL:
        if model._default_manager.get_queryset().query.where:
            _ROW_SQL[key] = None
        else:
            qn = connection.ops.quote_name
            fields = model._meta.concrete_fields
            lock_clause = " FOR UPDATE" if connection.features.has_select_for_update else ""
            sql = (f"SELECT {', '.join(qn(f.column) for f in fields)} "
                   f"FROM {qn(model._meta.db_table)} "
                   f"WHERE {qn(model._meta.pk.column)} = %s{lock_clause}")
            converters = converters_for([f.get_col(model._meta.db_table) for f in fields],
                                        connection)
            _ROW_SQL[key] = (sql, tuple(f.attname for f in fields), converters)
    return _ROW_SQL[key]


def _fetch_row(connection, model, prepared: tuple, pk: int) -> list:
    sql, names, converters = prepared
    with connection.cursor() as cursor:
        cursor.execute(sql, [pk])
        row = cursor.fetchone()
    if row is None:
        return []
    return [model.from_db(connection.alias, names, apply_converters(row, converters, connection))]


def _select(model, pks: list[int], *, related, skip_locked: bool = False) -> list:
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise RuntimeError("lock() must run inside transaction.atomic")
    row = None if related or skip_locked or len(pks) != 1 else _row_sql(connection, model)
    if row is None:
        # With joined rows, lock only the model's own: the joined ones are read, not held.
        qs = model._default_manager.select_for_update(skip_locked=skip_locked,
                                                      of=("self",) if related else ())
        if related:
            qs = qs.select_related(*related)
        qs = qs.filter(pk__in=pks).order_by("pk") if len(pks) > 1 else qs.filter(pk=pks[0])
    try:
        return _fetch_row(connection, model, row, pks[0]) if row is not None else list(qs)
    except OperationalError as exc:
        if _busy(exc):
            raise Conflict(_("Someone else is changing this right now; try again in a moment."),
                           code="busy") from exc
        raise
