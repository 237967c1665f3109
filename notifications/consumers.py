"""The live unread badge over WebSockets: ``/ws/notifications/``.

A signed-in person's connection joins the group ``notifications_<user id>`` and receives
``{"type": "notifications.unread", "count": n}`` whenever a delivery or a read of theirs commits
(``notifications/services/live.py::unread_push``), and the current count on connect. Anonymous
connections are closed. One person has few pages open, so the connection joins the group
itself rather than through the process relay the auctions' watchers share."""
from __future__ import annotations

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from core.broadcast import encode
from notifications.selectors.inbox import unread_count
from notifications.services.live import group_for


class NotificationConsumer(AsyncWebsocketConsumer):
    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=4401)
            return
        self.group = group_for(user.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        count = await database_sync_to_async(unread_count)(user.pk)
        await self.send(text_data=encode({"type": "notifications.unread", "count": count}))

    async def disconnect(self, code):
        group = getattr(self, "group", None)
        if group:
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None):
        """Clients send nothing; anything received is ignored."""

    async def relay_frame(self, message):
        """``core.broadcast.send_now``'s frame: already serialised events."""
        for text in message.get("texts", []):
            await self.send(text_data=text)
