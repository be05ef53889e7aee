"""From the outbox to open sockets: the "live" consumer of domain events.

Each event becomes a small message to the sockets of the members it concerns, sent through the
channel layer (in-memory by default, Redis with REDIS_URL). With Redis the worker runs this consumer
and every ASGI process receives what is meant for its sockets. Without Redis the in-memory layer
exists only inside the ASGI process, so that process runs the consumer itself (pump(), started with
the first socket): a page served by the WSGI server writes the event, the ASGI process sends it.

Events reach the layer after their transaction has committed (the outbox is read committed), so a
socket never hears of a message that then rolled back; a message the layer loses (Redis restarting)
is found by the page's catch-up from its last seen id.
"""

import asyncio
import logging
import threading
from functools import partial

from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import transaction

from vitrina.events import dispatch, kinds

log = logging.getLogger(__name__)

CONSUMER = "live"
# What each kind of event becomes on the socket, and for whom.
MESSAGE_KINDS = {kinds.MESSAGE_SENT: "message.new", kinds.MESSAGE_UNSENT: "message.unsent",
                 kinds.MESSAGE_READ: "message.read"}


def _outgoing(event) -> list[tuple[list[int], dict]]:
    """(member ids, socket message) pairs for one event."""
    data = event.data or {}
    if event.kind in MESSAGE_KINDS:
        members = [pk for pk in data.get("recipients", []) if isinstance(pk, int)]
        if event.actor_id:
            members.append(event.actor_id)  # the sender's other pages and phones
        return [(members, {"type": MESSAGE_KINDS[event.kind], "data": {
            "conversation": data.get("conversation"), "message": event.subject_id, "user": event.actor_id,
            "event": event.pk}})]
    if event.kind == kinds.NOTIFICATION_CREATED and event.recipient_id:
        return [([event.recipient_id], {"type": "notification.new", "data": {
            "unread": data.get("unread"), "event": event.pk}})]
    if event.kind == kinds.SESSION_ENDED and event.recipient_id:
        return [([event.recipient_id], {"type": "session.ended"})]
    return []


def user_group(user_id: int) -> str:
    return f"live.user.{user_id}"


def handle(events) -> None:
    """The consumer: send each event's messages to their members' groups, the batch in one go, once the
    offset past it has committed: a batch whose commit fails (SQLite busy) is read again, and must not
    have been sent already. At most once, then: a lost message is what the page's catch-up is for."""
    sends = []
    for event in events:
        for members, message in _outgoing(event):
            kind = "live.close" if message["type"] == "session.ended" else "live.event"
            sends += [(user_group(user_id), {"type": kind, "event": message}) for user_id in dict.fromkeys(members)]
    if sends:
        transaction.on_commit(partial(_send, sends))


def _send(sends: list) -> None:
    layer = get_channel_layer()

    async def send_all():
        for group, message in sends:
            await layer.group_send(group, message)

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        async_to_sync(send_all)()
        return
    # This thread runs an event loop of its own already (a browser test driving Playwright): send from
    # another thread, as a worker would.
    sender = threading.Thread(target=asyncio.run, args=(send_all(),))
    sender.start()
    sender.join()


def runs_in_asgi_process() -> bool:
    """Without Redis the ASGI process is the only place whose channel layer reaches the sockets."""
    return not settings.REDIS_URL


_pump: asyncio.Task | None = None


def start_pump() -> None:
    """Start the in-process consumer loop once per ASGI process (no-op with Redis: the worker runs it)."""
    global _pump
    if not runs_in_asgi_process():
        return
    if _pump is None or _pump.done() or _pump.get_loop() is not asyncio.get_running_loop():
        _pump = asyncio.ensure_future(_pump_loop())


async def _pump_loop() -> None:
    deliver = database_sync_to_async(dispatch.deliver_to)
    while True:
        try:
            await deliver(CONSUMER, handle)
        except Exception:  # noqa: BLE001 - the loop must outlive a database hiccup
            log.exception("live delivery failed; trying again")
        await asyncio.sleep(settings.LIVE_POLL_SECONDS)
