"""Which business rows the audit trail describes, and the check that they still match it.

The hash chain (``core.audit``) proves that the trail was not edited; it says nothing about the
rows it describes: an ``UPDATE`` of ``award.price`` leaves the chain intact. So each app
declares, in its ``actions.py``, which audit actions describe which of its models and where each
event keeps the audited value of a field::

    register_audited("bidding.award", {
        "award.made": {"price": "price", "agency": "agency", "status": Fixed("notice")},
        "award.withdrawn": {"status": Moved("status")},
    })
    register_audited("bidding.award", {"contract.confirmed": {"status": Fixed("in_service")}},
                     via="award")

A field's source is the key of the event's ``data`` (absent key: the event does not describe
that field), ``Fixed(value)`` (the action itself implies the value), ``Moved(key)`` (the target
of a transition payload ``{"status": [before, after]}``), or any callable of ``data`` raising
``KeyError`` when the event does not describe the field. Events are matched on their object
(``object_type`` = the model label, ``object_id`` = the primary key), or with ``via`` on the key
of ``data`` naming the row (an event on a contract that moves its award).

``core.audit.audit_verify`` feeds every event of its one pass over the chain to an
``AuditedState`` and then compares each model's rows with one query per model
(``AuditedState.differences``): the newest audited value of each field against the stored one,
naming model, primary key, field, audited and current value. This module imports no model, so
every ``actions.py`` can import it.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils.dateparse import parse_datetime


@dataclass(frozen=True)
class Fixed:
    """The action implies the value (``award.made`` → status ``notice``)."""

    value: Any

    def __call__(self, data: Mapping) -> Any:
        return self.value


@dataclass(frozen=True)
class Moved:
    """The state a transition moved to: ``data[key]`` is ``[before, after]``
    (``core.transitions.transition``)."""

    key: str

    def __call__(self, data: Mapping) -> Any:
        return data[self.key][-1]


Reader = Callable[[Mapping], Any]


@dataclass(frozen=True)
class _Rule:
    label: str
    fields: tuple[tuple[str, Reader], ...]
    via: str | None


_RULES: dict[str, list[_Rule]] = {}
_FIELDS: dict[str, list[str]] = {}


def _reader(source) -> Reader:
    if isinstance(source, str):
        return lambda data, key=source: data[key]
    if callable(source):
        return source
    raise TypeError(f"an audited field's source is a data key or a callable, not {source!r}")


def register_audited(label: str, actions: Mapping[str, Mapping[str, Any] | Iterable[str]], *,
                     via: str | None = None) -> None:
    """Declare that the audit ``actions`` describe rows of model ``label`` (``"app.model"``):
    for each action, the fields it records and where (a data key, ``Fixed``, ``Moved`` or a
    callable of ``data``; a bare list of names means each field under its own name). With
    ``via``, the event names the row in ``data[via]`` instead of being recorded on it.
    Registering the same action for the same model twice adds its fields."""
    label = label.lower()
    names = _FIELDS.setdefault(label, [])
    for action, fields in actions.items():
        if not isinstance(fields, Mapping):
            fields = {name: name for name in fields}
        rule = _Rule(label, tuple((name, _reader(src)) for name, src in fields.items()), via)
        _RULES.setdefault(action, []).append(rule)
        names.extend(name for name in fields if name not in names)


def audited_models() -> dict[str, list[str]]:
    """Model label → the fields the trail describes (for docs and tests)."""
    return {label: list(names) for label, names in _FIELDS.items()}


@dataclass(frozen=True)
class RowDifference:
    """A row that no longer matches its last audited state (``field`` empty: the row is gone)."""

    model: str
    pk: str
    field: str
    audited: Any
    current: Any
    seq: int

    def __str__(self) -> str:
        if not self.field:
            return (f"{self.model} #{self.pk}: the row is gone "
                    f"(last audited by event #{self.seq})")
        return (f"{self.model} #{self.pk}: {self.field} is {self.current!r}, "
                f"audited {self.audited!r} (event #{self.seq})")


class AuditedState:
    """The newest audited value of every registered field of every row the chain describes,
    built while ``audit_verify`` walks the chain once (``add`` in ``seq`` order)."""

    def __init__(self) -> None:
        # label → pk → field → (audited value, seq)
        self.rows: dict[str, dict[str, dict[str, tuple[Any, int]]]] = {}

    def add(self, *, seq: int, action: str, object_type: str, object_id: str,
            data: Any) -> None:
        rules = _RULES.get(action)
        if not rules or not isinstance(data, Mapping):
            return
        for rule in rules:
            if rule.via is None:
                if object_type != rule.label or not object_id:
                    continue
                pk = object_id
            else:
                pk = data.get(rule.via)
                if pk in (None, ""):
                    continue
            state = self.rows.setdefault(rule.label, {}).setdefault(str(pk), {})
            for name, read in rule.fields:
                try:
                    state[name] = (read(data), seq)
                except (KeyError, IndexError, TypeError):
                    continue  # this event does not record that field

    def differences(self) -> list[RowDifference]:
        """Compare every audited row with the database: one query per model."""
        found: list[RowDifference] = []
        for label, states in self.rows.items():
            model = apps.get_model(label)
            names = _FIELDS[label]
            fields = [_model_field(model, name) for name in names]
            current = {str(row[0]): row[1:] for row in model._default_manager.order_by()
                       .values_list("pk", *(f.attname for f in fields)).iterator(chunk_size=2000)}
            for pk, state in sorted(states.items(), key=lambda item: _pk_order(item[0])):
                row = current.get(pk)
                if row is None:
                    seq = max(s for _v, s in state.values()) if state else 0
                    found.append(RowDifference(label, pk, "", None, None, seq))
                    continue
                for name, field, value in zip(names, fields, row):
                    if name not in state:
                        continue
                    audited, seq = state[name]
                    if _same(field, audited, value):
                        continue
                    found.append(RowDifference(label, pk, name, audited,
                                               _shown(value), seq))
        return found


def _model_field(model, name: str) -> models.Field:
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        raise LookupError(f"register_audited: {model._meta.label_lower} has no field {name!r}") \
            from None


def _pk_order(pk: str):
    return (0, int(pk), "") if pk.isdigit() else (1, 0, pk)


def _shown(value):
    """A stored value as the report shows it (the form the audit data keeps)."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return value


def _normalised(field: models.Field, value):
    """``value`` (as the audit data or the database holds it) in one comparable form."""
    if value is None:
        return None
    target = field.target_field if field.is_relation else field
    if isinstance(target, models.DateTimeField):
        if isinstance(value, str):
            value = parse_datetime(value)
        if not isinstance(value, dt.datetime):
            raise ValueError(value)
        if value.tzinfo is not None:
            value = value.astimezone(dt.timezone.utc)
        # DjangoJSONEncoder keeps milliseconds only
        return value.replace(microsecond=value.microsecond // 1000 * 1000)
    if isinstance(target, models.DecimalField):
        return Decimal(str(value))
    if isinstance(target, models.BooleanField):
        if not isinstance(value, bool):
            raise ValueError(value)
        return value
    return target.to_python(value)


def _same(field: models.Field, audited, current) -> bool:
    try:
        return _normalised(field, audited) == _normalised(field, current)
    except (ValidationError, ValueError, TypeError, InvalidOperation):
        return False
