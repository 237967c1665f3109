"""The public kinds: events whose content the platform publishes anyway (an award, a sanction,
an inspection's results), which a regulator's or an approval department's endpoint receives
even when the event did not address its organisation (审管衔接; docs/architecture.md,
"Webhooks"). Every other kind reaches only the endpoints of the organisations addressed, so
what is confidential before a deadline (sign-ups before they close, bids, quotes) never leaves
for anyone else.

A code here that no app registers (``notifications.kinds.registered_kinds``) simply never
happens; an endpoint may subscribe only to registered codes.
"""
from __future__ import annotations

from core.models import Organisation

PUBLIC_KINDS = frozenset({
    "award.made",            # the award notice is public (公示)
    "sanction.confirmed",    # a sanction in force is published on the credit pages
    "sanction.published",
    "inspection.published",  # random inspection results (双随机、一公开)
})

OBSERVER_KINDS = (Organisation.Kind.REGULATOR, Organisation.Kind.APPROVAL)
"""The organisations whose endpoints receive the public kinds without being addressed."""


def is_public(kind: str) -> bool:
    return kind in PUBLIC_KINDS
