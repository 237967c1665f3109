"""Who wants what on which channel: a person's settings and channel preferences, with the
defaults for everything they never chose (docs/architecture.md, "Notifications").

- ``inbox`` is always on: it is the record of what the platform told a person.
- ``email`` is on for every kind, for a person with an address.
- ``sms`` is on only for urgent kinds (``KindSpec.urgent``: a deadline that penalises), for a
  person who gave a mobile number.
- A preference row for a kind wins over the default; the row of kind ``"*"`` switched off
  turns the whole channel off.

``choices_for`` reads everything the channels need for many recipients in two queries, so a
``notify`` to an organisation of any size costs the same number of them.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model

from core.roles import organisation_of
from notifications.kinds import KindSpec, registered_kinds
from notifications.models import ChannelPreference, NotificationSettings

ALWAYS_ON = ("inbox",)
CONFIGURABLE = ("email", "sms")
ALL_KINDS = ChannelPreference.ALL_KINDS


def default_enabled(kind: str, channel: str) -> bool:
    """The choice of a person who never chose: see the module's docstring."""
    if channel == "sms":
        spec = registered_kinds().get(kind)
        return bool(spec and spec.urgent)
    return True


@dataclass(frozen=True)
class Choices:
    """One person's address, number, language and stored preferences."""

    user_id: int
    email: str = ""
    mobile: str = ""
    language: str = settings.LANGUAGE_CODE
    stored: dict = field(default_factory=dict)  # (kind, channel) -> enabled

    def channel_on(self, channel: str) -> bool:
        return channel in ALWAYS_ON or self.stored.get((ALL_KINDS, channel), True)

    def enabled(self, kind: str, channel: str) -> bool:
        """Whether ``kind`` goes out on ``channel`` to this person (address aside)."""
        if channel in ALWAYS_ON:
            return True
        if not self.channel_on(channel):
            return False
        stored = self.stored.get((kind, channel))
        return default_enabled(kind, channel) if stored is None else stored

    def reaches(self, kind: str, channel: str) -> bool:
        """``enabled`` and the person has the address the channel needs."""
        if channel == "email" and not self.email:
            return False
        if channel == "sms" and not self.mobile:
            return False
        return self.enabled(kind, channel)


def choices_for(user_ids: Iterable[int]) -> dict[int, Choices]:
    """``{user id: Choices}`` for the active users among ``user_ids``: two queries."""
    ids = list(dict.fromkeys(user_ids))
    if not ids:
        return {}
    stored: dict[int, dict] = {uid: {} for uid in ids}
    for uid, kind, channel, enabled in ChannelPreference.objects.filter(
            user_id__in=ids).values_list("user_id", "kind", "channel", "enabled"):
        stored[uid][(kind, channel)] = enabled
    rows = get_user_model().objects.filter(pk__in=ids, is_active=True).values_list(
        "pk", "email", "notification_settings__mobile", "notification_settings__language")
    return {pk: Choices(user_id=pk, email=email or "", mobile=mobile or "",
                        language=language or settings.LANGUAGE_CODE, stored=stored[pk])
            for pk, email, mobile, language in rows}


def choices_of(user) -> Choices:
    return choices_for([user.pk]).get(user.pk) or Choices(user_id=user.pk)


def settings_of(user) -> NotificationSettings:
    """``user``'s settings row, or an unsaved one holding the defaults."""
    row = NotificationSettings.objects.filter(user=user).first()
    return row or NotificationSettings(user=user)


def kinds_for(user) -> dict[str, KindSpec]:
    """The kinds a person may choose channels for: those meant for their organisation's role
    (``KindSpec.roles``; a kind naming no role is for everyone), every kind for an account of
    no organisation."""
    org = organisation_of(user)
    return {code: spec for code, spec in sorted(registered_kinds().items())
            if org is None or not spec.roles or org.kind in spec.roles}


@dataclass(frozen=True)
class KindRow:
    kind: str
    spec: KindSpec
    enabled: dict  # channel -> bool, for ALWAYS_ON + CONFIGURABLE


def preference_rows(user, choices: Choices | None = None) -> list[KindRow]:
    """One row per kind of ``kinds_for(user)``, with what reaches the person on each channel
    (the page's and the API's table)."""
    choices = choices or choices_of(user)
    return [KindRow(kind, spec, {channel: choices.enabled(kind, channel)
                                 for channel in ALWAYS_ON + CONFIGURABLE})
            for kind, spec in kinds_for(user).items()]


def reached_on(channel: str, notifications: list) -> list:
    """The ``notifications`` whose reader wants them on ``channel`` (two queries whatever their
    number): the batch filter of the e-mail and SMS channels (``Channel.filter``)."""
    choices = choices_for(n.user_id for n in notifications)
    return [n for n in notifications
            if n.user_id in choices and choices[n.user_id].reaches(n.kind, channel)]
