"""The e-mail channel: one message per intent, through Django's e-mail framework (SMTP as
configured in settings, the console by default), in the recipient's language.

The subject is the kind's title; the body its text, the absolute link and a footer with the
one-click unsubscribe link, which the ``List-Unsubscribe`` and ``List-Unsubscribe-Post``
headers (RFC 8058) carry too. ``Message-ID`` is built from the delivery's idempotency key, so a
message sent twice (a worker killed between the server's answer and the commit) is the same
message to every mail system that deduplicates.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from notifications.channel_registry import Channel, idempotency_key
from notifications.selectors.preferences import choices_for, reached_on
from notifications.unsubscribe import absolute, unsubscribe_url

NAME = "email"


def email_filter(notifications: list) -> list:
    return reached_on(NAME, notifications)


def email_wants(notification) -> bool:
    return bool(email_filter([notification]))


def email_message(delivery, choices) -> EmailMultiAlternatives:
    """The message of ``delivery`` for the person ``choices`` describes."""
    notification = delivery.notification
    key = idempotency_key(delivery)
    with translation.override(choices.language):
        title, body = notification.render(choices.language)
        unsubscribe = unsubscribe_url(user_id=notification.user_id, kind=notification.kind)
        context = {
            "title": title, "body": body, "unsubscribe": unsubscribe,
            "link": absolute(notification.url or reverse("notifications")),
            "settings_link": absolute(reverse("notification-settings")),
            "platform": settings.MARKETPLACE["PLATFORM_NAME"],
        }
        text = render_to_string("notifications/email/notification.txt", context)
        html = render_to_string("notifications/email/notification.html", context)
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    message = EmailMultiAlternatives(
        subject=" ".join(title.split()), body=text, to=[choices.email],
        headers={
            "Message-ID": f"<{key}@{host}>",
            "X-Idempotency-Key": key,
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        })  # the SMTP backend waits at most settings.EMAIL_TIMEOUT
    message.attach_alternative(html, "text/html")
    return message


def email_send(delivery) -> None:
    """Send ``delivery`` by e-mail; raises if the server refuses it (the delivery is retried).
    A person who has turned this kind off (or lost their address) since the intent was written
    is sent nothing."""
    notification = delivery.notification
    choices = choices_for([notification.user_id]).get(notification.user_id)
    if choices is None or not choices.reaches(notification.kind, NAME):
        return
    email_message(delivery, choices).send(fail_silently=False)


EMAIL = Channel(NAME, send=email_send, wants=email_wants, filter=email_filter)
