"""Who is in a room right now: one row per open socket, shared by every server process through the database.

A socket that dies without closing (its process was killed) stops refreshing its row and drops out after
PRESENCE_TTL. Announcements are coalesced: many arrivals at once make one update per room per second."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.cache import cache
from django.utils import timezone

from hearth.accounts.models import User
from hearth.chat.models import Presence, Room

PRESENCE_TTL = timedelta(seconds=90)
HEARTBEAT_SECONDS = 30
ANNOUNCE_EVERY_SECONDS = 1
MAX_LISTED = 100


def arrive(room: Room, user: User, channel_name: str) -> None:
    Presence.objects.update_or_create(
        channel_name=channel_name, defaults={"room": room, "user": user, "seen_at": timezone.now()}
    )


def leave(channel_name: str) -> None:
    Presence.objects.filter(channel_name=channel_name).delete()


def touch(channel_name: str) -> None:
    Presence.objects.filter(channel_name=channel_name).update(seen_at=timezone.now())


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
