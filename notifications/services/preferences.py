"""A person's notification settings: mobile number, language, and which channel carries which
kind; and the one-click unsubscribe of an e-mail's link (docs/architecture.md,
"Notifications"). The defaults and how they combine are in
``notifications/selectors/preferences.py``."""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from core.audit import audit_record
from core.errors import ValidationFailed, from_django_validation
from core.locking import lock
from core.permissions import require_perm
from notifications import permissions  # noqa: F401  (registers the rules used below)
from notifications.models import ChannelPreference, NotificationSettings
from notifications.selectors.preferences import (
    ALL_KINDS,
    ALWAYS_ON,
    CONFIGURABLE,
    default_enabled,
    kinds_for,
)
from notifications.unsubscribe import unsubscribe_read

INBOX_LOCKED = _("The inbox keeps every notification: it cannot be turned off.")
NO_CHANNEL = _("No such channel: choose e-mail or SMS.")
NOT_YOUR_KIND = _("No such notification for your role: %(kind)s.")
BAD_LANGUAGE = _("Choose one of the platform's languages.")
BAD_LINK = _("This unsubscribe link is not valid (it may have been cut or altered). Sign in "
             "and open the notification settings to choose what you receive.")


def _mobile(text: str) -> str:
    """Spaces, hyphens and the +86 / 0086 prefix removed; ``validate_mobile`` does the rest."""
    text = re.sub(r"[\s\-()]", "", text or "")
    return re.sub(r"^(\+86|0086)", "", text)


def _channel(channel: str) -> str:
    if channel in ALWAYS_ON:
        raise ValidationFailed(INBOX_LOCKED, field="channels")
    if channel not in CONFIGURABLE:
        raise ValidationFailed(NO_CHANNEL, field="channels")
    return channel


@transaction.atomic
def notification_settings_update(
        *, actor, user, mobile: str | None = None, language: str | None = None,
        channels: Mapping[str, bool] | None = None,
        kinds: Iterable[tuple[str, str, bool]] | None = None) -> NotificationSettings:
    """Change what is given, keep the rest: ``mobile`` (empty: none), ``language``,
    ``channels`` (``{"email": False}``: the channel as a whole), ``kinds`` (``(kind, channel,
    enabled)`` for the kinds of the person's role). The inbox cannot be turned off."""
    require_perm(actor, "notifications.change_settings", user)
    lock(get_user_model(), user)  # one writer of this person's settings at a time
    row = NotificationSettings.objects.filter(user=user).first() or NotificationSettings(
        user=user)
    before = {"mobile": row.mobile, "language": row.language}
    if mobile is not None:
        row.mobile = _mobile(mobile)
    if language is not None:
        if language not in dict(settings.LANGUAGES):
            raise ValidationFailed(BAD_LANGUAGE, field="language")
        row.language = language
    try:
        row.full_clean(exclude=["user"])
    except ValidationError as exc:
        raise from_django_validation(exc) from None
    wanted: dict[tuple[str, str], bool] = {}
    for channel, enabled in (channels or {}).items():
        wanted[(ALL_KINDS, _channel(channel))] = bool(enabled)
    allowed = kinds_for(user)
    for kind, channel, enabled in kinds or ():
        if kind not in allowed:
            raise ValidationFailed(NOT_YOUR_KIND % {"kind": str(kind)[:64]}, field="kinds")
        wanted[(kind, _channel(channel))] = bool(enabled)
    changed: dict = {}
    after = {"mobile": row.mobile, "language": row.language}
    if row._state.adding or after != before:
        row.save()
        changed.update({k: [before[k], v] for k, v in after.items() if before[k] != v})
    changed.update(_store(user, wanted))
    if changed:
        audit_record(actor=actor, action="notification_settings.changed", obj=row,
                     data={"changed": changed})
    return row


def _store(user, wanted: dict[tuple[str, str], bool]) -> dict:
    """Write the preferences that differ from the stored ones (or, where none is stored, from
    the default: a page saved unchanged stores nothing, so the person keeps following the
    defaults); ``{"kind/channel": enabled}`` of what changed."""
    if not wanted:
        return {}
    stored = {(p.kind, p.channel): p for p in ChannelPreference.objects.filter(user=user)}
    changed = {}
    for (kind, channel), enabled in sorted(wanted.items()):
        row = stored.get((kind, channel))
        if row is None:
            default = True if kind == ALL_KINDS else default_enabled(kind, channel)
            if enabled == default:
                continue
            ChannelPreference.objects.create(user=user, kind=kind, channel=channel,
                                             enabled=enabled)
        elif row.enabled != enabled:
            row.enabled = enabled
            row.save(update_fields=["enabled"])
        else:
            continue
        changed[f"{kind}/{channel}"] = enabled
    return changed


@dataclass(frozen=True)
class Unsubscribed:
    user: object
    kind: str
    channel: str
    everything: bool  # the whole channel, not only this kind


@transaction.atomic
def notifications_unsubscribe(*, token: str, everything: bool = False) -> Unsubscribed:
    """Turn off the kind (or, ``everything``, the whole channel) the link's token names, for
    the person it names, who proves it by holding the link: no sign-in needed. An altered or
    foreign token is ``ValidationFailed``. Idempotent: a second click changes nothing."""
    link = unsubscribe_read(token)
    if link is None or link.channel not in CONFIGURABLE:
        raise ValidationFailed(BAD_LINK, code="bad_link")
    user = get_user_model().objects.filter(pk=link.user_id, is_active=True).first()
    if user is None:
        raise ValidationFailed(BAD_LINK, code="bad_link")
    require_perm(user, "notifications.change_settings", user)
    lock(get_user_model(), user)
    kind = ALL_KINDS if everything else link.kind
    changed = _store(user, {(kind, link.channel): False})
    if changed:
        audit_record(actor=user, action="notifications.unsubscribed", obj=user,
                     data={"kind": kind, "channel": link.channel})
    return Unsubscribed(user=user, kind=link.kind, channel=link.channel, everything=everything)
