"""Redis unreachable, in one process: the cache misses without waiting, rate limits still hold, writes are
stored and answered, and sockets close with LIVE_PAUSED so pages can say live updates are paused.

These run everywhere (no Redis needed): "Redis" is a port nobody listens on, or a channel layer that fails.
test_redis_outage.py does the same against a real Redis server that is stopped and started again.
"""

from __future__ import annotations

import asyncio
import socket
from typing import Any

import pytest
from channels.layers import InMemoryChannelLayer
from channels.testing import WebsocketCommunicator
from django.test import Client, override_settings
from django.urls import reverse
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError

from hearth.chat.consumers import LIVE_PAUSED
from hearth.chat.hub import RoomHub, room_group
from hearth.chat.models import Message
from hearth.chat.services import lobby_for
from hearth.chat.tests.helpers import ORIGIN, connect, run, session_cookie
from hearth.core.cache import TolerantRedisCache, cache_down
from hearth.core.errors import RateLimited
from hearth.core.testing.factories import make_thread
from hearth.forums.models import Post
from hearth.lib import ratelimit


def _dead_redis_url() -> str:
    """A port nobody listens on: connections are refused at once, as when Redis has stopped."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"


DEAD_CACHE = {"default": {"BACKEND": "hearth.core.cache.TolerantRedisCache", "LOCATION": _dead_redis_url()}}


class BrokenLayer(InMemoryChannelLayer):
    """The in-memory layer, failing as channels-redis does when Redis is unreachable (receive still waits)."""

    async def group_add(self, group: str, channel: str) -> None:
        raise RedisConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    async def group_send(self, group: str, message: dict[str, Any]) -> None:
        raise RedisConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    async def send(self, channel: str, message: dict[str, Any]) -> None:
        raise RedisConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


BROKEN_LAYER = {"default": {"BACKEND": "tests.reliability.test_outage_handling.BrokenLayer"}}


@pytest.fixture
def dead_cache():
    with override_settings(CACHES=DEAD_CACHE):
        ratelimit._local.clear()
        yield
        ratelimit._local.clear()


class TestTolerantCache:
    def test_reads_miss_and_writes_do_nothing_while_redis_is_unreachable(self):
        cache = TolerantRedisCache(_dead_redis_url(), {})
        assert cache.get("k", "fallback") == "fallback"
        assert cache.set("k", 1) is None
        assert cache.add("k", 1) is False
        assert cache.get_many(["a", "b"]) == {}
        assert cache.has_key("k") is False
        assert cache.delete("k") is False
        cache.delete_many(["a"])
        with pytest.raises(ValueError):
            cache.incr("k")  # as for a missing key, which callers already handle
        assert cache.down and cache_down(cache)

    def test_after_a_failure_redis_is_not_tried_again_until_the_back_off_ends(self):
        cache = TolerantRedisCache(_dead_redis_url(), {})
        client = cache._cache
        attempts = []
        real_get_client = client.get_client

        def counting_get_client(*args, **kwargs):
            attempts.append(1)
            return real_get_client(*args, **kwargs)

        client.get_client = counting_get_client
        cache.get("k")
        for _ in range(20):
            cache.get("k")
            cache.add("k", 1)
        assert len(attempts) == 1, "one failure, then answers without waiting on Redis"
        client.outage.until = 0  # the back-off has run out
        assert not cache.down
        cache.get("k")
        assert len(attempts) == 2, "tried again after the back-off"

    def test_errors_other_than_an_unreachable_redis_are_not_hidden(self):
        cache = TolerantRedisCache(_dead_redis_url(), {})

        def wrong_type(*args, **kwargs):
            raise ResponseError("WRONGTYPE Operation against a key holding the wrong kind of value")

        cache._cache.get_client = wrong_type
        with pytest.raises(ResponseError):
            cache.get("k")
        assert not cache.down

    def test_other_backends_are_never_down(self):
        assert not cache_down()


class TestRateLimitsDuringAnOutage:
    def test_limits_still_hold_counted_in_the_process(self, dead_cache, settings):
        settings.HEARTH_API_RATE_LIMITS = {"post": (3, 3600)}
        for _ in range(3):
            ratelimit.check_rate_limit("post", key="7")
        with pytest.raises(RateLimited):
            ratelimit.check_rate_limit("post", key="7")
        ratelimit.check_rate_limit("post", key="8")  # someone else has their own count

    def test_the_process_count_is_not_used_while_the_cache_works(self, settings):
        settings.HEARTH_API_RATE_LIMITS = {"post": (3, 3600)}
        ratelimit._local.clear()
        for _ in range(3):
            ratelimit.check_rate_limit("post", key="9")
        assert not ratelimit._local._cache, "nothing counted locally while the shared cache answers"


@pytest.mark.django_db(transaction=True)
class TestWritesDuringAnOutage:
    """Transactional, so after-commit publishing really runs (and fails) inside the request."""

    def test_a_forum_reply_is_stored_and_its_page_shows_while_redis_is_down(self, dead_cache, community, member):
        thread = make_thread(community, replies=1)
        client = Client()
        client.force_login(member)
        with override_settings(CHANNEL_LAYERS=BROKEN_LAYER):
            page = client.get(reverse("forums:thread", args=[thread.id]))
            reply = client.post(
                reverse("forums:reply", args=[thread.id]), {"body": "Still here, still reading. Thank you all."}
            )
        assert page.status_code == 200
        assert reply.status_code == 302
        assert Post.objects.filter(thread=thread, body="Still here, still reading. Thank you all.").count() == 1

    def test_a_chat_message_posted_by_form_is_stored_although_it_cannot_be_published(
        self, dead_cache, community, member
    ):
        lobby = lobby_for(community)
        client = Client()
        client.force_login(member)
        with override_settings(CHANNEL_LAYERS=BROKEN_LAYER):
            response = client.post(
                reverse("chat:send", args=[lobby.id]), {"body": "Hello, anyone around?", "client_id": "c-outage-1"}
            )
        assert response.status_code == 302
        assert Message.objects.filter(room=lobby, client_id="c-outage-1").count() == 1


@pytest.mark.django_db(transaction=True)
class TestSocketsDuringAnOutage:
    def test_a_chat_socket_is_closed_with_live_paused_when_the_layer_is_down(self, community, member):
        lobby = lobby_for(community)

        async def scenario():
            socket = await connect(member, lobby, welcome=False)
            return await socket.communicator.receive_output(timeout=3)

        with override_settings(CHANNEL_LAYERS=BROKEN_LAYER):
            closed = run(scenario)
        assert closed == {"type": "websocket.close", "code": LIVE_PAUSED}

    def test_an_open_chat_socket_closes_with_live_paused_when_the_layer_fails(self, community, member):
        lobby = lobby_for(community)

        async def scenario():
            socket = await connect(member, lobby)
            await socket.send({"type": "typing"})  # typing goes to the room through the layer
            while True:
                output = await socket.communicator.receive_output(timeout=3)
                if output["type"] == "websocket.close":
                    return output

        with override_settings(CHANNEL_LAYERS={"default": {"BACKEND": f"{__name__}.FailsLaterLayer"}}):
            closed = run(scenario)
        assert closed == {"type": "websocket.close", "code": LIVE_PAUSED}

    def test_the_notification_socket_is_accepted_then_closed_with_live_paused(self, member):
        from config.asgi import application

        async def scenario():
            cookie = await asyncio.to_thread(session_cookie, member)
            headers = [(b"origin", ORIGIN), (b"cookie", f"sessionid={cookie}".encode())]
            socket = WebsocketCommunicator(application, "/ws/notifications/", headers=headers)
            connected, _ = await socket.connect()
            closed = await socket.receive_output(timeout=3)
            return connected, closed

        with override_settings(CHANNEL_LAYERS=BROKEN_LAYER):
            connected, closed = run(scenario)
        assert connected is True, "accepted, so the page sees the close code rather than a failed handshake"
        assert closed == {"type": "websocket.close", "code": LIVE_PAUSED}

    def test_the_same_sockets_work_when_the_layer_is_up(self, community, member):
        lobby = lobby_for(community)

        async def scenario():
            socket = await connect(member, lobby)
            await socket.send({"type": "ping"})
            frame = await socket.receive_type("pong")
            await socket.close()
            return frame

        assert run(scenario) == {"type": "pong"}


class FailsLaterLayer(BrokenLayer):
    """Subscribing works; sending to a group fails (Redis went away after the socket joined)."""

    async def group_add(self, group: str, channel: str) -> None:
        await InMemoryChannelLayer.group_add(self, group, channel)


class TestHubAfterLosingTheLayer:
    def test_it_closes_its_sockets_and_subscribes_afresh_on_the_next_join(self):
        class Layer(InMemoryChannelLayer):
            fail = True
            added: list[str] = []

            async def receive(self, channel: str) -> dict[str, Any]:
                if Layer.fail:
                    raise RedisConnectionError("Connection closed by server.")
                return await super().receive(channel)

            async def group_add(self, group: str, channel: str) -> None:
                Layer.added.append(channel)
                await super().group_add(group, channel)

        class Subscriber:
            def __init__(self) -> None:
                self.events: list[dict[str, Any]] = []

            def deliver(self, event: dict[str, Any]) -> None:
                self.events.append(event)

        async def scenario():
            hub = RoomHub(Layer(), asyncio.get_running_loop())
            first, second = Subscriber(), Subscriber()
            await hub.join(7, first)
            await hub.join(7, second)
            old_channel = hub.source.channel
            for _ in range(50):  # the receive task fails at once
                if not hub.rooms:
                    break
                await asyncio.sleep(0.01)
            Layer.fail = False
            third = Subscriber()
            await hub.join(7, third)  # Redis is back, possibly empty: the group must be joined again
            await hub.layer.group_send(room_group(7), {"type": "chat.message", "room": 7})
            for _ in range(50):
                if third.events:
                    break
                await asyncio.sleep(0.01)
            for task in hub.tasks:
                task.cancel()
            return first, second, third, old_channel, hub.source.channel

        first, second, third, old_channel, new_channel = run(scenario)
        assert first.events == second.events == [{"type": "chat.unavailable", "room": 7}]
        assert third.events == [{"type": "chat.message", "room": 7}]
        assert new_channel != old_channel
        assert Layer.added == [old_channel, new_channel]
