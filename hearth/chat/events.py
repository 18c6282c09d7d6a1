"""What each chat change tells whom. Events leave only after the transaction commits, so nobody sees a message
that was not stored. They carry user ids for the consumers to filter on (blocks, who may see held messages);
the consumers strip those ids before anything reaches a browser."""

from __future__ import annotations

import json
from typing import Any

from hearth.chat.hub import room_group
from hearth.chat.models import Message
from hearth.chat.selectors import message_data, reaction_counts
from hearth.core.realtime import send_after_commit, user_group
from hearth.forums.models import ContentStatus


def moderators_group(room_id: int) -> str:
    return f"chat.room.{room_id}.mods"


def _message_event(message: Message, kind: str, *, new: bool = False) -> dict[str, Any]:
    """The event, with the frame each socket forwards already encoded (once, not once per socket): one for the
    author's own sockets ("mine") and one for everyone else."""
    reactions = {} if new else reaction_counts([message.id]).get(message.id, {})
    data = message_data(message, reactions=reactions)
    frame_type = "message" if kind == "chat.message" else "update"
    return {
        "type": kind,
        "room": message.room_id,
        "author_id": message.author_id,
        "visible": message.status == ContentStatus.PUBLISHED and message.deleted_at is None,
        "deleted": message.deleted_at is not None,
        "seq": message.seq,
        "frame": _encode({"type": frame_type, "message": {**data, "mine": False}}),
        "frame_mine": _encode({"type": frame_type, "message": {**data, "mine": True}}),
    }


def _encode(frame: dict[str, Any]) -> str:
    return json.dumps(frame, separators=(",", ":"))


def message_created(message: Message) -> None:
    event = _message_event(message, "chat.message", new=True)
    if event["visible"]:
        send_after_commit(room_group(message.room_id), event)
        return
    # Held: only its author and the room's moderators may see it.
    send_after_commit(moderators_group(message.room_id), event)
    send_after_commit(user_group(message.author_id), event)


def message_changed(message: Message) -> None:
    """Published, held, hidden or deleted: every socket in the room re-checks what its person may see."""
    event = _message_event(message, "chat.update")
    send_after_commit(room_group(message.room_id), event)
    send_after_commit(user_group(message.author_id), event)


def reactions_changed(message: Message, *, actor_id: int, kind: str, added: bool) -> None:
    counts = reaction_counts([message.id]).get(message.id, {})
    event = {
        "type": "chat.reactions",
        "room": message.room_id,
        "seq": message.seq,
        "counts": counts,
        "actor_id": actor_id,
        "kind": kind,
        "added": added,
    }
    send_after_commit(room_group(message.room_id), event)


def moderators_alerted(message: Message, *, item_id: int, risk_level: int) -> None:
    """The room's moderators see at once that a message needs them, with a link to it in the queue."""
    event = {"type": "chat.alert", "room": message.room_id, "seq": message.seq, "item": item_id, "risk": risk_level}
    send_after_commit(moderators_group(message.room_id), event)


def room_ended(room_id: int) -> None:
    """A 1:1 chat ended: both screens close the message box."""
    send_after_commit(room_group(room_id), {"type": "chat.ended", "room": room_id})
