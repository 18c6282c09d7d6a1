"""Writes to live chat: rooms, messages, reactions. Every message passes the safety pipeline before anyone sees it,
is stored, and only then broadcast (after commit), so a message that reaches a screen is never lost."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from hearth.accounts.blocks import has_blocked
from hearth.accounts.models import User
from hearth.chat import events
from hearth.chat.models import Message, MessageReaction, Room, RoomKind
from hearth.communities.models import Community
from hearth.core.errors import ApplicationError, ConflictError
from hearth.forums.models import ContentStatus, ReactionKind
from hearth.lib.markdown import render_markdown
from hearth.lib.ratelimit import check_rate_limit
from hearth.moderation.services import enqueue_content
from hearth.permissions import (
    check_react_message_permission,
    check_schedule_session_permission,
    check_send_message_permission,
)
from hearth.safety.analyzers.base import AnalysisContext
from hearth.safety.models import ContentKind
from hearth.safety.policy import Action, CommunityPolicy, Decision, HighRiskPolicy
from hearth.safety.services import record_screening, screen_text

MAX_MESSAGE = 4000
MAX_SESSION_HOURS = 6
CLIENT_ID = re.compile(r"[A-Za-z0-9_-]{8,64}")
# In a 1:1 support chat the listener must see a message at risk at once, while a moderator is alerted.
SUPPORT_POLICY = CommunityPolicy(high_risk=HighRiskPolicy.PUBLISH_AND_ALERT)


@dataclass(frozen=True)
class Sent:
    message: Message
    created: bool  # False when this client_id was already stored: a retry, answered with the stored message
    decision: Decision | None


def lobby_for(community: Community) -> Room:
    """The community's always-open chat room, made on first use."""
    room = Room.objects.filter(community=community, kind=RoomKind.LOBBY).first()
    if room is not None:
        return room
    try:
        with transaction.atomic():
            return Room.objects.create(community=community, kind=RoomKind.LOBBY, title=f"{community.name} chat")
    except IntegrityError:  # made by a concurrent request
        return Room.objects.get(community=community, kind=RoomKind.LOBBY)


def clean_message(body: str) -> str:
    body = body.strip()
    if not body:
        raise ApplicationError("Write something before sending.", code="body_empty")
    if "\x00" in body:
        raise ApplicationError("Messages can't contain NUL characters.", code="bad_text")
    if len(body) > MAX_MESSAGE:
        raise ApplicationError(
            f"Messages can be at most {MAX_MESSAGE:,} characters. Yours has {len(body):,}.", code="body_too_long"
        )
    return body


def clean_client_id(client_id: str) -> str:
    if not CLIENT_ID.fullmatch(client_id or ""):
        raise ApplicationError(
            "Each message needs a client_id of 8 to 64 letters, digits, '-' or '_'.", code="bad_client_id"
        )
    return client_id


def _reply_target(author: User, room: Room, seq: int | None) -> Message | None:
    if seq is None:
        return None
    target = (
        Message.objects.select_related("author")
        .filter(room=room, seq=seq, status=ContentStatus.PUBLISHED, deleted_at__isnull=True)
        .first()
    )
    if target is None:
        raise ApplicationError("That message isn't there to reply to any more.", code="reply_not_found")
    if has_blocked(target.author_id, author.id):
        raise PermissionDenied("You can't reply to this message.")
    return target


