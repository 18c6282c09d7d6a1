"""Fan-out of room events inside one server process, and between processes.

Subscribing every socket to its room's channel-layer group would make the layer (Redis) carry one copy of every
message per socket. Instead each process subscribes once per room and hands each event to its local sockets
here. Each socket has its own outbox and writer task, so one slow connection never holds up the others; a socket
whose outbox overflows is closed, reconnects, and catches up by number.

Between processes, room events travel on Redis pub/sub when the channel layer is on Redis (`RedisRooms`): one
PUBLISH per event, pushed to each subscribed process. channels-redis's own delivery takes about a dozen commands
per event and process (a queue per channel, with a backup copy for each read), which cost the servers a fifth of
their CPU in a busy room. Pub/sub keeps nothing for a process that is not listening, as a full channel-layer queue
drops events too: a process that loses Redis closes its sockets (`chat.unavailable`), which reconnect and catch up
by number. Without Redis (the embedded default) rooms use the in-memory channel layer (`LayerRooms`).
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import parse_qs, urlsplit

import redis
import redis.asyncio
from channels.layers import BaseChannelLayer
from channels_redis.core import RedisChannelLayer  # type: ignore[import-untyped]

from hearth.core.realtime import route_groups

logger = logging.getLogger(__name__)

ROOM_GROUP_PREFIX = "chat.room."
REFRESH_SECONDS = 3600  # re-subscribe hourly: channel-layer groups expire after a day
SUBSCRIBE_SECONDS = 5  # for Redis to confirm a subscription


def room_group(room_id: int) -> str:
    return f"{ROOM_GROUP_PREFIX}{room_id}"


@dataclass(frozen=True)
class Broadcast:
    """Where room events travel on Redis pub/sub. Pub/sub ignores Redis's numbered databases, so the channel names
    carry the layer's prefix and database number: sites (or test runs) that share a Redis server stay apart."""

    url: str
    namespace: str

    def channel(self, group: str) -> str:
        return f"{self.namespace}{group}"


def broadcast_for(layer: BaseChannelLayer | None) -> Broadcast | None:
    """How room events travel, if the channel layer is on one Redis server (None: through the layer)."""
    if not isinstance(layer, RedisChannelLayer) or len(layer.hosts) != 1:
        return None
    address = layer.hosts[0].get("address")
    return _broadcast(address, layer.prefix) if isinstance(address, str) else None


@functools.cache
def _broadcast(url: str, prefix: str) -> Broadcast:
    parts = urlsplit(url)
    db = parts.path.strip("/") or parse_qs(parts.query).get("db", ["0"])[0]
    return Broadcast(url, f"{prefix}.{db}.")


class Subscriber(Protocol):
    def deliver(self, event: dict[str, Any]) -> None: ...


class Rooms(Protocol):
    """How one process hears of events in the rooms it has sockets in."""

    async def subscribe(self, room_id: int) -> None: ...
    async def unsubscribe(self, room_id: int) -> None: ...
    async def receive(self) -> dict[str, Any]: ...
    async def maintain(self, room_ids: list[int]) -> None: ...
    async def close(self) -> None: ...


class LayerRooms:
    """Through the channel layer: one channel of the process's own, added to each room's group."""

    def __init__(self, layer: BaseChannelLayer) -> None:
        self.layer = layer
        self.channel: str | None = None
        self.subscribed = asyncio.Event()  # receive() has a channel to read

    async def subscribe(self, room_id: int) -> None:
        if self.channel is None:
            self.channel = await self.layer.new_channel()
        await self.layer.group_add(room_group(room_id), self.channel)
        self.subscribed.set()

    async def unsubscribe(self, room_id: int) -> None:
        if self.channel is not None:
            await self.layer.group_discard(room_group(room_id), self.channel)

    async def receive(self) -> dict[str, Any]:
        await self.subscribed.wait()
        event: dict[str, Any] = await self.layer.receive(str(self.channel))
        return event

    async def maintain(self, room_ids: list[int]) -> None:
        for room_id in room_ids:  # channel-layer groups expire
            await self.subscribe(room_id)

    async def close(self) -> None:
        self.channel = None


class RedisRooms:
    """Through Redis pub/sub: one connection per process subscribed to each room it has sockets in."""

    def __init__(self, broadcast: Broadcast) -> None:
        self.broadcast = broadcast
        self.client = redis.asyncio.Redis.from_url(broadcast.url, socket_keepalive=True)
        self.pubsub = self.client.pubsub()
        self.subscribed = asyncio.Event()  # the connection is in pub/sub mode: receive() may read
        self.confirmations: dict[str, asyncio.Future[None]] = {}

    async def subscribe(self, room_id: int) -> None:
        """Returns once Redis confirms: a message published from then on reaches this process. The socket reads
        the room's newest number after joining, so a message numbered after it is never missed live."""
        channel = self.broadcast.channel(room_group(room_id))
        confirmed = self.confirmations[channel] = asyncio.get_running_loop().create_future()
        await self.pubsub.subscribe(channel)
        self.subscribed.set()
        try:
            await asyncio.wait_for(confirmed, SUBSCRIBE_SECONDS)
        except TimeoutError:
            raise redis.exceptions.TimeoutError("Redis did not confirm a chat room subscription") from None
        finally:
            self.confirmations.pop(channel, None)

    async def unsubscribe(self, room_id: int) -> None:
        await self.pubsub.unsubscribe(self.broadcast.channel(room_group(room_id)))

    async def receive(self) -> dict[str, Any]:
        """The next event (the hub's only reader of this connection, which also confirms subscriptions)."""
        await self.subscribed.wait()
        while True:
            message = await self.pubsub.get_message(timeout=None)
            if message is None:
                continue
            if message["type"] == "message":
                event: dict[str, Any] = json.loads(message["data"])
                return event
            if message["type"] == "subscribe":
                name = message["channel"].decode() if isinstance(message["channel"], bytes) else message["channel"]
                confirmed = self.confirmations.get(name)
                if confirmed is not None and not confirmed.done():
                    confirmed.set_result(None)

    async def maintain(self, room_ids: list[int]) -> None:
        return None  # subscriptions last as long as the connection

    async def close(self) -> None:
        for confirmed in self.confirmations.values():  # a join waiting for Redis fails now, not at its timeout
            if not confirmed.done():
                confirmed.set_exception(redis.exceptions.ConnectionError("The chat room subscription was lost"))
        for step in (self.pubsub.aclose, self.client.aclose):
            try:
                await step()
            except Exception:  # already broken: that is why it is being closed
                logger.debug("Closing a broken room subscription failed", exc_info=True)


