"""Side effects after commit only: a bid that rolls back is never broadcast (STYLE.md)."""
from __future__ import annotations

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction


def send_now(group: str, event: dict) -> None:
    layer = get_channel_layer()
    if layer is not None:
        async_to_sync(layer.group_send)(group, event)


def broadcast(group: str, event: dict) -> None:
    """Queue ``event`` (a dict whose ``type`` is dotted, e.g. ``bid.placed``) to ``group`` once
    the surrounding transaction commits."""
    transaction.on_commit(lambda: send_now(group, event))
