"""The notification kinds credit emits (docs/architecture.md, "Notifications"), registered by
``CreditConfig.ready``; the emitters are ``credit/services/notices.py``. Texts are English
msgids with their Chinese in credit's catalogue; bodies are filled from each intent's data."""
from django.utils.translation import gettext_lazy as _

from notifications.kinds import KindSpec

AGENCY, REGULATOR, PURCHASER = ("agency",), ("regulator",), ("purchaser",)

KINDS = {
    # Sanctions (R10): proposed, decided, in force, appealed, ended.
    "sanction.proposed": KindSpec(
        title=_("Sanction proposed"),
        body=_("A sanction on %(agency)s was proposed and awaits a regulator's confirmation: "
               "%(reason)s"),
        roles=("agency", "regulator")),
    "sanction.confirmed": KindSpec(
        title=_("Proposed sanction confirmed"),
        body=_("The proposed sanction on %(agency)s was confirmed and is in force: %(reason)s"),
        roles=("agency", "regulator")),
    "sanction.rejected": KindSpec(
        title=_("Proposed sanction rejected"),
        body=_("The proposed sanction on %(agency)s was rejected: %(decision)s"),
        roles=("agency", "regulator")),
    "sanction.warning": KindSpec(
        title=_("Warning issued"),
        body=_("%(agency)s received a warning: %(reason)s"), roles=AGENCY),
    "sanction.suspension": KindSpec(
        title=_("Agency suspended"),
        body=_("%(agency)s is suspended until %(ends)s and cannot sign up or bid meanwhile: "
               "%(reason)s"), roles=AGENCY),
    "sanction.expulsion": KindSpec(
        title=_("Agency expelled"),
        body=_("%(agency)s is expelled and blacklisted until %(until)s: %(reason)s"),
        roles=AGENCY),
    "sanction.lifted": KindSpec(
        title=_("Sanction lifted"),
        body=_("The sanction on %(agency)s was lifted: %(decision)s"), roles=AGENCY),
    "sanction.expired": KindSpec(
        title=_("Sanction ended"),
        body=_("The sanction on %(agency)s has run its course and ended on %(date)s."),
        roles=AGENCY),
    "sanction.expiring": KindSpec(
        title=_("Suspension ending"),
        body=_("The suspension of %(agency)s ends on %(ends)s; from then on it may sign up and "
               "bid again."), roles=AGENCY),
    "agency.reinstated": KindSpec(
        title=_("Agency reinstated"),
        body=_("%(agency)s was reinstated; every sanction on it is lifted: %(decision)s"),
        roles=AGENCY),
    "sanction.appealed": KindSpec(
        title=_("Sanction appealed"),
        body=_("%(agency)s appealed its sanction; the appeal awaits a decision: %(text)s"),
        roles=REGULATOR),
    "sanction.appeal_upheld": KindSpec(
        title=_("Sanction appeal upheld"),
        body=_("The appeal of %(agency)s was upheld and the sanction revoked: %(decision)s"),
        roles=AGENCY),
    "sanction.appeal_rejected": KindSpec(
        title=_("Sanction appeal rejected"),
        body=_("The appeal of %(agency)s was rejected; the sanction stands: %(decision)s"),
        roles=AGENCY),
    # The ledger (R9): grade, regulators' findings, repair.
    "credit.grade_changed": KindSpec(
        title=_("Credit grade changed"),
        body=_("The credit grade of %(agency)s changed from %(before)s to %(after)s (score "
               "%(score)s, %(stars)s stars)."), roles=AGENCY),
    "credit.finding_recorded": KindSpec(
        title=_("Regulator finding recorded"),
        body=_("A regulator recorded a finding on the credit of %(agency)s (%(points)s points): "
               "%(reason)s"), roles=AGENCY),
    "credit.repaired": KindSpec(
        title=_("Credit repaired"),
        body=_("A regulator added a credit repair of %(points)s points to %(agency)s: "
               "%(reason)s"), roles=AGENCY),
    # Random inspections (R11) and the review of ties (R8).
    "inspection.selected": KindSpec(
        title=_("Drawn for a random inspection"),
        body=_("%(agency)s was drawn in the random inspection %(title)s; the inspectors drawn "
               "with it will contact you."), roles=AGENCY),
    "inspection.drawn": KindSpec(
        title=_("Random inspection drawn"),
        body=_("The random inspection %(title)s was drawn: %(count)s agencies to inspect."),
        roles=REGULATOR),
    "inspection.finding_recorded": KindSpec(
        title=_("Inspection finding recorded"),
        body=_("The finding of the random inspection %(title)s on %(agency)s is recorded "
               "(%(points)s points) and counts in its credit."), roles=AGENCY),
    "inspection.published": KindSpec(
        title=_("Inspection results published"),
        body=_("The results of the random inspection %(title)s, in which %(agency)s was drawn, "
               "are published."), roles=AGENCY),
    "tie.reviewed": KindSpec(
        title=_("Declared tie reviewed"),
        body=_("A regulator reviewed the tie of %(agency)s to %(department)s that it declared."),
        roles=AGENCY),
    # The purchaser's own credit (two-sided accountability, R9).
    "purchaser_credit.contract_missed": KindSpec(
        title=_("Signing deadline missed"),
        body=_("The contract for %(project)s was not confirmed by you before the deadline: "
               "%(points)s points on your purchaser credit."), roles=PURCHASER),
    "purchaser_credit.award_declined": KindSpec(
        title=_("Award declined without an accepted cause"),
        body=_("You declined the award of %(project)s without a cause the rules accept: "
               "%(points)s points on your purchaser credit."), roles=PURCHASER),
}
