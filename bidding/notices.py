"""The notification kinds bidding emits (docs/architecture.md, "Notifications"), registered from
``BiddingConfig.ready``. ``award.made``, ``signup.closed`` and ``contract.deadline_near`` are
the platform's own kinds (``notifications.kinds.PLATFORM_KINDS``) and are reused, not
registered again. The emitters are ``bidding/services/notices.py`` and the services that call
it; the reminders are ``bidding/services/reminders.py``.

``urgent`` marks the kinds about a deadline that penalises when missed: a contract to confirm
before the signing deadline, a service time limit overdue (超时预警).
"""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from notifications.kinds import KindSpec

PURCHASER, AGENCY, REGULATOR, EXPERT = "purchaser", "agency", "regulator", "expert"

KINDS = {
    "posting.invitation": KindSpec(
        title=_("Invitation to a new posting"),
        body=_("A posting matching your subscriptions was published: %(project)s (sign-up "
               "closes %(deadline)s)."),
        roles=(AGENCY,)),
    "posting.published": KindSpec(
        title=_("Posting published"),
        body=_("Your posting %(project)s is published; sign-up closes %(deadline)s."),
        roles=(PURCHASER,)),
    "posting.withdrawn": KindSpec(
        title=_("Posting withdrawn"),
        body=_("The posting %(project)s was withdrawn: %(reason)s"),
        roles=(PURCHASER, AGENCY)),
    "posting_review.requested": KindSpec(
        title=_("Posting review requested"),
        body=_("%(purchaser)s asks for the review of its posting %(project)s, citing "
               "%(legal_basis)s."),
        roles=(REGULATOR,)),
    "posting_review.approved": KindSpec(
        title=_("Posting review approved"),
        body=_("The regulator approved the flagged requirements of %(project)s: %(reason)s"),
        roles=(PURCHASER,)),
    "posting_review.refused": KindSpec(
        title=_("Posting review refused"),
        body=_("The regulator refused the flagged requirements of %(project)s: %(reason)s"),
        roles=(PURCHASER,)),
    "signup.received": KindSpec(
        title=_("Sign-up received"),
        body=_("The sign-up of %(agency)s for %(project)s is recorded; sign-up closes "
               "%(deadline)s."),
        roles=(PURCHASER, AGENCY)),
    "signup.cancelled": KindSpec(
        title=_("Sign-up cancelled"),
        body=_("The sign-up of %(agency)s for %(project)s is cancelled."),
        roles=(PURCHASER, AGENCY)),
    "signup.closing": KindSpec(
        title=_("Sign-up closing soon"),
        body=_("Sign-up for %(project)s closes %(deadline)s."),
        roles=(AGENCY,)),
    "selection.admitted": KindSpec(
        title=_("Admitted to the selection"),
        body=_("Sign-up for %(project)s has closed: your agency takes part in the %(method)s "
               "at %(at)s."),
        roles=(AGENCY,)),
    "project.failed": KindSpec(
        title=_("Selection failed"),
        body=_("%(project)s: %(reason)s"),
        roles=(PURCHASER, AGENCY)),
    "auction.starting": KindSpec(
        title=_("Live bidding starting"),
        body=_("Live bidding for %(project)s opens at %(start)s and ends at %(end)s."),
        roles=(PURCHASER, AGENCY)),
    "auction.extended": KindSpec(
        title=_("Live bidding in extra time"),
        body=_("A late bid extended the live bidding for %(project)s: it now ends at %(end)s, "
               "and each bid in the last minutes extends it again."),
        roles=(PURCHASER, AGENCY)),
    "award.published": KindSpec(
        title=_("Selection result published"),
        body=_("The result of %(project)s (%(method)s) is published: %(agency)s was selected "
               "at %(price)s. Objections may be filed until %(until)s."),
        roles=(AGENCY,)),
    "award.offered_next": KindSpec(
        title=_("Award offered to the next candidate"),
        body=_("%(project)s: the award passed to %(agency)s (rank %(rank)s) at %(price)s. "
               "Objections may be filed until %(until)s."),
        roles=(PURCHASER, AGENCY)),
    "award.declined": KindSpec(
        title=_("Award declined by the purchaser"),
        body=_("The purchaser declined the award of %(project)s to %(agency)s: %(reason)s"),
        roles=(PURCHASER, AGENCY)),
    "objection.filed": KindSpec(
        title=_("Objection filed"),
        body=_("%(objector)s objects to the award of %(project)s to %(agency)s."),
        roles=(PURCHASER, AGENCY, REGULATOR)),
    "objection.answered": KindSpec(
        title=_("Objection answered"),
        body=_("The purchaser answered the objection of %(objector)s to the award of "
               "%(project)s."),
        roles=(AGENCY, REGULATOR)),
    "objection.upheld": KindSpec(
        title=_("Objection upheld"),
        body=_("The regulator upheld the objection of %(objector)s to the award of %(project)s "
               "to %(agency)s: %(decision)s"),
        roles=(PURCHASER, AGENCY)),
    "objection.rejected": KindSpec(
        title=_("Objection rejected"),
        body=_("The regulator rejected the objection of %(objector)s to the award of "
               "%(project)s to %(agency)s: %(decision)s"),
        roles=(PURCHASER, AGENCY)),
    "contract.uploaded": KindSpec(
        title=_("Contract to confirm"),
        body=_("%(by)s uploaded the signed contract for %(project)s; confirm it by "
               "%(deadline)s."),
        roles=(PURCHASER, AGENCY), urgent=True),
    "contract.confirmed": KindSpec(
        title=_("Contract confirmed"),
        body=_("The contract for %(project)s is confirmed; the service is due by %(due)s."),
        roles=(PURCHASER, AGENCY)),
    "contract.refused": KindSpec(
        title=_("Winner refused to sign"),
        body=_("%(agency)s refused to sign the contract for %(project)s: %(reason)s"),
        roles=(PURCHASER, AGENCY)),
    "contract.missed": KindSpec(
        title=_("Contract deadline missed"),
        body=_("The contract for %(project)s was not signed by %(deadline)s (%(party)s did "
               "not do its part)."),
        roles=(PURCHASER, AGENCY)),
    "delivery.submitted": KindSpec(
        title=_("Result delivered"),
        body=_("%(agency)s delivered the result of %(project)s: accept it or return it."),
        roles=(PURCHASER,)),
    "delivery.returned": KindSpec(
        title=_("Result returned"),
        body=_("The purchaser returned the result of %(project)s: %(reason)s"),
        roles=(AGENCY,)),
    "delivery.accepted": KindSpec(
        title=_("Result accepted"),
        body=_("The purchaser accepted the result of %(project)s."),
        roles=(AGENCY,)),
    "delivery.overdue": KindSpec(
        title=_("Service time limit overdue"),
        body=_("The result of %(project)s by %(agency)s was due %(due)s and has not been "
               "delivered."),
        roles=(PURCHASER, AGENCY, REGULATOR), urgent=True),
    "panel.seated": KindSpec(
        title=_("Seated on an evaluation panel"),
        body=_("You are seated on the evaluation panel of %(project)s; submit your scores by "
               "%(deadline)s."),
        roles=(EXPERT,), urgent=True),
    "panel.seat_replaced": KindSpec(
        title=_("Panel seat replaced"),
        body=_("The scoring deadline of %(project)s passed: your seat on its panel was given to "
               "a reserve expert."),
        roles=(EXPERT,)),
}
