"""An organisation's webhook endpoints: create, change, delete, rotate the secret, send a test
event. Its own members only (``webhooks.manage_endpoints`` / ``webhooks.manage_endpoint``);
each change is audited on the endpoint, never with the secret (docs/architecture.md,
"Webhooks").

The URL must be HTTPS; ``http://`` is accepted only for 127.0.0.1, ::1 or localhost and only
when ``settings.DEBUG`` or ``settings.WEBHOOKS_ALLOW_HTTP`` is on (a receiver on the developer's
machine, the tests' local server). The event types are registered notification kinds
(``notifications.kinds.registered_kinds``), or ``"*"`` for all.
"""
from __future__ import annotations

import ipaddress
import uuid
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.audit import audit_record
from core.errors import ValidationFailed, from_django_validation
from core.locking import lock
from core.models import Organisation
from core.permissions import require_perm
from notifications.kinds import registered_kinds
from notifications.outbox import Event
from webhooks import permissions  # noqa: F401  (registers the rules used below)
from webhooks.models import ALL_KINDS, Endpoint, WebhookDelivery
from webhooks.permissions import MANAGE_ENDPOINT, MANAGE_ENDPOINTS
from webhooks.services.events import PING, deliveries_create
from webhooks.signing import new_secret

MAX_ENDPOINTS = 20
"""Endpoints per organisation: each event costs one POST per endpoint it reaches."""
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
MISSING = gettext_lazy("No such webhook endpoint.")


def clean_url(url: str) -> str:
    """``url`` if an endpoint may have it; ``ValidationFailed`` naming the ``url`` field."""
    url = (url or "").strip()
    if not url or len(url) > 500:
        raise ValidationFailed(_("Give the endpoint's URL (at most 500 characters)."),
                               field="url")
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    except ValueError:
        raise ValidationFailed(_("This is not a valid URL."), field="url") from None
    if parts.username or parts.password:
        raise ValidationFailed(_("The URL must not contain a user name or password."),
                               field="url")
    testing = settings.DEBUG or settings.WEBHOOKS_ALLOW_HTTP
    if parts.scheme == "http" and host in LOCAL_HOSTS and testing:
        return url
    if parts.scheme == "https" and host:
        if _is_internal_address(host) and not (testing and host in LOCAL_HOSTS):
            raise ValidationFailed(_("A webhook URL must name a public host, not an internal "
                                     "address."), field="url")
        return url
    raise ValidationFailed(_("A webhook URL must start with https:// (plain http only for "
                             "127.0.0.1 or localhost while testing)."), field="url")


def _is_internal_address(host: str) -> bool:
    """Whether ``host`` is an IP literal of a loopback, private, link-local or reserved network
    (or localhost): the platform does not POST into its own network. A name that resolves to
    such an address is not caught here (see docs/architecture.md, "Webhooks")."""
    if host == "localhost":
        return True
    try:
        return not ipaddress.ip_address(host).is_global
    except ValueError:
        return False


def _full_clean(endpoint: Endpoint) -> None:
    try:
        endpoint.full_clean(exclude=["organisation"])
    except ValidationError as exc:
        raise from_django_validation(exc) from None


def clean_event_types(event_types) -> list[str]:
    """The distinct codes of ``event_types``, each a registered kind or ``"*"``."""
    if not isinstance(event_types, (list, tuple)) or not event_types:
        raise ValidationFailed(_('Choose at least one event type, or "*" for all.'),
                               field="event_types")
    known = registered_kinds()
    codes = list(dict.fromkeys(str(code).strip() for code in event_types))
    unknown = [code for code in codes if code != ALL_KINDS and code not in known]
    if unknown:
        raise ValidationFailed(
            _("Unknown event types: %(codes)s. Known: %(known)s.") % {
                "codes": ", ".join(unknown[:10]), "known": ", ".join(sorted(known))},
            field="event_types")
    return [ALL_KINDS] if ALL_KINDS in codes else codes


def _described(endpoint: Endpoint) -> dict:
    return {"url": endpoint.url, "event_types": endpoint.event_types,
            "active": endpoint.active, "description": endpoint.description}


