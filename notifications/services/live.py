"""The live unread badge: after a delivery or a read commits, the person's open pages get
their new count over ``/ws/notifications/`` (``notifications/consumers.py``)."""
from __future__ import annotations

import logging

from core.broadcast import send_now
from notifications.selectors.inbox import unread_count

log = logging.getLogger(__name__)


def group_for(user_id: int) -> str:
    return f"notifications_{user_id}"


def unread_push(user_id: int) -> None:
    """Send ``{"type": "notifications.unread", "count": n}`` to ``user_id``'s pages now (call
    after commit). A channel layer that is down costs the live update only: the badge is read
    again on the next page."""
    try:
        send_now(group_for(user_id), {"type": "notifications.unread",
                                      "count": unread_count(user_id)})
    except Exception:  # noqa: BLE001 - the delivery is committed; only the live push failed
        log.warning("unread count push to user %s failed", user_id, exc_info=True)
