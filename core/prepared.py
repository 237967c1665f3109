"""A hot read the ORM compiles once and then re-runs with new values.

On the live auction's bid path Django spends more CPU compiling a query (resolving lookups,
subqueries and ``Exists`` into SQL) than the database spends answering it from an index. A
``Prepared`` query is still written with the ORM, so it stays one portable implementation
(PostgreSQL and SQLite) with the same expressions the rest of the code uses; it is built once
per database, time zone and ``variant`` with a distinct stand-in for every value that changes
per call, and each call swaps the call's values in for the stand-ins among the compiled
parameters. The rows come back through the same database converters the ORM would apply
(``rows``), or as the database gives them (``statement``: the credit ledger's million rows).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db import connections, router
from django.db.models import QuerySet
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

    def _stand_ins(self) -> dict[str, object]:
        values: dict[str, object] = {n: _INT_BASE - i for i, n in enumerate(self.ints)}
        values.update({n: _DATETIME_BASE + dt.timedelta(microseconds=i + 1)
                       for i, n in enumerate(self.datetimes)})
        return values

    def _compiled(self, connection, variant) -> tuple[str, list, list[tuple[int, str]], list]:
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
            expressions = [col for col, _sql, _alias in compiler.select]
            cached = self._cache[key] = (sql, list(params), positions, expressions)
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
        sql, params, positions, _expressions = self._compiled(connection, variant)
        params = list(params)
        for i, name in positions:
            params[i] = self._adapt(connection, name, values[name])
        return connection, sql, params

    def rows(self, *, variant=(), **values) -> list[tuple]:
        """The rows for ``values``, through the ORM's converters (``statement``)."""
        connection, sql, params = self.statement(variant=variant, **values)
        expressions = self._compiled(connection, variant)[3]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            fetched = cursor.fetchall()
        return [_convert(row, expressions, connection) for row in fetched]


def _hashable(value) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def _convert(row, expressions, connection) -> tuple:
    """``row`` through the converters the ORM applies to these columns (booleans, decimals and
    datetimes read from SQLite, for instance)."""
    out = list(row)
    for i, expression in enumerate(expressions):
        converters = (connection.ops.get_db_converters(expression)
                      + expression.get_db_converters(connection))
        for converter in converters:
            out[i] = converter(out[i], expression, connection)
    return tuple(out)
