"""Sign-ups (报名): an eligible agency signs up while sign-up is open, or cancels its sign-up.

The sign-up's life cycle is ``SignUp.transitions`` (ACTIVE ⇄ CANCELLED). Both functions lock the
project row first (``core.locking.lock``), so they are serialised with closing and withdrawal.
"""
from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import Agency, Practitioner
from bidding.eligibility import require_eligible
from bidding.models import Project, SignUp
from bidding.services import notices
from bidding.services.common import agency_of, lock_project
from bidding.services.draws import contribution_commit, parse_commitment
from core.audit import audit_record
from core.errors import Conflict, NotFound, ValidationFailed
from core.transitions import transition


def _practitioners_for(agency: Agency, practitioners) -> list[Practitioner]:
    ids = [p.pk if isinstance(p, Practitioner) else int(p) for p in practitioners or ()]
    found = list(Practitioner.objects.filter(agency=agency, pk__in=ids))
    if len(found) != len(set(ids)):
        raise ValidationFailed(_("Name practitioners of your own agency."), field="practitioners")
    return found


@transaction.atomic
def signup_create(*, actor, project: Project, practitioners=(), draw_commitment="",
                  now=None) -> SignUp:
    """An eligible agency signs up while sign-up is open, naming practitioners if asked; for a
    random draw it may commit to a contribution (``draw_commitment``: sha256 hex of 64 hex
    characters it keeps, revealed after sign-up closes, ``bidding.services.draws``)."""
    agency = agency_of(actor)
    draw_commitment = parse_commitment(draw_commitment)
    project = lock_project(project)
    now = now or timezone.now()
    if not project.signup_open(now):
        raise Conflict(_("Sign-up for this project is not open."))
    require_eligible(agency=agency, project=project)
    people = _practitioners_for(agency, practitioners)
    if project.practitioner_count and len(people) < project.practitioner_count:
        raise ValidationFailed(_("This project asks for %(n)s practitioners; name them.")
                               % {"n": project.practitioner_count}, field="practitioners")
    # The project lock serialises sign-ups of the project, so the row read here cannot change.
    signup = SignUp.objects.filter(project=project, agency=agency).first()
    data = {"project": project.pk, "agency": agency.pk, "practitioners": [p.pk for p in people]}
    if signup is not None and signup.status == SignUp.Status.ACTIVE:
        raise Conflict(_("Your agency has already signed up for this project."))
    if signup is None:
        signup = SignUp.objects.create(project=project, agency=agency)
    if project.method == Project.Method.RANDOM_DRAW or draw_commitment:
        data["draw_commitment"] = contribution_commit(
            project=project, signup=signup, commitment=draw_commitment, now=now)
    signup.practitioners.set(people)
    if signup.status == SignUp.Status.ACTIVE:  # just created
        audit_record(actor=actor, action="signup.created", obj=signup, data=data)
    else:
        transition(signup, "renew", actor=actor, data=data)
    notices.signup_received(project, signup, now)
    return signup


@transaction.atomic
def signup_cancel(*, actor, project: Project, now=None) -> SignUp:
    """The agency cancels its own sign-up while sign-up is still open."""
    agency = agency_of(actor)
    project = lock_project(project)
    now = now or timezone.now()
    signup = SignUp.objects.filter(project=project, agency=agency,
                                   status=SignUp.Status.ACTIVE).first()
    if signup is None:
        raise NotFound(_("Your agency has no sign-up for this project."))
    if project.status != Project.Status.PUBLISHED or project.signup_deadline <= now:
        raise Conflict(_("Sign-up has closed; the sign-up can no longer be cancelled."))
    transition(signup, "cancel", actor=actor, data={"project": project.pk, "agency": agency.pk})
    notices.signup_cancelled(project, signup, now)
    return signup
