"""Catching up after a gap, shared by the sockets of one process.

A client that sees a gap in the message numbers asks for everything after it (`sync`). When a server falls
behind, every socket it serves sees the same gap at once, and hundreds of identical reads of the room's history
would then queue on the database thread in front of the messages waiting to be stored, which makes the server
fall further behind. Here the requests for one room that arrive within a short window share one read, made after
the last of them arrived (so it holds everything any of them was missing); each socket then keeps what its person
may see, by the same rules as live events.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from hearth.chat.models import Message, Room
from hearth.chat.selectors import SYNC_BATCH, with_reactions
from hearth.core.realtime import in_thread
from hearth.forums.models import ContentStatus

WINDOW_SECONDS = 0.02


@dataclass(frozen=True)
class Row:
    data: dict[str, Any]  # message_data(), without "mine"
    author_id: int
    published: bool

    @property
    def seq(self) -> int:
        return int(self.data["seq"])


@dataclass(frozen=True)
class Batch:
    rows: list[Row]  # every message after `after` that is not deleted, oldest first
    more: bool  # the read stopped at SYNC_BATCH: more messages follow the last row


def read_after(room_id: int, after: int) -> Batch:
    qs = Message.objects.filter(room_id=room_id, deleted_at__isnull=True, seq__gt=after)
    messages = list(qs.select_related("author", "reply_to__author").order_by("seq")[: SYNC_BATCH + 1])
    more = len(messages) > SYNC_BATCH
    messages = messages[:SYNC_BATCH]
    return Batch(
        rows=[
            Row(data=data, author_id=m.author_id, published=m.status == ContentStatus.PUBLISHED)
            for data, m in zip(with_reactions(messages), messages, strict=True)
        ],
        more=more,
    )


def visible_to(
    rows: Iterable[Row], *, after: int, user_id: int, hidden: frozenset[int], moderator: bool
) -> list[dict[str, Any]]:
    """What one person may see of a shared batch, as visible_messages() decides for one person's read."""
    return [
        {**row.data, "mine": row.author_id == user_id}
        for row in rows
        if row.seq > after and row.author_id not in hidden and (row.published or moderator or row.author_id == user_id)
    ]


@dataclass
class _Pending:
    after: int
    future: asyncio.Future[Batch] = field(default_factory=lambda: asyncio.get_running_loop().create_future())


class SharedCatchUp:
    """One event loop's shared reads, per room."""

    def __init__(self, window: float | None = None) -> None:
        self.window = WINDOW_SECONDS if window is None else window
        self.pending: dict[int, _Pending] = {}

    async def after(self, room: Room, after: int) -> Batch:
        """Every message of the room after `after` (and perhaps a few before it: filter with visible_to)."""
        pending = self.pending.get(room.id)
        if pending is None:
            pending = self.pending[room.id] = _Pending(after)
            asyncio.get_running_loop().create_task(self._read(room.id, pending))
        else:
            pending.after = min(pending.after, after)
        return await asyncio.shield(pending.future)

    async def _read(self, room_id: int, pending: _Pending) -> None:
        await asyncio.sleep(self.window)
        del self.pending[room_id]  # a request from now on starts a new read: this one may be too early for it
        try:
            batch = await in_thread(read_after)(room_id, pending.after)
        except Exception as exc:
            pending.future.set_exception(exc)
        else:
            pending.future.set_result(batch)


_shared: dict[int, tuple[asyncio.AbstractEventLoop, SharedCatchUp]] = {}


def shared_catch_up() -> SharedCatchUp:
    """The shared reads of the running event loop (tests run several loops, one after another)."""
    loop = asyncio.get_running_loop()
    found = _shared.get(id(loop))
    if found is None or found[0] is not loop:
        found = _shared[id(loop)] = (loop, SharedCatchUp())
    return found[1]
