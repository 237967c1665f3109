"""The delivery channels: where an intent goes once its transaction committed.

A channel is a name and a ``send(delivery)`` function that the worker calls inside the
delivery's transaction, holding its row lock, once per attempt until one succeeds
(``notifications/services/delivery.py::delivery_send``). ``wants(notification)`` says whether an
intent gets a delivery row on this channel at all (a person without an e-mail address, a kind
nobody subscribes to by SMS).

``inbox`` is registered here; ``email`` and ``sms`` in ``notifications/channels/``; webhooks
plug in the same way, from their app's ``AppConfig.ready``::

    register_channel(Channel("email", send=email_send, wants=email_wants,
                             filter=email_filter))

A channel that talks to a provider sends before its transaction commits, so a worker killed
between the provider's answer and the commit sends again: such channels are at least once and
pass ``idempotency_key(delivery)`` (unique per recipient and channel) to the provider, which
drops the repeat. The inbox writes in the same transaction, so it is exactly once.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from notifications.models import InboxItem
from notifications.services.live import unread_push

_CHANNELS: dict[str, Channel] = {}


@dataclass(frozen=True)
class Channel:
    """``filter(notifications) -> the ones it wants`` is the batch form of ``wants``, for a
    channel whose answer needs the database (the recipients' preferences): one read for all
    the intents of a ``notify`` instead of one per recipient."""

    name: str
    send: Callable  # (Delivery) -> None; raise to fail this attempt
    wants: Callable = lambda notification: True
    filter: Callable | None = None  # (list[Notification]) -> list[Notification]

    def wanted(self, notifications) -> list:
        """The intents among ``notifications`` that get a delivery on this channel."""
        notifications = list(notifications)
        if self.filter is not None:
            return list(self.filter(notifications))
        return [n for n in notifications if self.wants(n)]


def register_channel(channel: Channel) -> None:
    known = _CHANNELS.get(channel.name)
    if known is not None and known != channel:
        raise ValueError(f"channel {channel.name!r} registered twice, differently")
    _CHANNELS[channel.name] = channel


def channel_named(name: str) -> Channel:
    try:
        return _CHANNELS[name]
    except KeyError:
        raise LookupError(f"unregistered notification channel {name!r}") from None


def registered_channels() -> list[Channel]:
    return list(_CHANNELS.values())


def idempotency_key(delivery) -> str:
    """The key a provider deduplicates on: one per intent (recipient) and channel."""
    return f"notification-{delivery.notification_id}-{delivery.channel}"


def inbox_send(delivery) -> None:
    """The inbox channel: one ``InboxItem`` per notification, and the recipient's new unread
    count pushed to their open pages once this commits."""
    notification = delivery.notification
    InboxItem.objects.get_or_create(notification=notification,
                                    defaults={"user_id": notification.user_id})
    user_id = notification.user_id
    transaction.on_commit(lambda: unread_push(user_id), robust=True)


INBOX = Channel("inbox", send=inbox_send)
