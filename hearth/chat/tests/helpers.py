"""Driving the real ASGI application (origin check, session auth, routing) with Channels' test communicator."""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

from channels.testing import WebsocketCommunicator
from django.test import Client

from hearth.chat.models import Room
from hearth.core.testing.loops import run  # noqa: F401 (the chat tests take it from here)

ORIGIN = b"http://127.0.0.1"
_ids = itertools.count(1)


def session_cookie(user: Any) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def client_id() -> str:
    return f"test-{next(_ids):06d}"


class Socket:
    """One browser tab's socket, with helpers that wait for the frames a test expects."""

    def __init__(self, communicator: WebsocketCommunicator) -> None:
        self.communicator = communicator
        self.pending: list[dict[str, Any]] = []  # frames `say` read past while waiting for its answer

    async def send(self, frame: dict[str, Any]) -> None:
        await self.communicator.send_json_to(frame)

    async def receive(self, timeout: float = 3) -> dict[str, Any]:
        if not self.pending:
            self.pending.extend(await self._frames(timeout))
        return self.pending.pop(0)

    async def _frames(self, timeout: float) -> list[dict[str, Any]]:
        """The next websocket frame's frames: a `batch` carries several, in order."""
        frame: dict[str, Any] = await self.communicator.receive_json_from(timeout=timeout)
        frames: list[dict[str, Any]] = frame["frames"] if frame["type"] == "batch" else [frame]
        return frames

    async def receive_type(self, kind: str, timeout: float = 3) -> dict[str, Any]:
        """The next frame of this type, skipping presence and typing chatter."""
        while True:
            frame = await self.receive(timeout=timeout)
            if frame["type"] == kind:
                return frame
            if frame["type"] not in ("presence", "typing", "notification"):
                raise AssertionError(f"expected a {kind} frame, got {frame}")

    async def nothing_more(self, timeout: float = 0.3) -> bool:
        """True if no frame other than presence or typing arrives within `timeout`."""
        for frame in self.pending:
            if frame["type"] not in ("presence", "typing", "notification"):
                raise AssertionError(f"expected nothing more, got {frame}")
        self.pending.clear()
        while True:
            if await self.communicator.receive_nothing(timeout=timeout):
                return True
            frame = await self.receive()
            if frame["type"] not in ("presence", "typing", "notification"):
                raise AssertionError(f"expected nothing more, got {frame}")

    async def say(self, body: str, **extra: Any) -> dict[str, Any]:
        await self.send({"type": "send", "client_id": extra.pop("client_id", client_id()), "body": body, **extra})
        while True:
            for frame in await self._frames(timeout=3):
                if frame["type"] in ("ack", "nudge", "error"):
                    return frame
                self.pending.append(frame)

    async def close(self) -> None:
        await self.communicator.disconnect()


async def connect(
    user: Any, room: Room, *, origin: bytes = ORIGIN, welcome: bool = True, extensions: dict[str, Any] | None = None
) -> Socket:
    """`extensions`: ASGI extensions the stand-in server offers, beside the usual ones."""
    from config.asgi import application

    headers = [(b"origin", origin)]
    if user is not None:
        cookie = await asyncio.to_thread(session_cookie, user)
        headers.append((b"cookie", f"sessionid={cookie}".encode()))
    communicator = WebsocketCommunicator(application, f"/ws/chat/{room.id}/", headers=headers)
    if extensions:
        communicator.scope["extensions"] = {**communicator.scope.get("extensions", {}), **extensions}
    connected, _ = await communicator.connect()
    assert connected, "the handshake was refused"
    socket = Socket(communicator)
    if welcome:
        frame = await socket.receive()
        assert frame["type"] == "welcome", frame
    return socket
