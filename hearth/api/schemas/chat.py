"""Live chat over the API: rooms, message history and sending. The websocket (`/ws/chat/{room_id}/`) carries the
same messages live; see the socket protocol in the operations guide."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Field, Schema

from hearth.api.schemas.common import NudgeCode, Text
from hearth.api.schemas.forums import WriterHelpOut
from hearth.chat.models import Room
from hearth.forums.models import ReactionKind


class RoomOut(Schema):
    id: int
    kind: str = Field(description="lobby (a community's chat), session (opens at a set time) or support (1:1)")
    title: str
    description: str
    community: str | None = Field(description="The community's slug; none for 1:1 support chats.")
    opens_at: datetime | None
    closes_at: datetime | None
    facilitator: str | None
    is_open: bool
    last_seq: int = Field(description="The number of the newest message; numbers grow by one per message.")
    socket: str = Field(description="The websocket path for this room's live messages.")

    @classmethod
    def from_room(cls, room: Room) -> RoomOut:
        return cls(
            id=room.id,
            kind=room.kind,
            title=room.title,
            description=room.description,
            community=room.community.slug if room.community else None,
            opens_at=room.opens_at,
            closes_at=room.closes_at,
            facilitator=room.facilitator.username if room.facilitator else None,
            is_open=room.is_open(),
            last_seq=room.last_seq,
            socket=f"/ws/chat/{room.id}/",
        )


class ReplyRefOut(Schema):
    seq: int
    author: str | None = Field(description="None when the message replied to was removed.")
    excerpt: str | None


class LabelOut(Schema):
    kind: str
    summary: str
    title: str
    url: str


class MessageOut(Schema):
    seq: int
    client_id: str
    author: str
    mine: bool
    body_html: str
    reply_to: ReplyRefOut | None
    topics: list[str]
    labels: list[str]
    label_resources: list[LabelOut]
    status: str = Field(description="published, held (waiting for a moderator) or hidden")
    moderator_note: str
    deleted: bool
    created_at: datetime
    reactions: dict[str, int]


class SentOut(MessageOut):
    duplicate: bool = Field(description="True when this client_id was already stored: nothing new was stored.")
    help: WriterHelpOut | None = Field(description="Shown to the writer when what they wrote suggests risk.")


class MessagePageOut(Schema):
    messages: list[MessageOut]
    more: bool = Field(description="More messages exist beyond this batch (after, or before, as asked).")


class MessageIn(Schema):
    body: Text = Field(max_length=4000)
    client_id: Text = Field(
        min_length=8, max_length=64, description="Made by the client; sending it again never stores twice."
    )
    reply_to: int | None = Field(default=None, ge=1, description="The number of the message replied to.")
    acknowledge: list[NudgeCode] = []
    redact: bool = False


class ReactionIn(Schema):
    kind: ReactionKind


class ReactionsOut(Schema):
    added: bool
    counts: dict[str, int]


class SessionIn(Schema):
    title: Text = Field(min_length=3, max_length=120)
    description: Text = Field(default="", max_length=2000)
    opens_at: datetime
    minutes: int = Field(ge=15, le=360)


def message_out(data: dict[str, Any], *, mine: bool) -> MessageOut:
    return MessageOut(**data, mine=mine)