def send_message(
    author: User,
    room: Room,
    *,
    body: str,
    client_id: str,
    reply_to: int | None = None,
    acknowledged: frozenset[str] = frozenset(),
) -> Sent:
    """Screen, store and broadcast one message. Sending the same client_id again returns the stored message.

    Retries are rare, so they are found where they fail (the unique client id, or a check that now refuses), not
    looked for first: a query saved on every message, in the busiest write there is."""
    client_id = clean_client_id(client_id)
    try:
        check_send_message_permission(author, room)
        body = clean_message(body)
        check_rate_limit("chat", key=str(author.id), message="You're sending messages very fast. Please wait {wait}.")
        target = _reply_target(author, room, reply_to)
        screened = screen_text(
            body,
            community=room.community,
            policy=SUPPORT_POLICY if room.kind == RoomKind.SUPPORT else None,
            context=AnalysisContext(
                is_reply=target is not None or room.kind == RoomKind.SUPPORT,
                addressed=frozenset({target.author.username.lower()}) if target else frozenset(),
            ),
            acknowledged=acknowledged,
        )
    except (ApplicationError, PermissionDenied):
        # A retry of a stored message is answered with it, even if a check would refuse it now (a mute since, or
        # the limit the retry itself counts against): the message was accepted when it was sent.
        stored = _stored(author, room, client_id)
        if stored is None:
            raise
        return Sent(message=stored, created=False, decision=None)
    decision = screened.decision
    status = ContentStatus.HELD if decision.action == Action.HOLD else ContentStatus.PUBLISHED
    body_html = render_markdown(body)
    try:
        with transaction.atomic():
            # Taking a number locks the room's row until commit, so numbers become visible in order: a client that
            # saw message n has seen every message before n that it may see. Every room's message waits for this
            # lock, in every process, so all that needs no number is done before it.
            seq, now = _take_number(room)
            message = Message.objects.create(
                room=room,
                seq=seq,
                author=author,
                client_id=client_id,
                body=body,
                body_html=body_html,
                reply_to=target,
                topics=list(decision.add_topics),
                labels=list(decision.labels),
                status=status,
                risk_level=int(decision.risk_level),
                created_at=now,
            )
            screening = record_screening(
                screened, author=author, kind=ContentKind.CHAT, community=room.community, content=message
            )
            item = enqueue_content(message, community=room.community, decision=decision, screening=screening)
            events.message_created(message)  # after enqueue: with nobody on call, an urgent message is held first
            if item is not None:
                events.moderators_alerted(message, item_id=item.id, risk_level=item.risk_level)
    except IntegrityError:
        # This client_id is stored already (a retry, or the same send twice at once): this transaction, its number
        # too, is gone, and the stored message is the answer.
        first = _stored(author, room, client_id)
        if first is None:
            raise
        return Sent(message=first, created=False, decision=None)
    return Sent(message=message, created=True, decision=decision)


def _stored(author: User, room: Room, client_id: str) -> Message | None:
    return Message.objects.filter(room=room, author=author, client_id=client_id).first()


def _take_number(room: Room) -> tuple[int, datetime]:
    """The room's next message number, in one statement that also locks the room's row (until commit)."""
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE chat_room SET last_seq = last_seq + 1, last_message_at = %s WHERE id = %s RETURNING last_seq",
            [now, room.id],
        )
        (seq,) = cursor.fetchone()
    room.last_seq, room.last_message_at = seq, now
    return seq, now


def toggle_reaction(user: User, message: Message, *, kind: str) -> bool:
    """Add the reaction, or take it back if it was there; returns whether it is there now."""
    if kind not in ReactionKind.values:
        raise ApplicationError("Choose one of the support reactions.", code="unknown_reaction")
    check_react_message_permission(user, message)
    with transaction.atomic():
        deleted, _ = MessageReaction.objects.filter(message=message, user=user, kind=kind).delete()
        if not deleted:
            check_rate_limit("reaction", key=str(user.id))
            try:
                with transaction.atomic():
                    MessageReaction.objects.create(message=message, user=user, kind=kind)
            except IntegrityError as exc:
                raise ConflictError("You've already sent that.", code="already_reacted") from exc
        events.reactions_changed(message, actor_id=user.id, kind=kind, added=not deleted)
    return not deleted


@transaction.atomic
def delete_message(user: User, message: Message) -> Message:
    """Authors take back their own messages; everyone's screens drop them."""
    if message.author_id != user.id:
        raise PermissionDenied("You can only delete your own messages.")
    if message.deleted_at is not None:
        raise ConflictError("This message is already deleted.", code="already_deleted")
    message.deleted_at = timezone.now()
    message.save(update_fields=["deleted_at"])
    events.message_changed(message)
    return message


def schedule_session(
    user: User,
    community: Community,
    *,
    title: str,
    description: str = "",
    opens_at: datetime,
    minutes: int,
) -> Room:
    """A group session: a room that opens at a set time, with the scheduler as its facilitator."""
    check_schedule_session_permission(user, community)
    title = " ".join(title.split())
    if not 3 <= len(title) <= 120:
        raise ApplicationError("Give the session a title of 3 to 120 characters.", code="bad_title")
    if opens_at < timezone.now() - timedelta(minutes=5):
        raise ApplicationError("Choose a start time in the future.", code="in_the_past")
    if not 15 <= minutes <= MAX_SESSION_HOURS * 60:
        raise ApplicationError(f"Sessions last 15 minutes to {MAX_SESSION_HOURS} hours.", code="bad_length")
    description = description.strip()
    # The title and description are public to the community, so they pass the pipeline like any post.
    if screen_text(f"{title}\n\n{description}", community=community).decision.action == Action.HOLD:
        raise ApplicationError(
            "A session's title and description are public to the community, and these need rewording first.",
            code="description_held",
        )
    return Room.objects.create(
        kind=RoomKind.SESSION,
        community=community,
        title=title,
        description=description,
        opens_at=opens_at,
        closes_at=opens_at + timedelta(minutes=minutes),
        facilitator=user,
        created_by=user,
    )
