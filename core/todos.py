"""What awaits a user: the to-dos of the account page and ``/api/v1/todos/``.

The account page lives in core, which imports no app of ours; the apps that know what a user
must do (bidding: contracts, deliveries, objections, draws, panels; ratings; credit; supervision)
register a provider per role from their ``AppConfig.ready``
(``register_todo_provider(kind, fn)``, like ``bidding/eligibility.py::register_standing_check``).
A provider is a read-only selector ``fn(user, organisation, now) -> iterable[Todo]`` that costs
a fixed number of queries whatever the number of items (docs/conventions.md, "Tests": query budgets).

``todos_for`` gathers them, counts each deadline in Chinese working days
(``core/workdays.py::working_days_between``) and sorts overdue items first, then the soonest.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from core.roles import organisation_of
from core.workdays import calendar_note, one_calendar, working_days_between


@dataclass
class Todo:
    """One thing awaiting the user: ``kind`` (a stable dotted code, e.g.
    ``"delivery.accept"``), a ``title`` a person reads (translated), the object's name
    (``subject``), the page where it is done (``url``) and its ``deadline`` (or ``None``).
    ``count`` > 1 for a regulator's queue summarised in one line (``deadline``: the soonest)."""

    kind: str
    title: str
    subject: str
    url: str
    deadline: dt.datetime | dt.date | None = None
    count: int = 1
    detail: str = ""
    working_days_left: int | None = field(default=None)
    overdue: bool = False

    @property
    def has_time(self) -> bool:
        """The deadline is a moment (a datetime), not a whole day."""
        return isinstance(self.deadline, dt.datetime)


Provider = Callable[..., Iterable[Todo]]
_providers: dict[str, list[Provider]] = {}


def register_todo_provider(kind: str, fn: Provider) -> None:
    """Add ``fn`` to the providers of organisations of ``kind`` (``Organisation.Kind``).
    Registering the same function twice has no effect (``ready`` may run more than once in
    tests)."""
    fns = _providers.setdefault(kind, [])
    if fn not in fns:
        fns.append(fn)


def has_todo_providers(kind: str | None) -> bool:
    """Does any app list to-dos for organisations of ``kind``? (An approval department has
    none: its page shows no empty to-do card.)"""
    return bool(_providers.get(kind or ""))


def _sort_key(todo: Todo):
    if todo.deadline is None:
        return (1, dt.datetime.max.replace(tzinfo=dt.UTC))
    deadline = todo.deadline
    if not isinstance(deadline, dt.datetime):
        deadline = timezone.make_aware(dt.datetime.combine(deadline, dt.time.max))
    return (0, deadline)


def todos_for(user, *, now: dt.datetime | None = None) -> list[Todo]:
    """Every to-do of ``user``'s organisation, overdue first, then by deadline; ``[]`` for a
    user without an organisation."""
    org = organisation_of(user)
    if org is None:
        return []
    now = now or timezone.now()
    items: list[Todo] = []
    with one_calendar():  # each year's schedule read once, however many deadlines
        for fn in _providers.get(org.kind, ()):
            items.extend(fn(user, org, now))
        for item in items:
            if item.deadline is not None:
                deadline = item.deadline
                if isinstance(deadline, dt.datetime):
                    item.overdue = deadline < now
                else:
                    item.overdue = deadline < timezone.localdate(now)
                item.working_days_left = working_days_between(now, deadline)
    items.sort(key=_sort_key)
    return items


def todos_note(items: Iterable[Todo]) -> str:
    """The calendar basis of the items' deadlines (``core/workdays.py::calendar_note``)."""
    return calendar_note(*[item.deadline for item in items])


def role_label(org) -> str:
    """The role an account page names: the organisation's kind, a government department
    told apart from an enterprise purchaser; ``""`` without an organisation."""
    if org is None:
        return ""
    if org.kind == org.Kind.PURCHASER and org.is_government:
        return str(_("Purchaser (government department)"))
    return str(org.get_kind_display())
