"""Who is in a room right now: one row per open socket, shared by every server process through the database.

Each process keeps the rows of its own open sockets fresh, all of them in one statement every HEARTBEAT_SECONDS
(`Keeper`), rather than one statement per socket: a room of 500 would otherwise write 17 rows a second, queued on
the same database thread as the room's messages. A socket whose process was killed stops being refreshed and drops
out after PRESENCE_TTL; a connection that dies silently is closed by the server's websocket pings and leaves.
Announcements are coalesced: many arrivals at once make one update per room per second."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from django.core.cache import cache
from django.utils import timezone

from hearth.accounts.models import User
from hearth.chat.models import Presence, Room
from hearth.core.realtime import in_thread

logger = logging.getLogger(__name__)

PRESENCE_TTL = timedelta(seconds=90)
HEARTBEAT_SECONDS = 30  # a process refreshes its sockets' rows this often: well inside PRESENCE_TTL
ANNOUNCE_EVERY_SECONDS = 1
MAX_LISTED = 100
REFRESH_BATCH = 1000  # sockets per statement


def arrive(room: Room, user: User, channel_name: str) -> None:
    Presence.objects.update_or_create(
        channel_name=channel_name, defaults={"room": room, "user": user, "seen_at": timezone.now()}
    )


def leave(channel_name: str) -> None:
    Presence.objects.filter(channel_name=channel_name).delete()


def refresh(channel_names: Sequence[str]) -> int:
    """These sockets are still open: one statement per REFRESH_BATCH of them. Returns the rows refreshed."""
    now = timezone.now()
    refreshed = 0
    for start in range(0, len(channel_names), REFRESH_BATCH):
        batch = channel_names[start : start + REFRESH_BATCH]
        refreshed += Presence.objects.filter(channel_name__in=batch).update(seen_at=now)
    return refreshed


class Keeper:
    """Refreshes the presence rows of one event loop's open sockets while there are any."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.channel_names: set[str] = set()
        self.task: asyncio.Task[None] | None = None

    def add(self, channel_name: str) -> None:
        self.channel_names.add(channel_name)
        if self.task is None:
            self.task = self.loop.create_task(self._run())

    def discard(self, channel_name: str) -> None:
        self.channel_names.discard(channel_name)

    async def _run(self) -> None:
        while self.channel_names:
            await asyncio.sleep(HEARTBEAT_SECONDS)
            names = list(self.channel_names)
            if not names:
                break
            try:
                await in_thread(refresh)(names)
            except Exception:  # the database is away: rows age, and the next round tries again
                logger.exception("Refreshing the presence of %d sockets failed", len(names))
        self.task = None


_keepers: dict[int, Keeper] = {}


def keeper() -> Keeper:
    """The keeper of the running event loop (tests run several loops, one after another)."""
    loop = asyncio.get_running_loop()
    found = _keepers.get(id(loop))
    if found is None or found.loop is not loop:
        found = _keepers[id(loop)] = Keeper(loop)
    return found


def should_announce(room_id: int) -> bool:
    """True for the first change in each announcement window (across processes when the cache is Redis)."""
    return bool(cache.add(f"chat:presence:{room_id}", 1, timeout=ANNOUNCE_EVERY_SECONDS))


def present(room_id: int) -> dict[str, Any]:
    """The people in a room, as the presence event carries them (ids are for the consumers' block filter)."""
    since = timezone.now() - PRESENCE_TTL
    Presence.objects.filter(room_id=room_id, seen_at__lt=since).delete()
    rows = (
        Presence.objects.filter(room_id=room_id, seen_at__gte=since)
        .values_list("user_id", "user__username")
        .distinct()
        .order_by("user__username")
    )
    people = [{"id": uid, "name": name} for uid, name in rows[: MAX_LISTED + 1]]
    count = Presence.objects.filter(room_id=room_id, seen_at__gte=since).values("user_id").distinct().count()
    return {"people": people[:MAX_LISTED], "count": count}
