"""Room events between processes on Redis pub/sub: delivered to each subscribed process, kept apart per Redis
database, and a lost connection closes the process's sockets (which reconnect and catch up by number)."""

from __future__ import annotations

import asyncio
import secrets
import threading
from typing import Any

import pytest
import redis
import redis.asyncio
from channels.layers import InMemoryChannelLayer
from channels_redis.core import RedisChannelLayer

from hearth.chat.hub import LayerRooms, RedisRooms, RoomHub, broadcast_for, room_group
from hearth.chat.tests.helpers import run
from hearth.core.realtime import _group_send_sync, group_send
from hearth.core.testing.redis import REDIS_FOR_TESTS

URL = REDIS_FOR_TESTS


@pytest.fixture(autouse=True)
def needs_redis():
    try:
        redis.Redis.from_url(URL, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("needs Redis on 127.0.0.1:6379")


class Subscriber:
    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []

    def deliver(self, event: dict[str, Any]) -> None:
        self.events.append(event)


async def until(condition: Any, seconds: float = 3) -> None:
    for _ in range(int(seconds / 0.01)):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("timed out")


def test_rooms_travel_on_pub_sub_only_when_the_layer_is_on_redis():
    assert broadcast_for(InMemoryChannelLayer()) is None
    assert broadcast_for(None) is None
    first = broadcast_for(RedisChannelLayer(hosts=["redis://127.0.0.1:6379/3"]))
    other = broadcast_for(RedisChannelLayer(hosts=["redis://127.0.0.1:6379/4"]))
    assert first is not None and other is not None
    assert first.channel(room_group(7)) != other.channel(room_group(7))  # pub/sub ignores database numbers


def test_events_reach_every_subscribed_process_and_no_other_database():
    room = 10**6 + secrets.randbelow(9 * 10**6)

    async def scenario() -> tuple[Subscriber, Subscriber, Subscriber]:
        layer = RedisChannelLayer(hosts=[URL])
        elsewhere = RedisChannelLayer(hosts=["redis://127.0.0.1:6379/12"])
        here = RoomHub(layer, asyncio.get_running_loop())
        there = RoomHub(RedisChannelLayer(hosts=[URL]), asyncio.get_running_loop())  # a second process
        other_site = RoomHub(elsewhere, asyncio.get_running_loop())
        a, b, c = Subscriber(), Subscriber(), Subscriber()
        await here.join(room, a)
        await there.join(room, b)
        await other_site.join(room, c)
        assert isinstance(here.source, RedisRooms)
        # join() returned once Redis had confirmed both subscriptions: anything published from now on arrives.
        numsub = await redis.asyncio.Redis.from_url(URL).pubsub_numsub(here.source.broadcast.channel(room_group(room)))
        assert numsub[0][1] == 2
        await group_send(layer, room_group(room), {"type": "chat.message", "room": room, "seq": 1})
        # From synchronous code with no event loop (a background job): a plain Redis client publishes.
        worker = threading.Thread(
            target=_group_send_sync, args=(layer, room_group(room), {"type": "chat.message", "room": room, "seq": 2})
        )
        worker.start()
        worker.join()
        await until(lambda: len(a.events) == 2 and len(b.events) == 2)
        await asyncio.sleep(0.1)
        for hub in (here, there, other_site):
            await hub.leave(room, a)
            await hub.leave(room, b)
            await hub.leave(room, c)
            for task in hub.tasks:
                task.cancel()
            assert hub.source is not None
            await hub.source.close()
        return a, b, c

    a, b, c = run(scenario)
    assert [e["seq"] for e in a.events] == [e["seq"] for e in b.events] == [1, 2]
    assert c.events == []


def test_a_lost_connection_closes_the_sockets_and_the_next_join_subscribes_afresh():
    room = 10**6 + secrets.randbelow(9 * 10**6)

    async def scenario() -> tuple[Subscriber, Subscriber]:
        layer = RedisChannelLayer(hosts=[URL])
        hub = RoomHub(layer, asyncio.get_running_loop())
        before, after = Subscriber(), Subscriber()
        await hub.join(room, before)
        assert isinstance(hub.source, RedisRooms)
        await hub.source.pubsub.connection.disconnect()  # as when Redis restarts
        await until(lambda: hub.source is None and before.events)
        await hub.join(room, after)
        await group_send(layer, room_group(room), {"type": "chat.message", "room": room, "seq": 1})
        await until(lambda: after.events)
        for task in hub.tasks:
            task.cancel()
        await hub.source.close()
        return before, after

    before, after = run(scenario)
    assert before.events == [{"type": "chat.unavailable", "room": room}]
    assert after.events == [{"type": "chat.message", "room": room, "seq": 1}]


def test_without_redis_rooms_use_the_channel_layer():
    async def scenario() -> Subscriber:
        layer = InMemoryChannelLayer()
        hub = RoomHub(layer, asyncio.get_running_loop())
        subscriber = Subscriber()
        await hub.join(5, subscriber)
        assert isinstance(hub.source, LayerRooms)
        await group_send(layer, room_group(5), {"type": "chat.message", "room": 5})
        await until(lambda: subscriber.events)
        for task in hub.tasks:
            task.cancel()
        return subscriber

    assert run(scenario).events == [{"type": "chat.message", "room": 5}]
