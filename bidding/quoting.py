"""Pure helpers of live bidding shared by the services, the snapshot selector, the API and the
consumer: the channel group of an auction, how times and amounts are written in every frame,
and which way a quote wins. No database access here."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from bidding.models import Project
from core.money import format_money

money = format_money  # ``Decimal("93500")`` → ``"93500.00"`` in frames, API bodies and audit

# Why a watcher cannot bid: told by the bid service's refusal and by the snapshot's viewer.
WATCHER_NOT_AGENCY = _("Watchers cannot bid: only agencies signed up for this project may bid.")
WATCHER_NOT_SIGNED_UP = _("Watchers cannot bid: your agency has not signed up for this project.")


def group_name(project_id: int) -> str:
    """The channel group of one auction; the only group ``bidding.consumers`` joins."""
    return f"auction_{project_id}"


def iso(value: dt.datetime | None) -> str | None:
    return None if value is None else value.astimezone(dt.timezone.utc).isoformat()


def lower_wins(project: Project) -> bool:
    return project.quote_mode != Project.QuoteMode.DISCOUNT


def better(project: Project, a: Decimal, b: Decimal) -> bool:
    """Is quote ``a`` strictly better than quote ``b`` in this project's quoting mode?"""
    return a < b if lower_wins(project) else a > b
