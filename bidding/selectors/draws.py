"""Reads of the commit–reveal draw (``bidding.draw``): where a project's draw stands."""
from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import timezone

from bidding.models import DrawCommitment, DrawContribution, Project, SignUp
from core.models import AuditEvent


@dataclass
class DrawState:
    """A random-draw project's commitment and its active sign-ups' contributions.

    ``scheme`` is ``"commit-reveal"`` (platform commitment at publication) or ``"legacy"`` (a
    project published before it, drawn from a seed committed at sign-up close)."""

    project: Project
    commitment: DrawCommitment | None
    contributions: list[DrawContribution] = field(default_factory=list)
    now: object = None

    @property
    def scheme(self) -> str:
        return "commit-reveal" if self.commitment is not None else "legacy"

    @property
    def committed(self) -> int:
        return len(self.contributions)

    @property
    def revealed(self) -> int:
        return sum(1 for c in self.contributions if c.reveal)

    @property
    def all_revealed(self) -> bool:
        return self.revealed == self.committed

    @property
    def reveal_open(self) -> bool:
        """Sign-up has closed and the reveal window is still open."""
        c = self.commitment
        return (c is not None and c.reveal_ends_at is not None and not c.secret
                and self.project.status == Project.Status.SELECTING and self.now < c.reveal_ends_at)

    @property
    def reveals_done(self) -> bool:
        """Nothing more to wait for on the agencies' side: the window is over or everyone who
        committed has revealed (always true under the legacy scheme)."""
        c = self.commitment
        if c is None:
            return True
        if c.reveal_ends_at is None:
            return False
        return self.now >= c.reveal_ends_at or self.all_revealed

    @property
    def selection_time_reached(self) -> bool:
        return not self.project.selection_at or self.now >= self.project.selection_at

    @property
    def ready(self) -> bool:
        """The draw may run now."""
        return (self.project.status == Project.Status.SELECTING and self.reveals_done
                and self.selection_time_reached)


def draw_state(project: Project, *, now=None) -> DrawState:
    commitment = DrawCommitment.objects.filter(project=project).first()
    contributions = list(
        DrawContribution.objects.filter(signup__project=project,
                                        signup__status=SignUp.Status.ACTIVE)
        .select_related("signup__agency").order_by("signup__agency__uscc"))
    return DrawState(project=project, commitment=commitment, contributions=contributions,
                     now=now or timezone.now())


def contribution_of(signup: SignUp | None) -> DrawContribution | None:
    if signup is None:
        return None
    return DrawContribution.objects.filter(signup=signup).first()


def draws_due(*, now=None) -> list[int]:
    """Random-draw projects awaiting selection whose draw may run now (for
    ``run_due_selections``): the selection time has come and the reveals are done."""
    now = now or timezone.now()
    due = []
    projects = (Project.objects.filter(status=Project.Status.SELECTING,
                                       method=Project.Method.RANDOM_DRAW, selection_at__lte=now)
                .order_by("selection_at", "pk"))
    for project in projects:
        if draw_state(project, now=now).ready:
            due.append(project.pk)
    return due


def draw_audit_problems(project: Project, computation: dict) -> list[str]:
    """What the audit trail says against a published ``commit-reveal`` computation: the platform
    commitment must be the one recorded at publication, recorded before the first sign-up;
    each agency's commitment the one recorded with its sign-up, before sign-up closed; each
    reveal the one recorded, and no recorded reveal left out of the notice."""
    problems = []
    committed = (AuditEvent.objects.filter(object_type="bidding.project",
                                           object_id=str(project.pk), action="draw.committed")
                 .order_by("seq").first())
    signup_ids = {str(pk): pk for pk in SignUp.objects.filter(project=project)
                  .values_list("pk", flat=True)}
    signup_events = list(AuditEvent.objects.filter(
        object_type="bidding.signup", object_id__in=list(signup_ids),
        action__in=["signup.created", "draw.contribution_revealed"]).order_by("seq"))
    first_signup = next((e for e in signup_events if e.action == "signup.created"), None)
    closed = (AuditEvent.objects.filter(object_type="bidding.project", object_id=str(project.pk),
                                        action="project.signups_closed")
              .order_by("seq").first())
    if committed is None:
        problems.append("no platform commitment (draw.committed) in the audit trail")
    else:
        if committed.data.get("platform_commitment") != computation.get("platform_commitment"):
            problems.append("the notice's platform commitment differs from the one published "
                            "at publication")
        if first_signup is not None and not committed.at < first_signup.at:
            problems.append(f"the platform commitment was published at {committed.at.isoformat()},"
                            f" not before the first sign-up ({first_signup.at.isoformat()})")
    created = {}  # the commitment each sign-up last made, and when
    reveals = {}
    for event in signup_events:
        if event.action == "signup.created":
            created[int(event.object_id)] = event
        else:
            reveals[int(event.object_id)] = event
    published = {c.get("signup"): c for c in computation.get("contributions", [])}
    for signup_id, event in created.items():
        commitment = event.data.get("draw_commitment") or ""
        entry = published.get(signup_id)
        if entry is None:
            if commitment and SignUp.objects.filter(pk=signup_id,
                                                    status=SignUp.Status.ACTIVE).exists():
                problems.append(f"sign-up {signup_id}: its commitment is missing from the notice")
            continue
        if commitment != entry.get("commitment"):
            problems.append(f"{entry.get('uscc')}: the notice's commitment differs from the one "
                            "made at sign-up")
        if closed is not None and not event.at < closed.at:
            problems.append(f"{entry.get('uscc')}: the commitment was made after sign-up closed")
    for signup_id, entry in published.items():
        if signup_id not in created:
            problems.append(f"{entry.get('uscc')}: no sign-up commitment in the audit trail")
        event = reveals.get(signup_id)
        recorded = event.data.get("reveal") if event is not None else None
        if (entry.get("reveal") or None) != recorded:
            problems.append(f"{entry.get('uscc')}: the notice's reveal differs from the one "
                            "recorded" if recorded else
                            f"{entry.get('uscc')}: a reveal is published that was never recorded")
        if event is not None and closed is not None and not closed.at <= event.at:
            problems.append(f"{entry.get('uscc')}: revealed before sign-up closed")
    return problems
