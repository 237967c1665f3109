"""The random draw (随机抽取) with commit–reveal (the protocol is ``bidding.draw``'s docstring;
docs/design.md §3): the platform's commitment at publication (``draw_commit``, called by
``project_publish``), an agency's commitment at sign-up (``contribution_commit``, called by
``signup_create``), its reveal after sign-up closes (``draw_contribution_reveal``) and the draw
(``draw_run``), when the reveal window is over or every committed agency has revealed.

Every step locks the project row first (``bidding.services.common.lock_project``), so reveals,
the draw and the periodic step are serialised; the draw is idempotent (a second call returns the
award). Projects published before the protocol keep the legacy scheme (a seed committed when
sign-up closed) and are drawn and verified as before.
"""
from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bidding import draw
from bidding.models import Award, DrawCommitment, DrawContribution, Project, SignUp
from bidding.selectors.draws import draw_state
from bidding.services.common import agency_of, lock_project
from bidding.services.methods import (
    _candidates,
    _entry,
    _existing_award,
    _finish,
    _require_method,
    _require_runner,
    _require_selecting,
)
from core.audit import audit_record
from core.errors import Conflict, MarketplaceError, NotFound, ValidationFailed

Method = Project.Method


def platform_secret_of(commitment: DrawCommitment) -> str:
    """The platform's secret, derived from the server key (never read from the database)."""
    return draw.platform_secret(settings.DRAW_SECRET_KEY, commitment.project_id, commitment.salt)


# --- the platform commits when the posting is published ---------------------------------------


def draw_commit(*, project: Project, now) -> DrawCommitment:
    """Fix the platform's secret for a random-draw project and publish its sha256.

    Precondition: inside ``project_publish``'s transaction holding the lock on ``project``,
    before anyone can sign up. Audited as ``draw.committed`` (the commitment, never the
    secret)."""
    salt = secrets.token_hex(32)
    commitment = DrawCommitment(project=project, salt=salt, committed_at=now)
    commitment.commitment = draw.commitment_of(platform_secret_of(commitment))
    commitment.save()
    audit_record(actor=None, action="draw.committed", obj=project, data={
        "platform_commitment": commitment.commitment, "committed_at": now})
    return commitment


# --- an agency commits at sign-up ----------------------------------------------------------------


def parse_commitment(text, *, field: str = "draw_commitment") -> str:
    """An agency's commitment: 64 hexadecimal characters (sha256 of its contribution), or ""."""
    value = str(text or "").strip().lower()
    if value and not draw.is_hex64(value):
        raise ValidationFailed(_("A draw commitment is 64 hexadecimal characters (the SHA-256 "
                                 "of your contribution)."), field=field)
    return value


def contribution_commit(*, project: Project, signup: SignUp, commitment: str, now) -> str:
    """Record the agency's commitment with its sign-up (or drop an earlier one when it signs up
    again without one). Returns the commitment for the sign-up's audit event.

    Precondition: inside ``signup_create``'s transaction holding the lock on ``project``, while
    sign-up is open; ``commitment`` already passed ``parse_commitment``."""
    if not commitment:
        DrawContribution.objects.filter(signup=signup).delete()
        return ""
    if project.method != Method.RANDOM_DRAW:
        raise ValidationFailed(_("Only a random draw takes a draw commitment."),
                               field="draw_commitment")
    if not DrawCommitment.objects.filter(project=project).exists():
        raise ValidationFailed(_("This draw was published before agencies could contribute; "
                                 "sign up without a commitment."), field="draw_commitment")
    DrawContribution.objects.update_or_create(signup=signup, defaults={
        "commitment": commitment, "committed_at": now, "reveal": "", "revealed_at": None})
    return commitment


def reveal_window_open(*, project: Project, now) -> DrawCommitment | None:
    """When sign-up closes: open the reveal window of a commit–reveal draw.

    Precondition: inside ``signups_close``'s transaction holding the lock on ``project``.
    Returns ``None`` for a project under the legacy scheme."""
    commitment = DrawCommitment.objects.filter(project=project).first()
    if commitment is not None:
        commitment.reveal_ends_at = now + dt.timedelta(
            minutes=settings.MARKETPLACE["DRAW_REVEAL_MINUTES"])
        commitment.save(update_fields=["reveal_ends_at"])
    return commitment


