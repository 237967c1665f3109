"""Hot statements the ORM's compilation would dominate: a read compiled once and re-run with
new values (``Prepared``), and the writes of ``save(update_fields=…)`` and ``bulk_create`` with
their statements written once (``save_fields``, ``insert_rows``).

On the live auction's bid path Django spends more CPU compiling a query (resolving lookups,
subqueries and ``Exists`` into SQL) than the database spends answering it from an index. A
``Prepared`` query is still written with the ORM, so it stays one portable implementation
(PostgreSQL and SQLite) with the same expressions the rest of the code uses; it is built once
per database, time zone and ``variant`` with a distinct stand-in for every value that changes
per call, and each call swaps the call's values in for the stand-ins among the compiled
parameters. The rows come back through the same database converters the ORM would apply
(``rows``), or as the database gives them (``statement``: the credit ledger's million rows).

On PostgreSQL ``rows`` also keeps the statement prepared on the server (``PREPARE`` once per
connection, then ``EXECUTE`` with the call's values): planning the bid's sign-up read, with its
eligibility subqueries, took about 2.0 of its 2.2 ms (measured on this project's CI machine
kind, 2026-12-02; ``bench/bidding.py``, "Where the time goes"). The stand-ins become
the statement's parameters, whose types PostgreSQL infers from the columns they are compared
with; every other compiled parameter is written into it as a literal. A database behind a
transaction-pooling PgBouncer, which cannot keep a session's prepared statements, says so with
Django's own ``DISABLE_SERVER_SIDE_CURSORS`` and gets the plain statement.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
import weakref
from collections.abc import Callable

from django.db import DatabaseError, connections, router
from django.db.models import Model, QuerySet, signals
from django.utils import timezone

_INT_BASE = -7_100_001       # integer stand-ins: -7100001, -7100002, …
_DATETIME_BASE = dt.datetime(1901, 2, 3, 4, 5, 6, tzinfo=dt.timezone.utc)


class Prepared:
    """``build(**stand_ins)`` returns a ``values_list`` queryset of ``model``; ``rows(**values)``
    runs it with ``values`` (the names of ``ints`` and ``datetimes``) and returns the rows.

    A stand-in must only be used where its value goes (a filter or a subquery's filter): the
    compiled parameters equal to it are replaced, whatever position they have."""

    def __init__(self, model, build: Callable[..., QuerySet], *, ints: tuple[str, ...] = (),
                 datetimes: tuple[str, ...] = (), write: bool = False):
        self.model, self.build, self.write = model, build, write
        self.ints, self.datetimes = ints, datetimes
        self._cache: dict[tuple, tuple[str, list, list[tuple[int, str]], list]] = {}
        self._server: dict[tuple, tuple[str, list[str], str]] = {}

    def _stand_ins(self) -> dict[str, object]:
        values: dict[str, object] = {n: _INT_BASE - i for i, n in enumerate(self.ints)}
        values.update({n: _DATETIME_BASE + dt.timedelta(microseconds=i + 1)
                       for i, n in enumerate(self.datetimes)})
        return values

    def _compiled(self, connection, variant) -> tuple[str, list, list[tuple[int, str]], list]:
        """``(sql, params, stand-in positions, converters)`` for ``connection`` and ``variant``,
        compiled on first use."""
        key = (connection.alias, connection.timezone_name,
               timezone.get_current_timezone_name(), variant)
        cached = self._cache.get(key)
        if cached is None:
            stand_ins = self._stand_ins()
            compiler = self.build(**stand_ins).query.get_compiler(connection=connection)
            sql, params = compiler.as_sql()
            adapted = {self._adapt(connection, name, value): name
                       for name, value in stand_ins.items()}
            positions = [(i, adapted[p]) for i, p in enumerate(params)
                         if _hashable(p) and p in adapted]
            found = {name for _i, name in positions}
            if found != set(stand_ins):
                raise ValueError(f"stand-ins not among the parameters: {set(stand_ins) - found}")
            found = converters_for([col for col, _sql, _alias in compiler.select], connection)
            cached = self._cache[key] = (sql, list(params), positions, found)
        return cached

    def _adapt(self, connection, name: str, value):
        """The value as the compiled parameters hold it (SQLite keeps datetimes as text)."""
        if name in self.datetimes:
            return connection.ops.adapt_datetimefield_value(value)
        return value

    def alias(self) -> str:
        return (router.db_for_write if self.write else router.db_for_read)(self.model)

    def statement(self, *, variant=(), **values) -> tuple:
        """``(connection, sql, params)`` for ``values``, for a caller that runs it itself and
        takes the rows as the database gives them (no converters: e.g. a million rows);
        ``variant`` (hashable) names what else shaped the query ``build`` makes (it is compiled
        once per variant)."""
        connection = connections[self.alias()]
        sql, params, positions, _converters = self._compiled(connection, variant)
        params = list(params)
        for i, name in positions:
            params[i] = self._adapt(connection, name, values[name])
        return connection, sql, params

    def rows(self, *, variant=(), **values) -> list[tuple]:
        """The rows for ``values``, through the ORM's converters: on PostgreSQL by executing
        the statement prepared on the server (``_server_prepared``), elsewhere ``statement``."""
        connection = connections[self.alias()]
        converters = self._compiled(connection, variant)[3]
        with connection.cursor() as cursor:
            prepared = _server_side(connection) and self._server_prepared(connection, cursor,
                                                                          variant)
            if prepared:
                name, order = prepared
                args = [self._adapt(connection, n, values[n]) for n in order]
                cursor.execute(f"EXECUTE {name}({', '.join(['%s'] * len(args))})"
                               if args else f"EXECUTE {name}", args)
            else:
                _connection, sql, params = self.statement(variant=variant, **values)
                cursor.execute(sql, params)
            fetched = cursor.fetchall()
        return [apply_converters(row, converters, connection) for row in fetched]

    def _server_prepared(self, connection, cursor, variant) -> tuple[str, list[str]]:
        """The name of this query's statement prepared on ``connection``'s session, preparing
        it there first if needed, and the stand-ins in the order of its parameters ($1, $2,
        …). The name is a digest of the statement's text, so a query compiled alike elsewhere
        shares it. PREPARE is not undone by a rollback: a statement prepared in a transaction
        that rolls back stays usable."""
        sql, params, positions, _converters = self._compiled(connection, variant)
        key = (connection.alias, connection.timezone_name, timezone.get_current_timezone_name(),
               variant)
        found = self._server.get(key)
        if found is None:
            order = list(dict.fromkeys(name for _i, name in positions))
            slot = dict(positions)
            indexes = iter(range(len(params)))

            def placeholder(match) -> str:
                if match.group(0) == "%%":
                    return "%"
                i = next(indexes)
                if i in slot:
                    return f"${order.index(slot[i]) + 1}"
                return cursor.mogrify("%s", [params[i]]).decode()

            text = re.sub(r"%%|%s", placeholder, sql)
            name = "mp_" + hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()[:24]
            found = self._server[key] = (name, order, text)
        name, order, text = found
        prepared = _prepared_on(connection)
        if name not in prepared:
            cursor.execute(f"PREPARE {name} AS {text}")
            prepared.add(name)
        return name, order


_sessions: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
"""A database session (the driver's connection) → the names of the statements prepared on it,
so that a new connection prepares them again."""


def _server_side(connection) -> bool:
    return (connection.vendor == "postgresql"
            and not connection.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS"))


def _prepared_on(connection) -> set[str]:
    session = connection.connection
    names = _sessions.get(session)
    if names is None:
        names = _sessions[session] = set()
    return names


def _hashable(value) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def converters_for(expressions, connection) -> list[tuple[int, object, list]]:
    """For the columns ``expressions`` (in select order), those with converters the ORM applies
    when it reads them (booleans, decimals and datetimes from SQLite, JSON): ``[(index,
    expression, converters)]``, to work out once per statement (``apply_converters``)."""
    found = []
    for i, expression in enumerate(expressions):
        converters = (connection.ops.get_db_converters(expression)
                      + expression.get_db_converters(connection))
        if converters:
            found.append((i, expression, converters))
    return found


def apply_converters(row, converters, connection) -> tuple:
    """``row`` as the ORM would read it: through ``converters`` (``converters_for``)."""
    if not converters:
        return tuple(row)
    out = list(row)
    for i, expression, functions in converters:
        for converter in functions:
            out[i] = converter(out[i], expression, connection)
    return tuple(out)


_UPDATES: dict[tuple, str] = {}


def update_statement(instance: Model, fields: list[str]) -> tuple[str, list]:
    """``(sql, params)`` of the ``UPDATE`` that ``instance.save(update_fields=fields)`` makes,
    the statement written once per model and fields: the same values (``pre_save``, so
    ``auto_now`` fields are set; ``get_db_prep_save``), no other field, no save signals (for a
    caller that runs it itself, e.g. as ``insert_rows``'s ``before``)."""
    model = type(instance)
    meta = model._meta
    chosen = [meta.get_field(name) for name in fields]
    instance._prepare_related_fields_for_save(operation_name="save", fields=chosen)
    connection = connections[router.db_for_write(model, instance=instance)]
    key = (connection.alias, model, tuple(fields))
    sql = _UPDATES.get(key)
    if sql is None:
        qn = connection.ops.quote_name
        sql = _UPDATES[key] = (
            f"UPDATE {qn(meta.db_table)} SET "
            + ", ".join(f"{qn(f.column)} = %s" for f in chosen)
            + f" WHERE {qn(meta.pk.column)} = %s")
    params = [f.get_db_prep_save(f.pre_save(instance, False), connection) for f in chosen]
    return sql, [*params, meta.pk.get_db_prep_value(instance.pk, connection)]


def save_fields(instance: Model, fields: list[str]) -> None:
    """``instance.save(update_fields=fields)`` with its statement written once
    (``update_statement``) instead of compiled on every call (a bid updates its auction's row
    this way). A model with a ``save`` of its own or with save signals goes through ``save``."""
    model = type(instance)
    if (model.save is not Model.save or signals.pre_save.has_listeners(model)
            or signals.post_save.has_listeners(model)):
        instance.save(update_fields=fields)
        return
    sql, params = update_statement(instance, fields)
    alias = router.db_for_write(model, instance=instance)
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        if cursor.rowcount == 0:   # as save() says it
            raise DatabaseError("Save with update_fields did not affect any rows.")
    instance._state.db = alias


_CHUNK = 500


def insert_rows(objs: list[Model], *, before: tuple[str, list] | None = None) -> None:
    """``bulk_create(objs)`` for new rows of one model with an automatic primary key, on
    PostgreSQL with the statement written here: the same columns and the same values
    (``pre_save``, ``get_db_prep_save``) in one ``INSERT … RETURNING`` per 500 rows, the ids
    set on ``objs``; ``before`` (a statement that returns nothing, with its parameters) goes in
    the same round trip as the first. The bid and the audit trail write this way: building
    ``bulk_create``'s statement cost more CPU than the database spent on it. Elsewhere, and for
    a model whose inserts return more than the key, ``before`` then ``bulk_create``."""
    if not objs:
        return
    model = type(objs[0])
    meta = model._meta
    alias = router.db_for_write(model, instance=objs[0])
    connection = connections[alias]
    if connection.vendor != "postgresql" or list(meta.db_returning_fields) != [meta.pk]:
        if before is not None:
            with connection.cursor() as cursor:
                cursor.execute(*before)
        model._base_manager.using(alias).bulk_create(objs, batch_size=_CHUNK)
        return
    qn = connection.ops.quote_name
    fields = [f for f in meta.concrete_fields if f is not meta.auto_field]
    head = (f"INSERT INTO {qn(meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) "
            "VALUES ")
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    prefix, prefix_params = (f"{before[0]}; ", list(before[1])) if before else ("", [])
    with connection.cursor() as cursor:
        for start in range(0, len(objs), _CHUNK):
            chunk = objs[start:start + _CHUNK]
            params = list(prefix_params)
            for obj in chunk:
                obj._prepare_related_fields_for_save(operation_name="bulk_create")
                params += [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]
            cursor.execute(f"{prefix}{head}{', '.join([row] * len(chunk))} "
                           f"RETURNING {qn(meta.pk.column)}", params)
            for obj, (pk,) in zip(chunk, cursor.fetchall(), strict=True):
                obj.pk = pk
                obj._state.adding, obj._state.db = False, alias
            prefix, prefix_params = "", []
