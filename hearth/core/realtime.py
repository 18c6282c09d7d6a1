"""Sending events to open sockets, after the transaction commits (so nobody hears of what was not stored)."""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from collections.abc import Callable, Coroutine
from typing import Any, ParamSpec, Protocol, TypeVar

from asgiref.sync import SyncToAsync, async_to_sync
from channels.db import database_sync_to_async
from channels.layers import BaseChannelLayer, get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")


def in_thread(func: Callable[P, R]) -> Callable[P, Coroutine[Any, Any, R]]:
    """Run blocking (database) code from a socket's event loop, closing stale connections around it."""
    wrapped: Callable[P, Coroutine[Any, Any, R]] = database_sync_to_async(func)
    return wrapped


def user_group(user_id: int) -> str:
    """Every open socket of one person."""
    return f"user.{user_id}"


class GroupRoute(Protocol):
    """Sends the events of some groups another way than the channel layer's groups (see route_groups)."""

    async def send(self, layer: BaseChannelLayer, group: str, event: dict[str, Any]) -> None: ...

    def send_sync(self, layer: BaseChannelLayer, group: str, event: dict[str, Any]) -> bool:
        """From synchronous code with no event loop; False if the event should go through the layer after all."""
        ...


_routes: dict[str, GroupRoute] = {}


def route_groups(prefix: str, route: GroupRoute) -> None:
    """Events for groups whose names start with `prefix` go through `route` (hearth.chat.hub: chat rooms)."""
    _routes[prefix] = route


def _route_for(group: str) -> GroupRoute | None:
    return next((route for prefix, route in _routes.items() if group.startswith(prefix)), None)


async def group_send(layer: BaseChannelLayer, group: str, event: dict[str, Any]) -> None:
    """Send `event` to every socket in `group`, by the group's route if it has one."""
    route = _route_for(group)
    if route is None:
        await layer.group_send(group, event)
    else:
        await route.send(layer, group, event)


def _group_send_sync(layer: BaseChannelLayer, group: str, event: dict[str, Any]) -> None:
    route = _route_for(group)
    if route is None or not route.send_sync(layer, group, event):
        async_to_sync(layer.group_send)(group, event)


def send_after_commit(group: str, event: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return

    def send() -> None:
        loop = _serving_loop()
        if loop is not None:
            # A socket's database thread: hand the event to its event loop and go on. Waiting for the loop here
            # would hold up every other write of the process while the loop is busy delivering.
            _publisher(loop, layer).publish(group, event)
            return
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            _group_send_sync(layer, group, event)
            return
        # Synchronous code on an event loop's own thread (only scripts and tests that drive a browser do this):
        # async_to_sync refuses to run there, so a short-lived thread publishes instead.
        worker = threading.Thread(target=_group_send_sync, args=(layer, group, event))
        worker.start()
        worker.join()

    # robust: the write is stored and its answer must go out even when the channel layer (Redis) is down; the
    # failure is logged and clients catch up by number when live updates come back.
    transaction.on_commit(send, robust=True)


def _serving_loop() -> asyncio.AbstractEventLoop | None:
    """The event loop this thread works for, when it runs synchronous code for a socket (sync_to_async)."""
    if getattr(SyncToAsync.threadlocal, "main_event_loop_pid", None) != os.getpid():
        return None
    loop: asyncio.AbstractEventLoop | None = getattr(SyncToAsync.threadlocal, "main_event_loop", None)
    return loop if loop is not None and loop.is_running() and not loop.is_closed() else None


class _Publisher:
    """Sends one process's events to the channel layer one after another, in the order they were committed."""

    def __init__(self, loop: asyncio.AbstractEventLoop, layer: BaseChannelLayer) -> None:
        self.loop = loop
        self.layer = layer
        self.queue: asyncio.Queue[tuple[str, dict[str, Any]]] = asyncio.Queue()
        self.task: asyncio.Task[None] | None = None

    def publish(self, group: str, event: dict[str, Any]) -> None:
        self.loop.call_soon_threadsafe(self._enqueue, group, event)

    def _enqueue(self, group: str, event: dict[str, Any]) -> None:
        self.queue.put_nowait((group, event))
        if self.task is None or self.task.done():
            self.task = self.loop.create_task(self._run())

    async def _run(self) -> None:
        while not self.queue.empty():
            group, event = self.queue.get_nowait()
            try:
                await group_send(self.layer, group, event)
            except Exception:  # the layer is down: the event is lost live, and clients catch up by number
                logger.exception("Could not publish a %s event", event.get("type"))


_publishers: dict[int, _Publisher] = {}
_publishers_lock = threading.Lock()


def _publisher(loop: asyncio.AbstractEventLoop, layer: BaseChannelLayer) -> _Publisher:
    with _publishers_lock:
        publisher = _publishers.get(id(loop))
        if publisher is None or publisher.loop is not loop or publisher.layer is not layer:
            publisher = _publishers[id(loop)] = _Publisher(loop, layer)
        return publisher


def blocks_changed(user_id: int) -> None:
    """Their sockets reload whom they block or mute, so hidden people's messages stop at once."""
    send_after_commit(user_group(user_id), {"type": "user.blocks"})


def notification_sent(user_id: int, *, unread: int, title: str, url: str, urgent: bool) -> None:
    """Open pages update the unread count; urgent ones (on call) also show the title. Titles are Hearth's own
    words, never a member's text."""
    event = {"type": "user.notification", "unread": unread, "title": title, "url": url, "urgent": urgent}
    send_after_commit(user_group(user_id), event)
