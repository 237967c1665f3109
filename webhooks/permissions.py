"""The named permissions of webhooks (docs/conventions.md, "Permissions"): an organisation's
members manage its endpoints; a delivery is replayed by them or by a superuser (the admin)."""
import rules
from django.utils.translation import gettext_lazy as _

from core.permissions import add_perm, is_signed_in, is_superuser, is_system
from core.roles import organisation_of

MANAGE_ENDPOINTS = "webhooks.manage_endpoints"
MANAGE_ENDPOINT = "webhooks.manage_endpoint"
REPLAY_DELIVERY = "webhooks.replay_delivery"


@rules.predicate
def is_member_of(user, organisation) -> bool:
    org = organisation_of(user)
    return org is not None and organisation is not None and org.pk == organisation.pk


@rules.predicate
def is_endpoint_member(user, endpoint) -> bool:
    org = organisation_of(user)
    return org is not None and endpoint is not None and endpoint.organisation_id == org.pk


@rules.predicate
def is_delivery_member(user, delivery) -> bool:
    org = organisation_of(user)
    return (org is not None and delivery is not None
            and delivery.endpoint.organisation_id == org.pk)


add_perm(MANAGE_ENDPOINTS, is_signed_in & is_member_of,
         _("Only a member of the organisation manages its webhooks."))
add_perm(MANAGE_ENDPOINT, is_signed_in & is_endpoint_member,
         _("This webhook endpoint is not your organisation's."))
add_perm(REPLAY_DELIVERY, is_system | is_superuser | (is_signed_in & is_delivery_member),
         _("Only the endpoint's organisation or an administrator replays a delivery."))
