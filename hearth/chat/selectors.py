"""Reads for live chat, in a fixed number of queries whatever the number of messages."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from hearth.accounts.blocks import hidden_author_ids
from hearth.chat.models import Message, MessageReaction, Room, RoomKind
from hearth.communities.models import Community
from hearth.forums.models import ContentStatus
from hearth.permissions import AnyUser, is_room_moderator
from hearth.safety.labels import label_resources

HISTORY_PAGE = 50
SYNC_BATCH = 200
EXCERPT = 80


def reaction_counts(message_ids: list[int]) -> dict[int, dict[str, int]]:
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    if not message_ids:
        return counts
    rows = (
        MessageReaction.objects.filter(message_id__in=message_ids)
        .values_list("message_id", "kind")
        .annotate(n=Count("id"))
    )
    for message_id, kind, n in rows:
        counts[message_id][kind] = n
    return counts


def message_data(message: Message, *, reactions: dict[str, int]) -> dict[str, Any]:
    """A message as JSON for sockets and the API. Author ids stay out: people are known by pseudonym only.
    Needs `author` and `reply_to__author` loaded (select_related) to stay within its queries."""
    reply = message.reply_to
    reply_data = None
    if reply is not None:
        shown = reply.status == ContentStatus.PUBLISHED and reply.deleted_at is None
        reply_data = {
            "seq": reply.seq,
            "author": reply.author.username if shown else None,
            "excerpt": _excerpt(reply.body) if shown else None,
        }
    return {
        "seq": message.seq,
        "client_id": message.client_id,
        "author": message.author.username,
        "body_html": message.body_html,
        "reply_to": reply_data,
        "topics": list(message.topics),
        "labels": list(message.labels),
        "label_resources": label_resources(list(message.labels)),
        "status": message.status,
        "moderator_note": message.moderator_note,
        "deleted": message.deleted_at is not None,
        "created_at": message.created_at.isoformat(),
        "reactions": reactions,
    }


def _excerpt(body: str) -> str:
    text = " ".join(body.split())
    return text if len(text) <= EXCERPT else text[: EXCERPT - 1].rstrip() + "…"


def visible_messages(room: Room, viewer: AnyUser) -> QuerySet[Message]:
    """What `viewer` may read in the room: published messages, their own held or hidden ones, everything for
    the room's moderators; never a deleted message, nor one by someone they blocked or muted."""
    qs = Message.objects.filter(room=room, deleted_at__isnull=True).select_related("author", "reply_to__author")
    hidden = hidden_author_ids(viewer)
    if hidden:
        qs = qs.exclude(author_id__in=hidden)
    if not is_room_moderator(viewer, room):
        qs = qs.filter(Q(status=ContentStatus.PUBLISHED) | Q(author_id=viewer.id))
    return qs


def with_reactions(messages: list[Message]) -> list[dict[str, Any]]:
    counts = reaction_counts([m.id for m in messages])
    return [message_data(m, reactions=counts.get(m.id, {})) for m in messages]


def messages_after(room: Room, viewer: AnyUser, *, after: int, limit: int = SYNC_BATCH) -> tuple[list[Message], bool]:
    """The messages a reconnecting client missed, oldest first; `more` says another batch follows."""
    rows = list(visible_messages(room, viewer).filter(seq__gt=after).order_by("seq")[: limit + 1])
    return rows[:limit], len(rows) > limit


def messages_before(
    room: Room, viewer: AnyUser, *, before: int | None = None, limit: int = HISTORY_PAGE
) -> tuple[list[Message], bool]:
    """The latest messages (or those before `before`), oldest first; `more` says earlier ones exist."""
    qs = visible_messages(room, viewer)
    if before is not None:
        qs = qs.filter(seq__lt=before)
    rows = list(qs.order_by("-seq")[: limit + 1])
    more = len(rows) > limit
    return list(reversed(rows[:limit])), more


def community_sessions(community: Community, *, include_past: bool = False) -> list[Room]:
    """Group sessions, soonest first: those still to come or running (and, if asked, the last few past ones)."""
    qs = Room.objects.filter(community=community, kind=RoomKind.SESSION).select_related("facilitator")
    now = timezone.now()
    upcoming = list(qs.filter(closes_at__gt=now, ended_at__isnull=True).order_by("opens_at")[:20])
    if not include_past:
        return upcoming
    past = list(qs.filter(Q(closes_at__lte=now) | Q(ended_at__isnull=False)).order_by("-opens_at")[:10])
    return upcoming + past
