"""The socket at /ws: one per open page (or API client), joined to its member's group.

What the server sends: {"type": "message.new" | "message.unsent" | "message.read" | "typing" |
"notification.new" | "pong", "data": {...}} (docs/live.md lists them). Every message names what
changed, by id: the database stays the source of truth, and a page that reconnects asks the API
for what came after the last id it saw.

What a client may send: {"type": "ping"} and {"type": "typing", "conversation": id}.
"""

import asyncio

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings

from vitrina.live import identity as identities
from vitrina.live import typing
from vitrina.live.delivery import start_pump, user_group

# Close codes (4000-4999 are the application's): the client does not reconnect after these.
UNAUTHORIZED = 4401
SESSION_ENDED = 4403


class LiveConsumer(AsyncJsonWebsocketConsumer):
    identity: identities.Identity | None = None
    recheck: asyncio.Task | None = None

    async def connect(self):
        self.identity = await database_sync_to_async(identities.identify)(self.scope)
        if self.identity is None:
            await self.close(code=UNAUTHORIZED)
            return
        await self.channel_layer.group_add(user_group(self.identity.user_id), self.channel_name)
        await self.accept()
        start_pump()
        self.recheck = asyncio.ensure_future(self._recheck())

    async def disconnect(self, code):
        if self.recheck is not None:
            self.recheck.cancel()
        if self.identity is not None:
            await self.channel_layer.group_discard(user_group(self.identity.user_id), self.channel_name)

    async def _recheck(self):
        while True:
            await asyncio.sleep(settings.LIVE_RECHECK_SECONDS)
            if not await database_sync_to_async(identities.still_valid)(self.identity):
                await self.close(code=SESSION_ENDED)
                return

    async def receive_json(self, content, **kwargs):
        kind = content.get("type") if isinstance(content, dict) else None
        if kind == "ping":
            await self.send_json({"type": "pong", "data": {}})
        elif kind == "typing":
            others = await database_sync_to_async(typing.others_in)(self.identity.user_id,
                                                                    content.get("conversation"))
            for user_id in others:
                await self.channel_layer.group_send(user_group(user_id), {
                    "type": "live.event", "event": {"type": "typing", "data": {
                        "conversation": content["conversation"], "user": self.identity.user_id}}})

    async def live_event(self, message):
        """A message from the channel layer for this member: pass it on."""
        await self.send_json(message["event"])

    async def live_close(self, message):
        """The member's session or token has ended (or the member was suspended): close now if it is ours."""
        if not await database_sync_to_async(identities.still_valid)(self.identity):
            await self.close(code=SESSION_ENDED)
