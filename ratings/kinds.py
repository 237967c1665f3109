"""The notification kinds ratings emits (docs/architecture.md, "Notifications"), registered by
``RatingsConfig.ready``; the emitters are ``ratings/services/notices.py``. A rating window that
closes unused loses the rating for good (each award is rated once, within the window), so its
reminders are urgent."""
from django.utils.translation import gettext_lazy as _

from notifications.kinds import KindSpec

KINDS = {
    "rating.window_open": KindSpec(
        title=_("Rate the agency"),
        body=_("You accepted the result of %(project)s: you may rate %(agency)s until "
               "%(deadline)s."), roles=("purchaser",)),
    "purchaser_rating.window_open": KindSpec(
        title=_("Rate the purchaser"),
        body=_("%(purchaser)s accepted your result for %(project)s: you may rate the purchaser "
               "until %(deadline)s."), roles=("agency",)),
    "rating.window_closing": KindSpec(
        title=_("Rating window closing"),
        body=_("The window to rate %(agency)s for %(project)s closes on %(deadline)s; after "
               "that the award can no longer be rated."), roles=("purchaser",), urgent=True),
    "purchaser_rating.window_closing": KindSpec(
        title=_("Window to rate the purchaser closing"),
        body=_("The window to rate %(purchaser)s for %(project)s closes on %(deadline)s; after "
               "that the purchaser can no longer be rated for it."), roles=("agency",),
        urgent=True),
    "rating.submitted": KindSpec(
        title=_("New rating of your agency"),
        body=_("%(purchaser)s rated your service on %(project)s: %(average)s stars."),
        roles=("agency",)),
    "purchaser_rating.submitted": KindSpec(
        title=_("The agency rated you"),
        body=_("%(agency)s rated you as purchaser of %(project)s: %(average)s stars."),
        roles=("purchaser",)),
    "rating.replied": KindSpec(
        title=_("The agency replied to your rating"),
        body=_("%(agency)s replied publicly to your rating for %(project)s."),
        roles=("purchaser",)),
    "purchaser_rating.replied": KindSpec(
        title=_("The purchaser replied to your rating"),
        body=_("%(purchaser)s replied publicly to your rating for %(project)s."),
        roles=("agency",)),
    "rating.appealed": KindSpec(
        title=_("Rating appealed"),
        body=_("%(agency)s appealed the rating for %(project)s; a regulator will decide."),
        roles=("purchaser", "regulator")),
    "rating.appeal_upheld": KindSpec(
        title=_("Rating appeal upheld"),
        body=_("The appeal against the rating of %(agency)s for %(project)s was upheld; the "
               "rating is voided: %(decision)s"), roles=("purchaser", "agency")),
    "rating.appeal_rejected": KindSpec(
        title=_("Rating appeal rejected"),
        body=_("The appeal against the rating of %(agency)s for %(project)s was rejected; the "
               "rating stands: %(decision)s"), roles=("purchaser", "agency")),
    "rating.voided": KindSpec(
        title=_("Rating voided"),
        body=_("A regulator voided the rating of %(agency)s for %(project)s: %(reason)s"),
        roles=("purchaser", "agency")),
}
