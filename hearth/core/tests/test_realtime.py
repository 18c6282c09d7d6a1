"""Events leave after commit, in commit order, without holding up the database thread that committed them."""

from __future__ import annotations

import asyncio
import threading

import pytest
from channels.db import database_sync_to_async
from channels.layers import InMemoryChannelLayer
from django.db import transaction

from hearth.core import realtime
from hearth.core.testing.loops import run

pytestmark = pytest.mark.django_db(transaction=True)


class SlowLayer(InMemoryChannelLayer):  # type: ignore[misc]
    """Publishing takes a while, as it does when the event loop is busy delivering."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[tuple[str, int]] = []
        self.release = asyncio.Event()

    async def group_send(self, group: str, message: dict[str, object]) -> None:
        await self.release.wait()
        self.sent.append((group, int(message["n"])))  # type: ignore[call-overload]


def test_events_from_a_socket_thread_go_out_in_order_without_making_it_wait(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    layer = SlowLayer()
    monkeypatch.setattr(realtime, "get_channel_layer", lambda: layer)
    threads: list[threading.Thread] = []

    def write(n: int) -> None:
        threads.append(threading.current_thread())
        with transaction.atomic():
            realtime.send_after_commit("room", {"type": "chat.message", "n": n})

    async def scenario() -> None:
        for n in range(5):
            # Returns although nothing could be published yet: the layer is held until released below.
            await asyncio.wait_for(database_sync_to_async(write)(n), timeout=5)
        assert layer.sent == []
        layer.release.set()
        for _ in range(100):
            if len(layer.sent) == 5:
                break
            await asyncio.sleep(0.01)

    run(scenario)
    assert layer.sent == [("room", n) for n in range(5)]
    assert all(thread is not threading.main_thread() for thread in threads)


def test_without_an_event_loop_the_event_is_published_before_the_commit_returns(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    layer = SlowLayer()
    layer.release.set()
    monkeypatch.setattr(realtime, "get_channel_layer", lambda: layer)
    with transaction.atomic():
        realtime.send_after_commit("room", {"type": "chat.message", "n": 1})
        assert layer.sent == []  # not before the commit
    assert layer.sent == [("room", 1)]


def test_nothing_is_published_when_the_transaction_rolls_back(monkeypatch: pytest.MonkeyPatch) -> None:
    layer = SlowLayer()
    layer.release.set()
    monkeypatch.setattr(realtime, "get_channel_layer", lambda: layer)
    with pytest.raises(RuntimeError), transaction.atomic():
        realtime.send_after_commit("room", {"type": "chat.message", "n": 1})
        raise RuntimeError("rolled back")
    assert layer.sent == []
