"""The websocket protocol's prepared frames: byte for byte what the websockets library would send, written only
while the socket can take them, and in order with frames sent through ASGI."""

from __future__ import annotations

import asyncio
import socket
from types import SimpleNamespace
from typing import Any

import pytest
import uvicorn
from websockets.asyncio.client import connect
from websockets.frames import Frame, Opcode
from websockets.protocol import State

from hearth.chat.tests.helpers import run
from hearth.core.websocket_protocol import PREPARED_FRAMES, Protocol, prepared_writer, text_frame


@pytest.mark.parametrize("size", [0, 1, 125, 126, 127, 65535, 65536, 70000])
def test_a_prepared_frame_is_the_frame_the_websockets_library_sends(size):
    text = ("é" + "a" * size)[:size] if size else ""
    expected = Frame(Opcode.TEXT, text.encode()).serialize(mask=False)
    assert text_frame(text) == expected


def test_servers_without_the_extension_offer_no_writer():
    assert prepared_writer({"type": "websocket", "extensions": {"websocket.http.response": {}}}) is None
    assert prepared_writer({"type": "websocket"}) is None


class Probe:
    """An ASGI app that writes prepared frames and ordinary ones, and records what the writer answered."""

    def __init__(self) -> None:
        self.answers: list[bool] = []
        self.closed = asyncio.Event()
        self.write: Any = None

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        assert (await receive())["type"] == "websocket.connect"
        self.write = prepared_writer(scope)
        await send({"type": "websocket.accept"})
        self.answers.append(self.write(text_frame("one")))
        await send({"type": "websocket.send", "text": "two"})
        self.answers.append(self.write(text_frame("three " + "x" * 200)))
        while (await receive())["type"] != "websocket.disconnect":
            pass
        self.answers.append(self.write(text_frame("after the close")))
        self.closed.set()


def test_prepared_frames_reach_the_client_in_order_and_stop_at_the_close():
    probe = Probe()

    async def scenario() -> list[str | bytes]:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
            config = uvicorn.Config(
                probe,
                host="127.0.0.1",
                port=port,
                log_level="warning",
                lifespan="off",
                ws="hearth.core.websocket_protocol:Protocol",
                ws_per_message_deflate=False,
            )
            server = uvicorn.Server(config)
            serving = asyncio.get_running_loop().create_task(server.serve(sockets=[sock]))
            while not server.started:
                await asyncio.sleep(0.01)
            try:
                async with connect(f"ws://127.0.0.1:{port}/") as client:
                    received = [await asyncio.wait_for(client.recv(), 3) for _ in range(3)]
                await asyncio.wait_for(probe.closed.wait(), 3)
            finally:
                server.should_exit = True
                await serving
        return received

    received = run(scenario)

    assert received == ["one", "two", "three " + "x" * 200]
    assert probe.answers == [True, True, False]  # after the close, nothing more is written
    assert PREPARED_FRAMES == "hearth.prepared_frames"


class Transport:
    def __init__(self, closing: bool = False) -> None:
        self.written: list[bytes] = []
        self.closing = closing

    def write(self, data: bytes) -> None:
        self.written.append(data)

    def is_closing(self) -> bool:
        return self.closing


def protocol_state(**changes: Any) -> Any:
    """The attributes write_prepared reads, for a socket that can take a frame now, with `changes` applied."""
    writable = asyncio.Event()
    writable.set()
    state: dict[str, Any] = {
        "conn": SimpleNamespace(state=State.OPEN),
        "close_sent": False,
        "handshake_complete": True,
        "writable": writable,
        "transport": Transport(),
    }
    for name, value in changes.items():
        if name == "paused":
            writable.clear()
        else:
            state[name] = value
    return SimpleNamespace(**state)


@pytest.mark.parametrize(
    "changes",
    [
        {"paused": True},  # over the high-water mark
        {"close_sent": True},
        {"handshake_complete": False},
        {"conn": SimpleNamespace(state=State.CLOSING)},
        {"transport": Transport(closing=True)},
    ],
)
def test_nothing_is_written_when_the_socket_cannot_take_it(changes):
    state = protocol_state(**changes)
    assert Protocol.write_prepared(state, b"\x81\x00") is False
    assert state.transport.written == []


def test_a_frame_is_written_when_the_socket_can_take_it():
    state = protocol_state()
    assert Protocol.write_prepared(state, b"\x81\x00") is True
    assert state.transport.written == [b"\x81\x00"]
