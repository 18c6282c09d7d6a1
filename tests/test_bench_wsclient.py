"""The benchmark and test chat client (bench/wsclient.py) fills a gap in the numbers as the page does."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

import wsclient

from hearth.chat.tests.helpers import run  # a loop of its own, also beside the browser tests' driver


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

    filled, sent = run(scenario)
    assert filled == []
    assert sent == [{"type": "sync", "after": 3}]


def test_a_later_gap_is_not_taken_for_the_first_one(monkeypatch):
    """In a busy room one message or another is nearly always a little late. Only a gap that stays its whole wait
    is asked for: one that fills, followed by another, starts a new wait for the new one."""
    monkeypatch.setattr(wsclient, "GAP_WAIT", 0.1)

    async def scenario() -> list[dict[str, Any]]:
        client = wsclient.ChatClient(["ws://127.0.0.1:1/ws/chat/1/"], token="hth_test")
        socket = FakeSocket()
        client._ws = socket  # type: ignore[assignment]
        client.last_seq = 0
        for seq in (1, 3):  # 2 is late
            client._take({"seq": seq}, 0.0, live=True)
        await asyncio.sleep(0.06)
        for seq in (2, 5):  # 2 arrives; now 4 is late
            client._take({"seq": seq}, 0.0, live=True)
        await asyncio.sleep(0.06)  # the first wait ends with a gap, but not the one it waited for
        asked_early = list(socket.sent)
        client._take({"seq": 4}, 0.0, live=True)  # 4 arrives within its own wait
        await asyncio.sleep(0.2)
        return asked_early + socket.sent

    assert run(scenario) == []


def test_a_skipped_number_is_not_waited_for(monkeypatch):
    """The server sends only the number of a message this member will not see (held, or by someone they
    blocked): the client moves past it and asks for nothing."""
    monkeypatch.setattr(wsclient, "GAP_WAIT", 0.05)

    async def scenario() -> tuple[int | None, list[dict[str, Any]]]:
        client = wsclient.ChatClient(["ws://127.0.0.1:1/ws/chat/1/"], token="hth_test")
        socket = FakeSocket()
        client._ws = socket  # type: ignore[assignment]
        client.last_seq = 0
        client._handle_frame({"type": "message", "message": {"seq": 1}}, socket)  # type: ignore[arg-type]
        client._handle_frame({"type": "message", "message": {"seq": 3}}, socket)  # type: ignore[arg-type]
        client._handle_frame({"type": "skip", "seq": 2}, socket)  # type: ignore[arg-type]
        await asyncio.sleep(0.2)
        return client.last_seq, socket.sent

    last_seq, sent = run(scenario)
    assert last_seq == 3
    assert sent == []


def test_the_number_set_answers_as_a_set_does():
    seqs = wsclient.SeqSet([3, 1])
    seqs.add(3)
    seqs.add(1500)
    assert len(seqs) == 3
    assert 1 in seqs and 1500 in seqs
    assert 2 not in seqs and 0 not in seqs and 1501 not in seqs and -1 not in seqs and "1" not in seqs
    assert list(seqs) == [1, 3, 1500]
    assert {1, 3} <= seqs
    assert not {1, 2} <= seqs
    assert {1, 2, 4} - seqs == {2, 4}
    assert seqs == {1, 3, 1500} and seqs != {1, 3}
    assert not wsclient.SeqSet()
    with pytest.raises(ValueError, match="not negative"):
        seqs.add(-1)


def test_numbers_far_beyond_the_first_grow_the_set():
    seqs = wsclient.SeqSet()
    for seq in range(0, 100_000, 7):
        seqs.add(seq)
    assert len(seqs) == len(range(0, 100_000, 7))
    assert set(seqs) == set(range(0, 100_000, 7))
