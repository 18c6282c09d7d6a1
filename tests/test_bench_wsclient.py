"""The benchmark and test chat client (bench/wsclient.py) fills a gap in the numbers as the page does."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

import wsclient


class FakeSocket:
    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    async def send(self, text: str) -> None:
        self.sent.append(json.loads(text))


def test_a_gap_that_stays_is_asked_for_and_one_that_fills_is_not(monkeypatch):
    monkeypatch.setattr(wsclient, "GAP_WAIT", 0.05)

    async def scenario() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        client = wsclient.ChatClient(["ws://127.0.0.1:1/ws/chat/1/"], token="hth_test")
        socket = FakeSocket()
        client._ws = socket  # type: ignore[assignment]
        client.last_seq = 0
        for seq in (1, 3, 2):  # 3 arrives before 2, as from two servers: the gap fills before the wait is over
            client._take({"seq": seq}, 0.0, live=True)
        await asyncio.sleep(0.2)
        filled = list(socket.sent)
        client._take({"seq": 5}, 0.0, live=True)  # 4 never comes: its server died before publishing it
        await asyncio.sleep(0.2)
        return filled, socket.sent

    filled, sent = asyncio.run(scenario())
    assert filled == []
    assert sent == [{"type": "sync", "after": 3}]
