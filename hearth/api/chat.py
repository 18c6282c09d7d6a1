"""Live chat: rooms, history (after a number, for catching up; or before one, for scrolling back), sending,
reactions and group sessions. The same services as the socket and the pages."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field as NinjaField
from ninja import Query, Router, Schema, Status

from hearth.api.auth import member_of
from hearth.api.schemas.chat import (
    MessageIn,
    MessagePageOut,
    ReactionIn,
    ReactionsOut,
    RoomOut,
    SentOut,
    SessionIn,
    message_out,
)
from hearth.api.schemas.common import AUTH, UNSAFE, NudgeOut, Text, errors
from hearth.api.schemas.forums import WriterHelpOut
from hearth.chat.selectors import (
    HISTORY_PAGE,
    SYNC_BATCH,
    community_sessions,
    messages_after,
    messages_before,
    reaction_counts,
    with_reactions,
)
from hearth.chat.services import delete_message, lobby_for, schedule_session, send_message, toggle_reaction
from hearth.permissions import access_community, access_message, access_room, check_post_permission
from hearth.safety.services import parse_acknowledged, redact_own_details

router = Router()


class HistoryQuery(Schema):
    after: int | None = NinjaField(default=None, ge=0, description="Messages after this number, oldest first.")
    before: int | None = NinjaField(default=None, ge=1, description="Messages before this number (or the latest).")
    limit: int = NinjaField(default=HISTORY_PAGE, ge=1, le=SYNC_BATCH)


@router.get("/communities/{slug}/chat", response={200: RoomOut, **errors(*AUTH, 403, 404, 422)})
def community_chat(request: HttpRequest, slug: Text) -> RoomOut:
    """The community's always-open chat room (members and moderators)."""
    user = member_of(request)
    community = access_community(user, slug)
    check_post_permission(user, community)
    return RoomOut.from_room(lobby_for(community))


@router.get("/communities/{slug}/sessions", response={200: list[RoomOut], **errors(*AUTH, 403, 404, 422)})
def list_sessions(request: HttpRequest, slug: Text) -> list[RoomOut]:
    """Group sessions still to come or running, soonest first."""
    user = member_of(request)
    community = access_community(user, slug)
    check_post_permission(user, community)
    return [RoomOut.from_room(room) for room in community_sessions(community)]


@router.post("/communities/{slug}/sessions", response={201: RoomOut, **errors(*UNSAFE, 404)})
def create_session(request: HttpRequest, slug: Text, payload: SessionIn) -> Status[RoomOut]:
    """Schedule a group session (the community's moderators); you are its facilitator."""
    user = member_of(request)
    community = access_community(user, slug)
    room = schedule_session(
        user,
        community,
        title=payload.title,
        description=payload.description,
        opens_at=payload.opens_at,
        minutes=payload.minutes,
    )
    return Status(201, RoomOut.from_room(room))


@router.get("/chat/rooms/{room_id}", response={200: RoomOut, **errors(*AUTH, 404, 422)})
def get_room(request: HttpRequest, room_id: int) -> RoomOut:
    return RoomOut.from_room(access_room(member_of(request), room_id))


@router.get("/chat/rooms/{room_id}/messages", response={200: MessagePageOut, **errors(*AUTH, 404, 422)})
def list_messages(request: HttpRequest, room_id: int, query: Query[HistoryQuery]) -> MessagePageOut:
    """History you may see. With `after`, the messages after that number (what a client missed while offline);
    otherwise the latest, or those before `before`. Held messages appear only to their author and moderators."""
    user = member_of(request)
    room = access_room(user, room_id)
    if query.after is not None:
        rows, more = messages_after(room, user, after=query.after, limit=query.limit)
    else:
        rows, more = messages_before(room, user, before=query.before, limit=query.limit)
    data = with_reactions(rows)
    return MessagePageOut(
        messages=[message_out(d, mine=r.author_id == user.id) for d, r in zip(data, rows, strict=True)],
        more=more,
    )


@router.post(
    "/chat/rooms/{room_id}/messages",
    response={201: SentOut, 200: SentOut, **errors(*UNSAFE, 404, 429), 409: NudgeOut},
)
def post_message(request: HttpRequest, room_id: int, payload: MessageIn) -> Status[SentOut]:
    """Send a message. 201 when stored; 200 when this client_id was stored before (a retry: nothing new).
    It passes the safety pipeline first: it may be held for a moderator, or put back to you with a 409."""
    user = member_of(request)
    room = access_room(user, room_id)
    sent = send_message(
        user,
        room,
        body=redact_own_details(payload.body) if payload.redact else payload.body,
        client_id=payload.client_id,
        reply_to=payload.reply_to,
        acknowledged=parse_acknowledged([n.value for n in payload.acknowledge]),
    )
    data = with_reactions([sent.message])[0]
    out = SentOut(
        **data,
        mine=True,
        duplicate=not sent.created,
        help=WriterHelpOut.for_post(user, sent.message, noun="message") if sent.created else None,
    )
    return Status(201 if sent.created else 200, out)


@router.post(
    "/chat/rooms/{room_id}/messages/{seq}/reactions", response={200: ReactionsOut, **errors(*UNSAFE, 404, 409, 429)}
)
def react(request: HttpRequest, room_id: int, seq: int, payload: ReactionIn) -> ReactionsOut:
    """Toggle a support reaction on a message."""
    user = member_of(request)
    message = access_message(user, access_room(user, room_id), seq)
    added = toggle_reaction(user, message, kind=payload.kind.value)
    return ReactionsOut(added=added, counts=reaction_counts([message.id]).get(message.id, {}))


@router.delete("/chat/rooms/{room_id}/messages/{seq}", response={204: None, **errors(*UNSAFE, 404, 409)})
def remove_message(request: HttpRequest, room_id: int, seq: int) -> Status[None]:
    """Delete your own message; it disappears from every screen."""
    user = member_of(request)
    delete_message(user, access_message(user, access_room(user, room_id), seq))
    return Status(204, None)
