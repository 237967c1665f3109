"""The text-message channel: the kind's title and the link, to the person's mobile number,
through the configured backend (``notifications/sms.py``). On by default only for urgent kinds
(docs/architecture.md, "Notifications")."""
from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from notifications.channel_registry import Channel, idempotency_key
from notifications.selectors.preferences import choices_for, reached_on
from notifications.sms import sms_backend
from notifications.unsubscribe import absolute

NAME = "sms"


def sms_filter(notifications: list) -> list:
    return reached_on(NAME, notifications)


def sms_wants(notification) -> bool:
    return bool(sms_filter([notification]))


def sms_text(notification, language: str) -> str:
    with translation.override(language):
        title, _body = notification.render(language)
        return gettext("[%(platform)s] %(title)s %(link)s") % {
            "platform": settings.MARKETPLACE["PLATFORM_NAME"], "title": title,
            "link": absolute(notification.url or reverse("notifications"))}


def sms_send(delivery) -> None:
    """Send ``delivery`` as a text message; raises if the gateway refuses it (retried). Nothing
    is sent to a person who turned it off or removed their number since."""
    notification = delivery.notification
    choices = choices_for([notification.user_id]).get(notification.user_id)
    if choices is None or not choices.reaches(notification.kind, NAME):
        return
    sms_backend().send(choices.mobile, sms_text(notification, choices.language),
                       idempotency_key(delivery))


SMS = Channel(NAME, send=sms_send, wants=sms_wants, filter=sms_filter)
