"""uvicorn's sans-I/O websocket protocol, plus one ASGI extension for fan-out: `hearth.prepared_frames`.

A chat message goes to every socket in its room. Through ASGI's `send`, each delivery encodes the text again,
builds and serialises a frame, and passes through several awaits, all for bytes that are the same for every
socket. The extension offers `write(frame) -> bool`: it writes a frame serialised once (`text_frame`) straight to
the socket, synchronously, if the socket can take it now (open, no close sent, its buffer below the high-water
mark), and says whether it did. When it returns False, or when a server does not offer the extension (tests,
other ASGI servers), the application sends through `send` as usual, which waits for the socket.

`make run`, `make serve` and the benchmarks start uvicorn with `--ws hearth.core.websocket_protocol:Protocol`.
"""

from __future__ import annotations

import struct
from typing import Any

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.protocol import State

PREPARED_FRAMES = "hearth.prepared_frames"


def text_frame(text: str) -> bytes:
    """A whole text message in one unmasked frame, as a server sends it (RFC 6455, section 5.2). Uncompressed
    frames stay valid when permessage-deflate was negotiated (RFC 7692, section 6)."""
    payload = text.encode()
    size = len(payload)
    if size < 126:
        header = struct.pack("!BB", 0x81, size)
    elif size < 1 << 16:
        header = struct.pack("!BBH", 0x81, 126, size)
    else:
        header = struct.pack("!BBQ", 0x81, 127, size)
    return header + payload


def prepared_writer(scope: dict[str, Any]) -> Any:
    """The extension's `write` for this socket, or None if the server does not offer it."""
    return scope.get("extensions", {}).get(PREPARED_FRAMES, {}).get("write")


class Protocol(WebSocketsSansIOProtocol):
    async def run_asgi(self) -> None:
        self.scope["extensions"][PREPARED_FRAMES] = {"write": self.write_prepared}
        await super().run_asgi()

    def write_prepared(self, frame: bytes) -> bool:
        if (
            self.conn.state is not State.OPEN
            or self.close_sent
            or not self.handshake_complete
            or not self.writable.is_set()  # the buffer is over the high-water mark: `send` waits, so must the caller
            or self.transport.is_closing()
        ):
            return False
        self.transport.write(frame)
        return True
