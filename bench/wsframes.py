"""A minimal websocket connection (RFC 6455) for benchmark clients: frames are parsed as bytes arrive and each
text message goes straight to a callback, with no task or queue per frame.

The `websockets` library costs about 45 µs of CPU per message received. With 500 clients in one process on the
same two cores as the servers, that alone took over half a core, which the servers then lacked. Real clients run
on people's own devices; this keeps the benchmark's clients from crowding out what it measures. It speaks only
what Hearth's server sends: unfragmented or fragmented text frames, ping, pong and close, no extensions.
"""

from __future__ import annotations

import asyncio
import base64
import os
import struct
from collections.abc import Callable
from urllib.parse import urlsplit

TEXT, BINARY, CONTINUATION, CLOSE, PING, PONG = 0x1, 0x2, 0x0, 0x8, 0x9, 0xA
NO_STATUS = 1005
ABNORMAL = 1006


class HandshakeRefused(ConnectionError):
    def __init__(self, status: int) -> None:
        super().__init__(f"handshake refused with HTTP {status}")
        self.status = status


class ConnectionDropped(ConnectionError):
    """Sending on a connection that is closed or closing."""


def _mask(payload: bytes, key: bytes) -> bytes:
    if not payload:
        return payload
    whole = (key * (len(payload) // 4 + 1))[: len(payload)]
    return (int.from_bytes(payload, "big") ^ int.from_bytes(whole, "big")).to_bytes(len(payload), "big")


def encode_frame(opcode: int, payload: bytes) -> bytes:
    """A final, masked client frame."""
    length = len(payload)
    if length < 126:
        header = struct.pack("!BB", 0x80 | opcode, 0x80 | length)
    elif length < 1 << 16:
        header = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, length)
    else:
        header = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, length)
    key = os.urandom(4)
    return header + key + _mask(payload, key)


class FrameConnection(asyncio.Protocol):
    """One websocket. `on_text(payload, connection)` is called with the UTF-8 bytes of each text message, in order,
    from the event loop (the first may come before `open` returns)."""

    def __init__(self, on_text: Callable[[bytes, FrameConnection], None]) -> None:
        self.on_text = on_text
        self.transport: asyncio.Transport | None = None
        self.close_code: int | None = None
        self.buffer = bytearray()
        self.handshake_done = False
        self.handshake: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self.closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.fragments: list[bytes] = []
        self.fragment_opcode = 0

    @classmethod
    async def open(
        cls,
        url: str,
        on_text: Callable[[bytes, FrameConnection], None],
        *,
        headers: dict[str, str],
        timeout: float = 10.0,
    ) -> FrameConnection:
        parts = urlsplit(url)
        if parts.scheme != "ws" or parts.hostname is None:
            raise ValueError("only ws:// addresses")
        loop = asyncio.get_running_loop()
        connection = cls(on_text)
        transport, _ = await asyncio.wait_for(
            loop.create_connection(lambda: connection, parts.hostname, parts.port or 80), timeout=timeout
        )
        connection.transport = transport
        key = base64.b64encode(os.urandom(16)).decode()
        lines = [
            f"GET {parts.path or '/'}{'?' + parts.query if parts.query else ''} HTTP/1.1",
            f"Host: {parts.netloc}",
            "Upgrade: websocket",
            "Connection: Upgrade",
            f"Sec-WebSocket-Key: {key}",
            "Sec-WebSocket-Version: 13",
            *(f"{name}: {value}" for name, value in headers.items()),
        ]
        transport.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        try:
            status = await asyncio.wait_for(asyncio.shield(connection.handshake), timeout=timeout)
        except BaseException:
            transport.abort()
            raise
        if status != 101:
            transport.abort()
            raise HandshakeRefused(status)
        return connection

    # --- asyncio.Protocol -----------------------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]  # a stream transport (uvloop's is not a subclass)

    def data_received(self, data: bytes) -> None:
        if self.handshake_done and not self.buffer and len(data) >= 4 and data[0] == 0x81:
            # The usual case in a busy room: exactly one whole, unmasked text frame under 64 KB, read without
            # copying it into the buffer (25,000 of these a second in the benchmark, on the servers' cores).
            size, header = data[1], 2  # 127 (a 64-bit length) and the mask bit take the general path below
            if size == 126:
                size, header = (data[2] << 8) | data[3], 4
            if data[1] <= 126 and len(data) == header + size:
                self.on_text(data[header:], self)
                return
        self.buffer += data
        if not self.handshake_done:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            status_line = bytes(self.buffer[: self.buffer.find(b"\r\n")]).decode("latin-1")
            del self.buffer[: end + 4]
            self.handshake_done = True
            status = int(status_line.split(" ", 2)[1])
            if not self.handshake.done():
                self.handshake.set_result(status)
            if status != 101:
                return
        self._read_frames()

    def connection_lost(self, exc: Exception | None) -> None:
        if self.close_code is None:
            self.close_code = ABNORMAL
        if not self.handshake.done():
            self.handshake.set_exception(ConnectionError("connection closed during the handshake"))
            self.handshake.exception()
        if not self.closed.done():
            self.closed.set_result(None)

    # --- Frames ---------------------------------------------------------------------------------------------

    def _read_frames(self) -> None:
        buffer = self.buffer
        start = 0
        while True:
            available = len(buffer) - start
            if available < 2:
                break
            first, second = buffer[start], buffer[start + 1]
            length = second & 0x7F
            offset = start + 2
            if length == 126:
                if available < 4:
                    break
                length = int.from_bytes(buffer[offset : offset + 2], "big")
                offset += 2
            elif length == 127:
                if available < 10:
                    break
                length = int.from_bytes(buffer[offset : offset + 8], "big")
                offset += 8
            if second & 0x80:  # a server must not mask; nothing here expects it
                self._fail(1002)
                return
            if len(buffer) < offset + length:
                break
            payload = bytes(buffer[offset : offset + length])
            start = offset + length
            self._frame(first & 0x80 != 0, first & 0x0F, payload)
        if start:
            del buffer[:start]

    def _frame(self, final: bool, opcode: int, payload: bytes) -> None:
        if opcode == TEXT and final:
            self.on_text(payload, self)
        elif opcode in (TEXT, BINARY):
            self.fragment_opcode, self.fragments = opcode, [payload]
        elif opcode == CONTINUATION:
            self.fragments.append(payload)
            if final:
                whole = b"".join(self.fragments)
                self.fragments = []
                if self.fragment_opcode == TEXT:
                    self.on_text(whole, self)
        elif opcode == PING:
            self._write(PONG, payload)
        elif opcode == CLOSE:
            self.close_code = int.from_bytes(payload[:2], "big") if len(payload) >= 2 else NO_STATUS
            self._write(CLOSE, payload[:2])
            if self.transport is not None:
                self.transport.close()

    def _fail(self, code: int) -> None:
        self.close_code = code
        if self.transport is not None:
            self.transport.abort()

    def _write(self, opcode: int, payload: bytes) -> None:
        if self.transport is None or self.transport.is_closing():
            raise ConnectionDropped("the connection is closed")
        self.transport.write(encode_frame(opcode, payload))

    # --- For the client -------------------------------------------------------------------------------------

    async def send(self, text: str) -> None:
        self._write(TEXT, text.encode())

    async def close(self, code: int = 1000) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self._write(CLOSE, code.to_bytes(2, "big"))
            try:
                await asyncio.wait_for(asyncio.shield(self.closed), timeout=5)
            except TimeoutError:
                self.transport.abort()
