"""Webhook endpoints made the real way, through the service (a member of the organisation)."""
from __future__ import annotations

from core.models import Organisation
from tests.factories.core import MemberFactory, OrganisationFactory
from webhooks.models import Endpoint
from webhooks.services.endpoints import webhook_endpoint_create


def member_of(organisation: Organisation):
    return MemberFactory(organisation=organisation).user


def endpoint(url: str, *, organisation: Organisation | None = None,
             kind: str = Organisation.Kind.PURCHASER, event_types=("*",)) -> Endpoint:
    """An active endpoint of ``organisation`` (a fresh one of ``kind`` by default)."""
    if organisation is None:
        fields = {"kind": kind}
        if kind in (Organisation.Kind.APPROVAL, Organisation.Kind.REGULATOR):
            fields.update(uscc="", is_government=True, region=None)
        organisation = OrganisationFactory(**fields)
    return webhook_endpoint_create(actor=member_of(organisation), organisation=organisation,
                                   url=url, event_types=list(event_types))