# --- an agency reveals after sign-up closes -------------------------------------------------------


@transaction.atomic
def draw_contribution_reveal(*, actor, project, contribution, now=None) -> DrawContribution:
    """The agency reveals its contribution during the reveal window; it must hash to the
    commitment it made at sign-up. When it is the last one missing and the selection time has
    come, the draw runs at once (in a savepoint: a draw that cannot run leaves the reveal)."""
    agency = agency_of(actor)
    project = lock_project(project)
    now = now or timezone.now()
    _require_method(project, Method.RANDOM_DRAW)
    signup = SignUp.objects.filter(project=project, agency=agency,
                                   status=SignUp.Status.ACTIVE).first()
    if signup is None:
        raise NotFound(_("Your agency has no sign-up for this project."))
    row = DrawContribution.objects.filter(signup=signup).first()
    if row is None:
        raise Conflict(_("Your agency made no draw commitment when it signed up, so there is "
                         "nothing to reveal."))
    state = draw_state(project, now=now)
    if not state.reveal_open:
        if project.status == Project.Status.PUBLISHED:
            raise Conflict(_("Reveals open when sign-up closes."))
        raise Conflict(_("The reveal window is closed."))
    if row.reveal:
        raise Conflict(_("Your contribution is already revealed."))
    value = str(contribution or "").strip().lower()
    if not draw.is_hex64(value):
        raise ValidationFailed(_("A contribution is 64 hexadecimal characters."),
                               field="contribution")
    if draw.commitment_of(value) != row.commitment:
        raise ValidationFailed(_("This contribution does not match the commitment your agency "
                                 "made at sign-up (its SHA-256 differs). Paste the contribution "
                                 "you saved when you signed up."), field="contribution")
    row.reveal, row.revealed_at = value, now
    row.save(update_fields=["reveal", "revealed_at"])
    audit_record(actor=actor, action="draw.contribution_revealed", obj=signup, data={
        "project": project.pk, "commitment": row.commitment, "reveal": value})
    if draw_state(project, now=now).ready and _existing_award(project) is None:
        try:
            with transaction.atomic():
                _draw_locked(project=project, actor=None, now=now)
        except MarketplaceError:
            pass  # the periodic step or the purchaser runs it; the reveal stands
    return row


# --- the draw -------------------------------------------------------------------------------------


@transaction.atomic
def draw_run(*, actor, project, now=None) -> Award:
    """Reveal the platform's secret and draw the winner among the eligible sign-ups (see
    ``bidding.draw`` for the exact, published formula)."""
    project = lock_project(project)
    _require_runner(actor, project)
    _require_method(project, Method.RANDOM_DRAW)
    if (existing := _existing_award(project)) is not None:
        return existing
    _require_selecting(project, now=now)
    return _draw_locked(project=project, actor=actor, now=now or timezone.now())


