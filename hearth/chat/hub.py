"""Fan-out of room events inside one server process.

Subscribing every socket to its room's channel-layer group would make the layer (Redis) carry one copy of every
message per socket. Instead each process subscribes once per room, through one channel of its own, and hands
each event to its local sockets here. Each socket has its own outbox and writer task, so one slow connection
never holds up the others; a socket whose outbox overflows is closed, reconnects, and catches up by number.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from typing import Any, Protocol

from channels.layers import BaseChannelLayer

logger = logging.getLogger(__name__)


def room_group(room_id: int) -> str:
    return f"chat.room.{room_id}"


REFRESH_SECONDS = 3600  # re-subscribe hourly: channel-layer groups expire after a day


class Subscriber(Protocol):
    def deliver(self, event: dict[str, Any]) -> None: ...


class RoomHub:
    def __init__(self, layer: BaseChannelLayer, loop: asyncio.AbstractEventLoop) -> None:
        self.layer = layer
        self.loop = loop
        self.rooms: dict[int, set[Subscriber]] = defaultdict(set)  # room id -> this process's sockets in it
        self.channel: str | None = None
        self.lock = asyncio.Lock()
        self.tasks: list[asyncio.Task[None]] = []

    async def join(self, room_id: int, subscriber: Subscriber) -> None:
        async with self.lock:
            if self.channel is None:
                self.channel = await self.layer.new_channel()
                self.tasks = [self.loop.create_task(self._receive()), self.loop.create_task(self._refresh())]
            first = not self.rooms[room_id]
            self.rooms[room_id].add(subscriber)
            if first:
                try:
                    await self.layer.group_add(room_group(room_id), self.channel)
                except BaseException:  # not subscribed: the next socket to join must try again
                    self.rooms[room_id].discard(subscriber)
                    raise

    async def leave(self, room_id: int, subscriber: Subscriber) -> None:
        async with self.lock:
            members = self.rooms.get(room_id)
            if members is None:
                return
            members.discard(subscriber)
            if not members and self.channel is not None:
                del self.rooms[room_id]
                await self.layer.group_discard(room_group(room_id), self.channel)

    async def _receive(self) -> None:
        channel = str(self.channel)  # set before this task starts
        while True:
            try:
                event = await self.layer.receive(channel)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                logger.warning("Chat hub lost the channel layer (%s); its sockets will reconnect", type(exc).__name__)
                await self._lost()
                return
            room_id = event.get("room")
            for subscriber in list(self.rooms.get(room_id, ())) if isinstance(room_id, int) else ():
                subscriber.deliver(event)

    async def _lost(self) -> None:
        """The layer failed (Redis down or restarted, so subscriptions may be gone). Close every socket, which
        reconnects and catches up by number, and start afresh with the next join: a new channel, new groups."""
        async with self.lock:
            rooms, self.rooms = self.rooms, defaultdict(set)
            self.channel = None
            for task in self.tasks:
                if task is not asyncio.current_task():
                    task.cancel()
            self.tasks = []
        for room_id, subscribers in rooms.items():
            for subscriber in subscribers:
                subscriber.deliver({"type": "chat.unavailable", "room": room_id})

    async def _refresh(self) -> None:
        while True:
            await asyncio.sleep(REFRESH_SECONDS)
            async with self.lock:
                for room_id in list(self.rooms):
                    await self.layer.group_add(room_group(room_id), self.channel)


_hubs: dict[int, RoomHub] = {}


def hub_for(layer: BaseChannelLayer) -> RoomHub:
    """The hub of the running event loop and channel layer (tests run several loops, one after another)."""
    loop = asyncio.get_running_loop()
    hub = _hubs.get(id(loop))
    if hub is None or hub.layer is not layer or hub.loop is not loop:
        hub = _hubs[id(loop)] = RoomHub(layer, loop)
    return hub