class RoomHub:
    def __init__(self, layer: BaseChannelLayer, loop: asyncio.AbstractEventLoop) -> None:
        self.layer = layer
        self.loop = loop
        self.broadcast = broadcast_for(layer)
        self.rooms: dict[int, set[Subscriber]] = defaultdict(set)  # room id -> this process's sockets in it
        self.source: Rooms | None = None
        self.lock = asyncio.Lock()
        self.tasks: list[asyncio.Task[None]] = []

    def _new_source(self) -> Rooms:
        return RedisRooms(self.broadcast) if self.broadcast else LayerRooms(self.layer)

    async def join(self, room_id: int, subscriber: Subscriber) -> None:
        async with self.lock:
            if self.source is None:
                self.source = self._new_source()
                # Reading starts before the first subscription: on pub/sub the reader receives its confirmation.
                self.tasks = [self.loop.create_task(self._receive(self.source)), self.loop.create_task(self._refresh())]
            first = not self.rooms[room_id]
            self.rooms[room_id].add(subscriber)
            if first:
                try:
                    await self.source.subscribe(room_id)
                except BaseException:  # not subscribed: the next socket to join must try again
                    self.rooms[room_id].discard(subscriber)
                    if not self.rooms[room_id]:
                        del self.rooms[room_id]
                    raise

    async def leave(self, room_id: int, subscriber: Subscriber) -> None:
        async with self.lock:
            members = self.rooms.get(room_id)
            if members is None:
                return
            members.discard(subscriber)
            if not members and self.source is not None:
                del self.rooms[room_id]
                await self.source.unsubscribe(room_id)

    async def _receive(self, source: Rooms) -> None:
        while True:
            try:
                event = await source.receive()
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
        """Redis failed (down or restarted, so subscriptions may be gone). Close every socket, which reconnects and
        catches up by number, and start afresh with the next join: a new connection or channel, new subscriptions."""
        async with self.lock:
            rooms, self.rooms = self.rooms, defaultdict(set)
            source, self.source = self.source, None
            for task in self.tasks:
                if task is not asyncio.current_task():
                    task.cancel()
            self.tasks = []
        if source is not None:
            await source.close()
        for room_id, subscribers in rooms.items():
            for subscriber in subscribers:
                subscriber.deliver({"type": "chat.unavailable", "room": room_id})

    async def _refresh(self) -> None:
        while True:
            await asyncio.sleep(REFRESH_SECONDS)
            async with self.lock:
                if self.source is not None:
                    await self.source.maintain(list(self.rooms))


_hubs: dict[int, RoomHub] = {}


def hub_for(layer: BaseChannelLayer) -> RoomHub:
    """The hub of the running event loop and channel layer (tests run several loops, one after another)."""
    loop = asyncio.get_running_loop()
    hub = _hubs.get(id(loop))
    if hub is None or hub.layer is not layer or hub.loop is not loop:
        hub = _hubs[id(loop)] = RoomHub(layer, loop)
    return hub


class RoomPublisher:
    """Sends room events: on Redis pub/sub when the layer is on Redis, else through the channel layer."""

    def __init__(self) -> None:
        self.clients: dict[tuple[int, str], tuple[asyncio.AbstractEventLoop, redis.asyncio.Redis]] = {}
        self.sync_clients: dict[str, redis.Redis] = {}

    async def send(self, layer: BaseChannelLayer, group: str, event: dict[str, Any]) -> None:
        broadcast = broadcast_for(layer)
        if broadcast is None:
            await layer.group_send(group, event)
            return
        await self._client(broadcast.url).publish(broadcast.channel(group), json.dumps(event, separators=(",", ":")))

    def send_sync(self, layer: BaseChannelLayer, group: str, event: dict[str, Any]) -> bool:
        """From synchronous code with no event loop (background jobs, commands). False: use the channel layer."""
        broadcast = broadcast_for(layer)
        if broadcast is None:
            return False
        client = self.sync_clients.get(broadcast.url)
        if client is None:
            client = self.sync_clients[broadcast.url] = redis.Redis.from_url(broadcast.url)
        client.publish(broadcast.channel(group), json.dumps(event, separators=(",", ":")))
        return True

    def _client(self, url: str) -> redis.asyncio.Redis:
        """One client per event loop (a client belongs to the loop it first ran on); those of closed loops go."""
        loop = asyncio.get_running_loop()
        for key in [key for key, (old, _) in self.clients.items() if old.is_closed()]:
            del self.clients[key]
        known = self.clients.get((id(loop), url))
        if known is None or known[0] is not loop:
            known = self.clients[(id(loop), url)] = (loop, redis.asyncio.Redis.from_url(url))
        return known[1]


route_groups(ROOM_GROUP_PREFIX, RoomPublisher())
