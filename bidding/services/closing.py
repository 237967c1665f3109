"""Closing sign-up: after the deadline a posting goes to SELECTING, or fails (流标).

``signups_close`` prepares the selection per method: live bidding labels the bidders 竞价人A, B…
and sets the auction's end; a single valid bidder skips the auction and is awarded at the
ceiling (amount mode) or at the floor, i.e. the smallest discount rate (discount mode) — the
value least favourable to the bidder, so skipping the auction never pays it more than an auction
could have; the random draw opens its reveal window (``DRAW_REVEAL_MINUTES``: agencies reveal
the contributions they committed at sign-up, ``bidding.services.draws``/``bidding.draw``). A
draw published before commit–reveal gets, as it did, a secret seed whose sha256 commitment is
published at once (the legacy scheme).
Comprehensive evaluation gets its expert panel drawn (``bidding.services.panels.panel_draw``).

The moves are ``Project.transitions`` ``close_signups`` and ``fail``; the project row is locked
first (``core.locking.lock``), so closing is serialised with sign-ups and withdrawal.
"""
from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from bidding.draw import commitment_of
from bidding.eligibility import eligible_signups
from bidding.models import Project, SignUp
from bidding.services import notices
from bidding.services.awards import award_create
from bidding.services.common import lock_project
from bidding.services.draws import reveal_window_open
from core.errors import Conflict
from core.transitions import transition

Status = Project.Status
Method = Project.Method


def min_signups(project: Project) -> int:
    if project.method == Method.DIRECT:
        return 1
    return max(1, settings.MARKETPLACE["MIN_SIGNUPS_COMPETITIVE"])


def bidder_label(index: int) -> str:
    """0 → "A", 25 → "Z", 26 → "AA" … (竞价人A, B, …)."""
    label = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        label = chr(ord("A") + rem) + label
    return label


def signups_close(*, project: Project, now=None) -> Project:
    """See ``_signups_close``; returns the project in its new (or unchanged) state."""
    return _signups_close(project=project, now=now)[0]


@transaction.atomic
def _signups_close(*, project: Project, now=None) -> tuple[Project, bool]:
    """Close sign-up after its deadline (idempotent: a project already closed is returned as it
    is; concurrent callers are serialised by the project lock, so exactly one transition).

    Too few sign-ups (``MIN_SIGNUPS_COMPETITIVE`` for competitive methods, one for direct
    selection), or none of them still eligible → FAILED with a public reason. Otherwise →
    SELECTING with the sign-ups still eligible now (an agency suspended or whose qualification
    expired since it signed up drops out) and, per method: live bidding labels the valid
    bidders A, B… in sign-up order and sets ``auction_ends_at``; when only one of them is still
    valid it is awarded at once without an auction (see the module docstring); the random draw
    opens its reveal window (or, under the legacy scheme, commits to a secret seed)."""
    project = lock_project(project)
    now = now or timezone.now()
    if project.status != Status.PUBLISHED:
        return project, False
    if project.signup_deadline and project.signup_deadline > now:
        raise Conflict(_("Sign-up is still open until its deadline."))
    active = list(SignUp.objects.filter(project=project, status=SignUp.Status.ACTIVE)
                  .select_related("agency").order_by("created", "pk"))
    valid = eligible_signups(project, active)
    needed = min_signups(project)
    if len(active) < needed or not valid:
        with translation.override(settings.LANGUAGE_CODE):  # stored public text
            if len(active) < needed:
                project.status_reason = _(
                    "Failed (流标): %(active)s sign-up(s) when sign-up closed; at least "
                    "%(needed)s are required for %(method)s.") % {
                        "active": len(active), "needed": needed,
                        "method": project.get_method_display()}
            else:
                project.status_reason = _(
                    "Failed (流标): none of the %(active)s agencies that signed up is still "
                    "eligible (suspended, expelled or a required qualification expired).") % {
                        "active": len(active)}
        transition(project, "fail", actor=None, fields=["status_reason"], data={
            "reason": project.status_reason, "active": len(active), "valid": len(valid),
            "needed": needed})
        notices.project_failed(project)
        return project, True

    update = []
    data: dict = {"valid": [s.pk for s in valid], "active": len(active)}
    if project.method == Method.LIVE_BIDDING:
        for index, signup in enumerate(valid):
            signup.label = bidder_label(index)
            signup.save(update_fields=["label", "modified"])
        SignUp.objects.filter(project=project).exclude(pk__in=[s.pk for s in valid]) \
            .exclude(label="").update(label="")
        start = project.selection_at if project.selection_at and project.selection_at > now \
            else now
        project.auction_ends_at = start + dt.timedelta(minutes=project.auction_minutes)
        update.append("auction_ends_at")
        data["labels"] = {s.label: s.pk for s in valid}
        data["auction_ends_at"] = project.auction_ends_at
    elif project.method == Method.RANDOM_DRAW:
        commitment = reveal_window_open(project=project, now=now)
        if commitment is not None:  # commit–reveal: the platform committed at publication
            data["draw_reveal_ends_at"] = commitment.reveal_ends_at
        else:  # published before commit–reveal: the legacy seed, committed now
            project.draw_seed = secrets.token_hex(32)
            project.draw_commitment = commitment_of(project.draw_seed)
            update += ["draw_seed", "draw_commitment"]
            data["draw_commitment"] = project.draw_commitment  # never the seed
    transition(project, "close_signups", actor=None, fields=update, data=data)
    notices.signups_closed(project, active=active, valid=valid)
    if project.method == Method.COMPREHENSIVE:
        # Deferred import: bidding.services.panels imports this module (bidder_label).
        from bidding.services.panels import panel_draw

        panel_draw(actor=None, project=project)

    if project.method == Method.LIVE_BIDDING and len(valid) == 1:
        _award_single_bidder(project, valid[0])
    return project, True


def single_bidder_quote(project: Project) -> tuple[Decimal, Decimal]:
    """``(quote, price)`` for a lone live bidder: the ceiling in amount mode; in discount mode
    the floor rate (the smallest discount)."""
    if project.quote_mode == Project.QuoteMode.DISCOUNT:
        quote = project.floor or Decimal("0")
    else:
        quote = project.ceiling
    return quote, project.price_for(quote)


def _award_single_bidder(project: Project, signup: SignUp) -> None:
    quote, price = single_bidder_quote(project)
    award_create(project=project, signup=signup, price=price, quote=quote, computation={
        "method": project.method,
        "rule": "single_valid_bidder",
        "explanation": _("Only one valid bidder when sign-up closed: the auction was skipped and "
                         "the award made at the ceiling (amount) or the floor rate (discount)."),
        "quote_mode": project.quote_mode,
        "ceiling": project.ceiling, "floor": project.floor, "amount": project.amount,
        "bidders": [{"label": signup.label, "agency": signup.agency.name}],
    })


def due_for_closing(now=None):
    now = now or timezone.now()
    return Project.objects.filter(status=Status.PUBLISHED, signup_deadline__lte=now) \
        .order_by("signup_deadline", "pk")


def close_due_signups(*, now=None) -> list[Project]:
    """Close every project whose sign-up deadline passed (each in its own transaction; safe to
    run twice at once). Returns the projects this call moved out of PUBLISHED."""
    now = now or timezone.now()
    moved = []
    for pk in list(due_for_closing(now).values_list("pk", flat=True)):
        project, changed = _signups_close(project=Project(pk=pk), now=now)
        if changed:
            moved.append(project)
    return moved
