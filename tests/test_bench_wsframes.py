"""The benchmark's websocket reader (bench/wsframes.py) hands over each text message whole, in order, however the
bytes arrive: whole frames, frames split across reads, several frames in one read, and long ones."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

import wsframes

from hearth.core.websocket_protocol import text_frame


class Transport:
    def __init__(self) -> None:
        self.aborted = False

    def abort(self) -> None:
        self.aborted = True


def reader() -> tuple[wsframes.FrameConnection, list[bytes]]:
    received: list[bytes] = []
    connection = wsframes.FrameConnection.__new__(wsframes.FrameConnection)
    connection.on_text = lambda payload, _: received.append(bytes(payload))
    connection.transport = Transport()  # type: ignore[assignment]
    connection.close_code = None
    connection.buffer = bytearray()
    connection.handshake_done = True
    connection.fragments = []
    connection.fragment_opcode = 0
    return connection, received


TEXTS = ["hi", "é" * 70, "x" * 125, "y" * 126, "z" * 400, "w" * 70_000]


@pytest.mark.parametrize("text", TEXTS)
def test_a_whole_frame_in_one_read(text):
    connection, received = reader()
    connection.data_received(text_frame(text))
    assert received == [text.encode()]


@pytest.mark.parametrize("cut", [1, 2, 3, 5, 100])
def test_frames_split_across_reads_and_several_in_one_read(cut):
    connection, received = reader()
    stream = b"".join(text_frame(text) for text in TEXTS)
    for start in range(0, len(stream), cut * 97):
        connection.data_received(stream[start : start + cut * 97])
    assert received == [text.encode() for text in TEXTS]


def test_a_masked_frame_from_the_server_is_refused():
    connection, received = reader()
    connection.data_received(bytes([0x81, 0x80 | 4]) + b"\x00\x00\x00\x00" + b"abcd")
    assert received == []
    assert connection.close_code == 1002 and connection.transport.aborted