def _draw_locked(*, project: Project, actor, now) -> Award:
    """Precondition: inside a transaction holding the lock on ``project``, SELECTING, the
    selection time reached, no award yet."""
    if project.draw_seed:
        return _draw_legacy(project=project, actor=actor)
    state = draw_state(project, now=now)
    commitment = state.commitment
    if commitment is None:
        raise Conflict(_("No draw commitment was published for this project."))
    if not state.reveals_done:
        raise Conflict(_("Agencies may reveal their contributions until %(at)s; the draw runs "
                         "then, or as soon as every committed agency has revealed.") % {
            "at": timezone.localtime(commitment.reveal_ends_at).strftime("%Y-%m-%d %H:%M")})
    secret = platform_secret_of(commitment)
    if draw.commitment_of(secret) != commitment.commitment:
        raise Conflict(_("The platform's secret no longer matches its published commitment (the "
                         "draw key was changed); the draw cannot be run. Report this to the "
                         "regulator."))
    candidates = _candidates(project)
    if not candidates:
        raise Conflict(_("There is no eligible candidate to draw from."))
    contributions = [{
        "uscc": c.signup.agency.uscc, "agency": c.signup.agency.name, "signup": c.signup_id,
        "commitment": c.commitment, "committed_at": c.committed_at,
        "reveal": c.reveal or None, "revealed_at": c.revealed_at,
    } for c in state.contributions]
    seed = draw.combined_seed(secret, [c.reveal for c in state.contributions if c.reveal])
    by_uscc = {s.agency.uscc: s for s in candidates}
    rounds = draw.draw_ranking(seed, list(by_uscc))
    ranking = [_entry(project, by_uscc[r["uscc"]], round=r["round"], digest=r["digest"],
                      index=r["index"], n=r["n"]) for r in rounds]
    ordered = sorted(by_uscc)
    computation = {
        "method": Method.RANDOM_DRAW,
        "scheme": draw.SCHEME,
        "platform_commitment": commitment.commitment,
        "platform_committed_at": commitment.committed_at,
        "platform_secret": secret,
        "reveal_ends_at": commitment.reveal_ends_at,
        "contributions": contributions,
        "seed_formula": draw.SEED_FORMULA,
        "seed": seed,
        "candidates": [{"uscc": u, "agency": by_uscc[u].agency.name, "signup": by_uscc[u].pk}
                       for u in ordered],
        "formula": draw.FORMULA,
        "digest": rounds[0]["digest"],
        "index": rounds[0]["index"],
        "winner_uscc": rounds[0]["uscc"],
        "one_liner": draw.one_liner_commit_reveal(
            commitment=commitment.commitment, secret=secret,
            contributions=[(c["commitment"], c["reveal"]) for c in contributions], usccs=ordered),
        "drawn_at": now,
    }
    commitment.secret, commitment.revealed_at = secret, now
    commitment.save(update_fields=["secret", "revealed_at"])
    audit_record(actor=actor, action="draw.revealed", obj=project, data={
        "scheme": draw.SCHEME, "platform_commitment": commitment.commitment,
        "platform_secret": secret, "reveals": sorted(c["reveal"] for c in contributions
                                                     if c["reveal"]),
        "seed": seed, "candidates": ordered, "winner": rounds[0]["uscc"]})
    return _finish(project=project, actor=actor, ranking=ranking, computation=computation)


def _draw_legacy(*, project: Project, actor) -> Award:
    """A project published before commit–reveal: its seed was committed when sign-up closed."""
    seed = project.draw_seed
    if not project.draw_commitment or draw.commitment_of(seed) != project.draw_commitment:
        raise Conflict(_("The stored seed does not match the published commitment; the draw "
                         "cannot be run. Report this to the regulator."))
    candidates = _candidates(project)
    if not candidates:
        raise Conflict(_("There is no eligible candidate to draw from."))
    by_uscc = {s.agency.uscc: s for s in candidates}
    rounds = draw.draw_ranking(seed, list(by_uscc))
    ranking = [_entry(project, by_uscc[r["uscc"]], round=r["round"], digest=r["digest"],
                      index=r["index"], n=r["n"]) for r in rounds]
    ordered = sorted(by_uscc)
    computation = {
        "method": Method.RANDOM_DRAW,
        "scheme": draw.LEGACY_SCHEME,
        "seed": seed,
        "commitment": project.draw_commitment,
        "candidates": [{"uscc": u, "agency": by_uscc[u].agency.name, "signup": by_uscc[u].pk}
                       for u in ordered],
        "formula": draw.FORMULA,
        "digest": rounds[0]["digest"],
        "index": rounds[0]["index"],
        "winner_uscc": rounds[0]["uscc"],
        "one_liner": draw.one_liner(seed, ordered),
        "drawn_at": timezone.now(),
    }
    audit_record(actor=actor, action="draw.revealed", obj=project,
                 data={"seed": seed, "commitment": project.draw_commitment,
                       "candidates": ordered, "winner": rounds[0]["uscc"]})
    return _finish(project=project, actor=actor, ranking=ranking, computation=computation)
