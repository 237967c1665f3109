"""Experts and comprehensive-evaluation panels, through the real services.

    from tests.factories import experts as xf

    pool = xf.pool(item, 5)                         # five active experts covering ``item``
    project, signups, panel = xf.panel_project()    # sign-up closed, panel drawn, experts scoring
    xf.submit_all(panel, {signups[0].pk: "60", …})  # every seated expert submits
"""
from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from django.utils import timezone

from bidding.models import Expert, Panel, Project
from bidding.services import panels
from bidding.services.closing import signups_close
from tests.factories import bidding as bf
from tests.factories.core import PASSWORD, regulator_user

_counter = itertools.count(1)


def expert(*, items=(), categories=(), employer_name: str = "某大学",
           employer_uscc: str = "", ties=(), actor=None, **fields) -> Expert:
    """An active expert with its own sign-in account; ``ties``: ``(uscc, name, note)``."""
    n = next(_counter)
    actor = actor or regulator_user()
    created = panels.expert_create(
        actor=actor, username=fields.pop("username", f"expert{n}"), password=PASSWORD,
        name=fields.pop("name", f"专家{n}"), employer_name=employer_name,
        employer_uscc=employer_uscc, items=items, categories=categories, **fields)
    for uscc, name, note in ties:
        panels.expert_tie_add(actor=actor, expert=created, uscc=uscc, name=name, note=note)
    return created


def user_of(expert_obj: Expert):
    return expert_obj.organisation.members.get().user


def pool(item, count: int, **fields) -> list[Expert]:
    actor = regulator_user()
    return [expert(items=[item], actor=actor, **fields) for _ in range(count)]


def closing_project(*, bidders: int = 3, quotes=None, **fields):
    """A comprehensive-evaluation project whose sign-up deadline has just passed (not yet
    closed) with ``bidders`` sign-ups and their sealed quotes; selection one hour ago."""
    now = timezone.now()
    fields.setdefault("signup_deadline", now - dt.timedelta(hours=2))
    fields.setdefault("selection_at", now - dt.timedelta(hours=1))
    project = bf.project(method=Project.Method.COMPREHENSIVE, **fields)
    quotes = list(quotes or ["90000"] * bidders)
    signups = [bf.signup(project=project, quote=Decimal(q), quoted_at=now - dt.timedelta(
        hours=3, minutes=i)) for i, q in zip(range(bidders), quotes)]
    return project, signups


def panel_project(*, experts: int = 3, bidders: int = 3, quotes=None, **fields):
    """``(project, signups, panel)``: sign-up closed through ``signups_close``, so the panel
    is drawn among ``experts`` experts covering the item."""
    project, signups = closing_project(bidders=bidders, quotes=quotes, **fields)
    pool(project.item, experts)
    signups_close(project=project)
    return Project.objects.get(pk=project.pk), signups, Panel.objects.get(project=project)


def seated_users(panel: Panel) -> list:
    return [user_of(s.expert) for s in panel.seats.filter(status="seated").select_related(
        "expert__organisation")]


def submit_all(panel: Panel, scores_by_seat) -> None:
    """Every seated expert submits; ``scores_by_seat``: one ``{signup id: score}`` per seat in
    rank order, or a single dict for all."""
    users = seated_users(panel)
    rows = scores_by_seat if isinstance(scores_by_seat, list) else [scores_by_seat] * len(users)
    for user, scores in zip(users, rows):
        panels.panel_scores_save(actor=user, panel=panel, scores=scores, submit=True)