@transaction.atomic
def webhook_endpoint_create(*, actor, organisation: Organisation, url: str,
                            event_types: list[str], description: str = "") -> Endpoint:
    """A new endpoint of ``organisation`` with a fresh secret (``endpoint.secret``, to be shown
    to the caller this once)."""
    require_perm(actor, MANAGE_ENDPOINTS, organisation)
    organisation = lock(Organisation, organisation, missing=_("No such organisation."))
    endpoint = Endpoint(organisation=organisation, url=clean_url(url),
                        event_types=clean_event_types(event_types),
                        description=(description or "").strip()[:200], secret=new_secret())
    if Endpoint.objects.filter(organisation=organisation).count() >= MAX_ENDPOINTS:
        raise ValidationFailed(_("An organisation keeps at most %(n)s webhook endpoints.")
                               % {"n": MAX_ENDPOINTS}, field="url")
    _full_clean(endpoint)
    endpoint.save()
    audit_record(actor=actor, action="webhook.created", obj=endpoint, data={
        "organisation": organisation.pk, **_described(endpoint)})
    return endpoint


@transaction.atomic
def webhook_endpoint_update(*, actor, endpoint: Endpoint, url: str | None = None,
                            event_types: list[str] | None = None,
                            description: str | None = None,
                            active: bool | None = None) -> Endpoint:
    """Change what is given of ``endpoint``'s URL, event types, description and activity."""
    endpoint = lock(Endpoint, endpoint, missing=MISSING)
    require_perm(actor, MANAGE_ENDPOINT, endpoint)
    before = _described(endpoint)
    if url is not None:
        endpoint.url = clean_url(url)
    if event_types is not None:
        endpoint.event_types = clean_event_types(event_types)
    if description is not None:
        endpoint.description = description.strip()[:200]
    if active is not None:
        endpoint.active = bool(active)
    after = _described(endpoint)
    changed = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    if changed:
        _full_clean(endpoint)
        endpoint.save(update_fields=["url", "event_types", "description", "active"])
        audit_record(actor=actor, action="webhook.updated", obj=endpoint, data=changed)
    return endpoint


@transaction.atomic
def webhook_endpoint_delete(*, actor, endpoint: Endpoint) -> None:
    """Delete ``endpoint`` and its delivery log."""
    endpoint = lock(Endpoint, endpoint, missing=MISSING)
    require_perm(actor, MANAGE_ENDPOINT, endpoint)
    audit_record(actor=actor, action="webhook.deleted", obj=endpoint, data={
        "organisation": endpoint.organisation_id, **_described(endpoint)})
    endpoint.delete()


@transaction.atomic
def webhook_endpoint_rotate_secret(*, actor, endpoint: Endpoint) -> Endpoint:
    """A new secret for ``endpoint`` (the old one stops working at once); shown this once."""
    endpoint = lock(Endpoint, endpoint, missing=MISSING)
    require_perm(actor, MANAGE_ENDPOINT, endpoint)
    endpoint.secret = new_secret()
    endpoint.save(update_fields=["secret"])
    audit_record(actor=actor, action="webhook.secret_rotated", obj=endpoint)
    return endpoint


@transaction.atomic
def webhook_endpoint_ping(*, actor, endpoint: Endpoint) -> WebhookDelivery:
    """Send ``endpoint`` a ``webhook.ping`` event now (after commit), whatever kinds it chose;
    an inactive endpoint is refused."""
    endpoint = lock(Endpoint, endpoint, missing=MISSING)
    require_perm(actor, MANAGE_ENDPOINT, endpoint)
    if not endpoint.active:
        raise ValidationFailed(_("The endpoint is inactive: activate it first."),
                               field="active")
    event = Event(kind=PING, key=f"{PING}:{endpoint.pk}:{uuid.uuid4().hex}",
                  object_type="webhooks.endpoint", object_id=str(endpoint.pk), url="",
                  data={"endpoint": endpoint.pk}, organisation_ids=(endpoint.organisation_id,),
                  at=timezone.now())
    ids = deliveries_create([endpoint], event)
    audit_record(actor=actor, action="webhook.pinged", obj=endpoint, data={"delivery": ids[0]})
    return WebhookDelivery.objects.get(pk=ids[0])
