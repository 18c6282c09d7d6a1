"""Sending events to open sockets, after the transaction commits (so nobody hears of what was not stored)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Coroutine
from typing import Any, ParamSpec, TypeVar

from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.db import transaction

P = ParamSpec("P")
R = TypeVar("R")


def in_thread(func: Callable[P, R]) -> Callable[P, Coroutine[Any, Any, R]]:
    """Run blocking (database) code from a socket's event loop, closing stale connections around it."""
    wrapped: Callable[P, Coroutine[Any, Any, R]] = database_sync_to_async(func)
    return wrapped


def user_group(user_id: int) -> str:
    """Every open socket of one person."""
    return f"user.{user_id}"


def send_after_commit(group: str, event: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    publish = async_to_sync(layer.group_send)

    def send() -> None:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            publish(group, event)
            return
        # Synchronous code on an event loop's own thread (only scripts and tests that drive a browser do this):
        # async_to_sync refuses to run there, so a short-lived thread publishes instead.
        worker = threading.Thread(target=publish, args=(group, event))
        worker.start()
        worker.join()

    transaction.on_commit(send)


def blocks_changed(user_id: int) -> None:
    """Their sockets reload whom they block or mute, so hidden people's messages stop at once."""
    send_after_commit(user_group(user_id), {"type": "user.blocks"})


def notification_sent(user_id: int, *, unread: int, title: str, url: str, urgent: bool) -> None:
    """Open pages update the unread count; urgent ones (on call) also show the title. Titles are Hearth's own
    words, never a member's text."""
    event = {"type": "user.notification", "unread": unread, "title": title, "url": url, "urgent": urgent}
    send_after_commit(user_group(user_id), event)
