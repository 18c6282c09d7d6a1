"""Room messages go out as prepared frames (hearth.core.websocket_protocol) when the server offers them and the
socket can take them now, and through the socket's writer otherwise, never out of order."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from hearth.chat.consumers import ChatConsumer
from hearth.chat.services import lobby_for
from hearth.chat.tests.helpers import connect, run
from hearth.core.websocket_protocol import PREPARED_FRAMES

pytestmark = pytest.mark.django_db(transaction=True)


def unframe(frame: bytes) -> dict[str, Any]:
    assert frame[0] == 0x81  # one whole, unmasked text frame
    size, start = frame[1], 2
    if size == 126:
        size, start = int.from_bytes(frame[2:4], "big"), 4
    assert len(frame) == start + size
    decoded: dict[str, Any] = json.loads(frame[start:])
    return decoded


class Wire:
    """Stands in for the server's writer: takes frames while `open`, refuses them otherwise."""

    def __init__(self) -> None:
        self.open = True
        self.frames: list[dict[str, Any]] = []

    def write(self, frame: bytes) -> bool:
        if self.open:
            self.frames.append(unframe(frame))
        return self.open

    def messages(self) -> list[str]:
        return [f["message"]["body_html"].strip() for f in self.frames if f["type"] == "message"]


def test_room_messages_go_out_prepared_and_through_the_writer_when_the_socket_cannot_take_them(
    member, other_member, community
):
    lobby = lobby_for(community)
    wire = Wire()

    async def scenario() -> tuple[list[str], dict[str, Any], list[str]]:
        alice = await connect(member, lobby, extensions={PREPARED_FRAMES: {"write": wire.write}})
        bob = await connect(other_member, lobby)
        await bob.say("first")
        await bob.say("second")
        for _ in range(100):
            if len(wire.messages()) == 2:
                break
            await asyncio.sleep(0.02)
        prepared = wire.messages()
        assert await alice.nothing_more()  # none of them came the usual way as well
        wire.open = False  # the socket's buffer is full: the writer waits for it instead
        await bob.say("third")
        through_writer = await alice.receive_type("message")
        await alice.close()
        await bob.close()
        return prepared, through_writer, wire.messages()

    prepared, through_writer, after = run(scenario)
    assert prepared == ["<p>first</p>", "<p>second</p>"]
    assert through_writer["message"]["body_html"].strip() == "<p>third</p>"
    assert after == prepared  # nothing was written while the socket could not take it


def event(seq: int) -> dict[str, Any]:
    text = json.dumps({"type": "message", "message": {"seq": seq}})
    return {"type": "chat.message", "room": 1, "seq": seq, "author_id": 2, "visible": True,
            "frame": text, "frame_mine": text}  # fmt: skip


def idle_consumer(wire: Wire) -> ChatConsumer:
    consumer = ChatConsumer()
    consumer.room = type("R", (), {"id": 1})()  # type: ignore[assignment]
    consumer.user_id, consumer.hidden, consumer.is_moderator = 3, frozenset(), False
    consumer.outbox = asyncio.Queue(maxsize=10)
    consumer.overflowed, consumer.writing, consumer.write_prepared = False, False, wire.write
    return consumer


def test_a_message_waits_behind_what_the_writer_holds_or_has_queued():
    wire = Wire()

    async def scenario() -> None:
        consumer = idle_consumer(wire)
        consumer.deliver(event(1))  # idle: straight out
        consumer.writing = True  # the writer is sending what it took from the outbox
        consumer.deliver(event(2))
        consumer.writing = False
        consumer.deliver(event(3))  # the outbox still holds 2: 3 must follow it, not pass it
        assert [f["message"]["seq"] for f in wire.frames] == [1]
        assert [consumer.outbox.get_nowait()["seq"] for _ in range(2)] == [2, 3]

    run(scenario)


def test_one_event_is_framed_once_for_every_socket():
    wire = Wire()

    async def scenario() -> None:
        shared = event(1)
        for _ in range(3):
            idle_consumer(wire).deliver(shared)
        assert len(shared["_frames"]) == 1
        assert len(wire.frames) == 3

    run(scenario)
