"""The chat socket: authenticate, subscribe, and forward. Writes go through the same services as the pages.

Frames from the client (JSON objects):
  {"type": "sync", "after": N}            the messages after number N, in order (after reconnecting)
  {"type": "send", "client_id": "…", "body": "…", "reply_to": N?, "acknowledge": ["…"]?, "redact": bool?}
  {"type": "react", "seq": N, "kind": "hug"}   toggles a support reaction
  {"type": "typing"}                      the others see "… is typing"
  {"type": "ping"}                        answered with pong (keeps quiet connections open through proxies;
                                          presence needs nothing: the server refreshes it for open sockets)

Frames to the client: welcome, history, message, update, removed, reactions, ack, nudge, error, typing,
presence, alert (moderators only), notification, pong. Close codes: 4401 signed out from another device,
4403 not allowed, 4400 malformed frame, 4413 frame too large, 4429 too many frames, 4503 live updates paused
(the channel layer is unreachable: reconnect with a growing delay; pages and forms keep working).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import time
from collections.abc import Coroutine
from typing import Any

from channels.consumer import get_handler_name
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from redis.exceptions import RedisError

from hearth.accounts.blocks import hidden_author_ids
from hearth.accounts.models import User
from hearth.accounts.sessions import session_tag
from hearth.chat import events, presence
from hearth.chat.auth import RAW_SEND
from hearth.chat.catchup import shared_catch_up, visible_to
from hearth.chat.hub import hub_for, room_group
from hearth.chat.models import Room, RoomKind
from hearth.chat.services import send_message, toggle_reaction
from hearth.core.errors import ApplicationError, RateLimited
from hearth.core.realtime import group_send, in_thread, user_group
from hearth.core.websocket_protocol import prepared_writer, text_frame
from hearth.permissions import access_message, access_room, is_room_moderator
from hearth.safety.analyzers.base import RiskLevel
from hearth.safety.resources import country_for
from hearth.safety.services import NudgeRequired, parse_acknowledged, redact_own_details
from hearth.wellbeing.selectors import safety_plan_for

logger = logging.getLogger(__name__)

CALL_ROOMS = (RoomKind.SUPPORT, RoomKind.SESSION)


def peer_id(channel_name: str) -> str:
    """An opaque name for one socket in a call: it says nothing about who the person is."""
    return hashlib.sha256(channel_name.encode()).hexdigest()[:16]


OUTBOX_LIMIT = 500  # room events waiting for one slow socket before it is closed to catch up
BATCH_LIMIT = 50  # message frames at most in one `batch` frame (about 25 KB)
FORWARDED = frozenset({"chat.message", "chat.update"})  # events whose frame was encoded once, for every socket
MAX_FRAME = 16 * 1024  # bytes; a message is at most 4,000 characters
FRAMES_PER_10_SECONDS = 60
TYPING_EVERY_SECONDS = 2.0


LIVE_PAUSED = 4503
LAYER_ERRORS = (RedisError, OSError)  # what the channel layer raises while Redis is unreachable


def prepared_frame(event: dict[str, Any], text: str) -> bytes:
    """The serialised frame for one of an event's texts, made once per process for all its sockets (the hub hands
    every socket the same event). An event has at most four texts: its frame, the author's, skip and removed."""
    frames: dict[str, bytes] = event.setdefault("_frames", {})
    frame = frames.get(text)
    if frame is None:
        frame = frames[text] = text_frame(text)
    return frame


def notification_frame(event: dict[str, Any]) -> dict[str, Any]:
    return {k: event[k] for k in ("unread", "title", "url", "urgent")} | {"type": "notification"}


class LiveConsumer(AsyncJsonWebsocketConsumer):  # type: ignore[misc]
    """A socket that closes with LIVE_PAUSED, rather than failing, when the channel layer (Redis) is down, so
    the page can say that live updates are paused and try again later."""

    accepted = False

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        try:
            await super().__call__(scope, receive, send)
        except LAYER_ERRORS as exc:
            logger.warning("Socket closed: the channel layer is unreachable (%s)", type(exc).__name__)
            with contextlib.suppress(Exception):  # the client may be gone already
                if not self.accepted:  # a refused handshake would hide the close code
                    await self.accept()
                await self.close(code=LIVE_PAUSED)
            await self.disconnect(LIVE_PAUSED)

    async def accept(self, subprotocol: str | None = None, headers: Any = None) -> None:
        await super().accept(subprotocol, headers)
        self.accepted = True

    async def user_sessions_ended(self, event: dict[str, Any]) -> None:
        """The person signed this socket's session out from another device (hearth.accounts.sessions)."""
        key = getattr(self.scope.get("session"), "session_key", None)
        if key and session_tag(key) in event["sessions"]:
            await self.close(code=4401)


async def quietly(step: Coroutine[Any, Any, Any]) -> None:
    """Clean-up that needs the channel layer: when the layer is down there is nothing there to clean."""
    with contextlib.suppress(*LAYER_ERRORS):
        await step


class NotificationConsumer(LiveConsumer):
    """Every signed-in page listens here: the unread count stays current, and urgent alerts (on call, a chat
    handed over, a listener found) appear at once. It only receives; anything sent to it closes it."""

    async def dispatch(self, message: dict[str, Any]) -> None:
        handler = getattr(self, get_handler_name(message), None)
        if handler is not None:
            await handler(message)

    async def connect(self) -> None:
        user = self.scope.get("user")
        user = getattr(user, "_wrapped", user)
        if user is None or not user.is_authenticated or not user.is_active:
            await self.close(code=4403)
            return
        self.group = user_group(user.id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        if hasattr(self, "group"):
            await quietly(self.channel_layer.group_discard(self.group, self.channel_name))

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        await self.close(code=4400)

    async def user_notification(self, event: dict[str, Any]) -> None:
        await self.send_json(notification_frame(event))

    async def user_erased(self, event: dict[str, Any]) -> None:
        await self.close(code=4403)  # the account was closed (hearth.privacy.erasure)

    # Events for chat sockets reach every socket of the person too: `dispatch` ignores those it has no handler for.


class ChatConsumer(LiveConsumer):
    user: User
    room: Room
    hidden: frozenset[int]
    is_moderator: bool

    async def connect(self) -> None:
        self.joined = False
        self.in_call = False
        self.outbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue(maxsize=OUTBOX_LIMIT)
        self.overflowed = False
        self.writing = False  # the writer holds events it has taken from the outbox and not yet sent
        self.write_prepared = prepared_writer(self.scope)
        self.peers: dict[str, str] = {}  # call peer id -> channel name, learned from their signals
        self.frame_times: list[float] = []
        self.last_typing = 0.0
        await self.accept()
        user = self.scope.get("user")
        user = getattr(user, "_wrapped", user)
        if user is None or not user.is_authenticated:
            await self._refuse("Sign in to chat.")
            return
        self.user = user
        self.user_id: int = user.id
        # Straight to the server, past middleware that has nothing to do for sockets (hearth.chat.auth).
        self.raw_send = self.scope.get(RAW_SEND, self.base_send)
        try:
            await self._join(int(self.scope["url_route"]["kwargs"]["room_id"]))
        except (Http404, PermissionDenied):
            await self._refuse("This chat isn't open to you.")
            return
        self.joined = True
        presence.keeper().add(self.channel_name)
        self.writer = asyncio.get_running_loop().create_task(self._write())
        await hub_for(self.channel_layer).join(self.room.id, self)
        for group in self._groups():
            await self.channel_layer.group_add(group, self.channel_name)
        # Read after subscribing: every message after this number reaches this socket live.
        last_seq = await in_thread(self._last_seq)()
        await self.send_json(
            {
                "type": "welcome",
                "room": self.room.id,
                "last_seq": last_seq,
                "you": self.user.username,
                "moderator": self.is_moderator,
            }
        )
        await self._announce_presence()

    @in_thread
    def _join(self, room_id: int) -> None:
        self.room = access_room(self.user, room_id)
        self.is_moderator = is_room_moderator(self.user, self.room)
        self.hidden = hidden_author_ids(self.user)
        presence.arrive(self.room, self.user, self.channel_name)

    def _last_seq(self) -> int:
        return int(Room.objects.filter(id=self.room.id).values_list("last_seq", flat=True).get())

    def _groups(self) -> list[str]:
        """Channel-layer groups this socket joins itself (few events). Room events come through the hub."""
        groups = [user_group(self.user.id)]
        if self.is_moderator:
            groups.append(events.moderators_group(self.room.id))
        return groups

    async def _refuse(self, detail: str) -> None:
        await self.send_json({"type": "error", "code": "forbidden", "detail": detail})
        await self.close(code=4403)

    async def disconnect(self, code: int) -> None:
        if not getattr(self, "joined", False):
            return
        if self.in_call:
            await quietly(self._call({"action": "leave"}))
        await quietly(hub_for(self.channel_layer).leave(self.room.id, self))
        self.writer.cancel()
        for group in self._groups():
            await quietly(self.channel_layer.group_discard(group, self.channel_name))
        presence.keeper().discard(self.channel_name)
        await in_thread(presence.leave)(self.channel_name)
        await self._announce_presence()

    # --- Frames from the client ---------------------------------------------------------------------------

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if not self.joined:
            return
        if text_data is None:
            await self._bad_frame("Frames are JSON text.", code=4400)
            return
        if len(text_data.encode()) > MAX_FRAME:
            await self._bad_frame("That frame is too large.", code=4413)
            return
        if self._flooding():
            await self._bad_frame("Too many frames. Reconnect in a moment.", code=4429)
            return
        try:
            content = json.loads(text_data)
        except ValueError:
            await self._bad_frame("That frame isn't valid JSON.", code=4400)
            return
        if not isinstance(content, dict) or not isinstance(content.get("type"), str):
            await self._bad_frame('Frames are JSON objects with a "type".', code=4400)
            return
        await self.receive_json(content)

    def _flooding(self) -> bool:
        now = time.monotonic()
        self.frame_times = [t for t in self.frame_times if now - t < 10][-FRAMES_PER_10_SECONDS:]
        self.frame_times.append(now)
        return len(self.frame_times) > FRAMES_PER_10_SECONDS

    async def _bad_frame(self, detail: str, *, code: int) -> None:
        await self.send_json({"type": "error", "code": "bad_frame", "detail": detail})
        await self.close(code=code)

    async def receive_json(self, content: dict[str, Any], **kwargs: Any) -> None:
        kind = content["type"]
        if kind == "send":
            await self.send_json(await self._handle_send(content))
        elif kind == "sync":
            after = content.get("after", 0)
            if not isinstance(after, int) or isinstance(after, bool) or after < 0:
                await self.send_json({"type": "error", "code": "bad_frame", "detail": '"after" is a number.'})
                return
            await self._catch_up(after)
        elif kind == "react":
            await self.send_json(await self._react(content))
        elif kind == "typing":
            await self._typing()
        elif kind == "call":
            await self._call(content)
        elif kind == "ping":
            await self.send_json({"type": "pong"})
        else:
            await self.send_json({"type": "error", "code": "unknown_type", "detail": f"Unknown frame type: {kind}."})

    async def _catch_up(self, after: int) -> None:
        shared = shared_catch_up()
        while True:
            batch = await shared.after(self.room, after)
            messages = visible_to(
                batch.rows, after=after, user_id=self.user_id, hidden=self.hidden, moderator=self.is_moderator
            )
            await self.send_json({"type": "history", "messages": messages, "more": batch.more})
            if not batch.more or not batch.rows:
                return
            after = batch.rows[-1].seq

    @in_thread
    def _handle_send(self, content: dict[str, Any]) -> dict[str, Any]:
        client_id, body = content.get("client_id"), content.get("body")
        reply_to, acknowledge = content.get("reply_to"), content.get("acknowledge", [])
        answer: dict[str, Any] = {"client_id": client_id if isinstance(client_id, str) else None}
        if (
            not isinstance(client_id, str)
            or not isinstance(body, str)
            or not (reply_to is None or (isinstance(reply_to, int) and not isinstance(reply_to, bool)))
            or not (isinstance(acknowledge, list) and all(isinstance(a, str) for a in acknowledge))
        ):
            return {**answer, "type": "error", "code": "bad_frame", "detail": "A send needs client_id and body."}
        if content.get("redact") is True:
            body = redact_own_details(body)
        try:
            sent = send_message(
                self.user,
                self.room,
                body=body,
                client_id=client_id,
                reply_to=reply_to,
                acknowledged=parse_acknowledged(acknowledge),
            )
        except NudgeRequired as exc:
            return {**answer, "type": "nudge", "detail": exc.message, "nudges": list(exc.nudges),
                    "redacted_text": exc.redacted}  # fmt: skip
        except RateLimited as exc:
            return {**answer, "type": "error", "code": exc.code, "detail": exc.message, "retry_after": exc.retry_after}
        except ApplicationError as exc:
            return {**answer, "type": "error", "code": exc.code, "detail": exc.message}
        except PermissionDenied as exc:
            return {**answer, "type": "error", "code": "forbidden", "detail": str(exc)}
        message = sent.message
        answer.update(type="ack", seq=message.seq, status=message.status, duplicate=not sent.created)
        decision = sent.decision
        if decision is not None and decision.show_help:
            answer["help_html"] = self._help_html(held=message.status != "published", risk=decision.risk_level)
        return answer

    def _help_html(self, *, held: bool, risk: RiskLevel) -> str:
        """The same warm help a post at risk brings, for the writer alone."""
        headers = dict(self.scope.get("headers", []))
        cookies = self.scope.get("cookies", {})
        country = country_for(cookies.get("hearth_country", ""), headers.get(b"accept-language", b"").decode())
        context = {"held": held, "country": country, "plan": safety_plan_for(self.user), "chat": True}
        return render_to_string("safety/includes/help_panel.html", {"safety_help": context})

    @in_thread
    def _react(self, content: dict[str, Any]) -> dict[str, Any]:
        seq, kind = content.get("seq"), content.get("kind")
        if not isinstance(seq, int) or isinstance(seq, bool) or not isinstance(kind, str):
            return {"type": "error", "code": "bad_frame", "detail": "A reaction needs seq and kind."}
        try:
            message = access_message(self.user, self.room, seq)
            added = toggle_reaction(self.user, message, kind=kind)
        except Http404:
            return {"type": "error", "code": "not_found", "detail": "That message isn't there any more."}
        except ApplicationError as exc:
            return {"type": "error", "code": exc.code, "detail": exc.message}
        except PermissionDenied as exc:
            return {"type": "error", "code": "forbidden", "detail": str(exc)}
        return {"type": "reacted", "seq": seq, "kind": kind, "added": added}

    # --- Calls: the socket carries WebRTC signalling between the people in a 1:1 chat or group session ------

    async def _call(self, content: dict[str, Any]) -> None:
        action = content.get("action")
        if self.room.kind not in CALL_ROOMS or not self.room.is_open():
            await self.send_json({"type": "error", "code": "no_calls", "detail": "Calls aren't available here."})
            return
        event = {
            "type": "chat.call",
            "room": self.room.id,
            "action": action,
            "from_channel": self.channel_name,
            "user_id": self.user.id,
            "name": self.user.username,
        }
        if action in ("join", "leave"):
            self.in_call = action == "join"
            await group_send(self.channel_layer, room_group(self.room.id), event)
            return
        target, data = self.peers.get(str(content.get("to"))), content.get("data")
        valid = (
            isinstance(data, dict)
            and data.get("type") in ("offer", "answer")
            and isinstance(data.get("sdp"), str)
            and action == data.get("type")
        )
        if not valid or not isinstance(data, dict):
            await self.send_json({"type": "error", "code": "bad_frame", "detail": "A call signal needs to and data."})
            return
        if target is None:
            await self.send_json({"type": "error", "code": "not_in_call", "detail": "That person has left the call."})
            return
        await self.channel_layer.send(target, {**event, "data": {"type": data["type"], "sdp": data["sdp"]}})

    async def chat_call(self, event: dict[str, Any]) -> None:
        sender = event["from_channel"]
        if event.get("room") != self.room.id or sender == self.channel_name or event["user_id"] in self.hidden:
            return
        peer = peer_id(sender)
        if event["action"] == "leave":
            self.peers.pop(peer, None)
        else:
            self.peers[peer] = sender
        frame = {"type": "call", "action": event["action"], "peer": peer, "name": event["name"]}
        if "data" in event:
            frame["data"] = event["data"]
        await self.send_json(frame)

    async def _typing(self) -> None:
        now = time.monotonic()
        if now - self.last_typing < TYPING_EVERY_SECONDS:
            return
        self.last_typing = now
        await group_send(
            self.channel_layer,
            room_group(self.room.id),
            {"type": "chat.typing", "room": self.room.id, "user_id": self.user.id, "name": self.user.username},
        )

    async def _announce_presence(self) -> None:
        room_id = self.room.id
        if await in_thread(presence.should_announce)(room_id):
            # Later, once, for everything that changes in the meantime. Not tied to this socket's life.
            asyncio.get_running_loop().create_task(self._announce_later(room_id))

    async def _announce_later(self, room_id: int) -> None:
        await asyncio.sleep(presence.ANNOUNCE_EVERY_SECONDS)
        try:
            state = await in_thread(presence.present)(room_id)
            await group_send(
                self.channel_layer, room_group(room_id), {"type": "chat.presence", "room": room_id, **state}
            )
        except Exception:  # presence is a nicety: never let it take anything down
            logger.exception("Presence announcement failed for room %s", room_id)

    # --- Events from the channel layer --------------------------------------------------------------------

    def deliver(self, event: dict[str, Any]) -> None:
        """A room event from the hub. A message frame goes straight out when nothing is waiting before it and the
        socket can take it now (hearth.core.websocket_protocol); anything else is queued for this socket's writer,
        so the hub never waits on one connection."""
        if (
            self.write_prepared is not None
            and not self.writing
            and self.outbox.empty()
            and event.get("type") in FORWARDED
        ):
            text = self._frame_for(event)
            if text is None or self.write_prepared(prepared_frame(event, text)):
                return
        try:
            self.outbox.put_nowait(event)
        except asyncio.QueueFull:
            if not self.overflowed:  # too far behind: close, so the client reconnects and catches up by number
                self.overflowed = True
                asyncio.get_running_loop().create_task(self.close(code=4408))

    async def _write(self) -> None:
        """Deliver the outbox in order. Whatever has piled up meanwhile goes in one `batch` frame: when the
        server falls behind, each write then carries more messages, so catching up gets cheaper, not dearer."""
        while True:
            self.writing = False
            events = [await self.outbox.get()]
            self.writing = True
            while len(events) < BATCH_LIMIT and not self.outbox.empty():
                events.append(self.outbox.get_nowait())
            texts: list[str] = []
            for event in events:
                try:
                    if event.get("type") in FORWARDED:
                        text = self._frame_for(event)
                        if text is not None:
                            texts.append(text)
                        continue
                    await self._send_texts(texts)
                    texts = []
                    await self.dispatch(event)
                except Exception:  # one bad event must not stop this socket's deliveries
                    logger.exception("Chat socket could not deliver a room event")
            try:
                await self._send_texts(texts)
            except Exception:
                logger.exception("Chat socket could not deliver a room event")

    async def _send_texts(self, texts: list[str]) -> None:
        if len(texts) == 1:
            await self.raw_send({"type": "websocket.send", "text": texts[0]})
        elif texts:  # each frame is already encoded JSON: joining them encodes nothing twice
            await self.raw_send(
                {"type": "websocket.send", "text": '{"type":"batch","frames":[' + ",".join(texts) + "]}"}
            )

    async def dispatch(self, message: dict[str, Any]) -> None:
        """As Channels does, without its database clean-up before every event: that hop to the database thread,
        once per event per socket, queued fan-out behind every write. Each database call here goes through
        `in_thread`, which cleans up around itself."""
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    def _frame_for(self, event: dict[str, Any]) -> str | None:
        """The encoded frame this socket gets for a new or changed message, or None if it gets nothing."""
        if event.get("room") != self.room.id:
            return None
        mine = event["author_id"] == self.user_id
        if event["type"] == "chat.message":
            if event["author_id"] in self.hidden or not (event["visible"] or mine or self.is_moderator):
                # Only its number: the client then knows not to wait for it, where it would ask for everything
                # after the gap, as every socket in the room would at once. The gap in the numbers says as much.
                return f'{{"type":"skip","seq":{int(event["seq"])}}}'
        elif event.get("author_id") in self.hidden:
            return None
        elif not event["visible"] and (event["deleted"] or not (mine or self.is_moderator)):
            return f'{{"type":"removed","seq":{int(event["seq"])}}}'
        return str(event["frame_mine"] if mine else event["frame"])

    async def chat_message(self, event: dict[str, Any]) -> None:
        await self._send_texts([text] if (text := self._frame_for(event)) else [])

    async def chat_update(self, event: dict[str, Any]) -> None:
        await self.chat_message(event)

    async def chat_reactions(self, event: dict[str, Any]) -> None:
        if event.get("room") != self.room.id:
            return
        frame: dict[str, Any] = {"type": "reactions", "seq": event["seq"], "counts": event["counts"]}
        if event["actor_id"] == self.user.id:
            frame["yours"] = {"kind": event["kind"], "added": event["added"]}
        await self.send_json(frame)

    async def chat_alert(self, event: dict[str, Any]) -> None:
        if event.get("room") != self.room.id or not self.is_moderator:
            return
        await self.send_json(
            {
                "type": "alert",
                "seq": event["seq"],
                "risk": RiskLevel(event["risk"]).label,
                "queue_url": reverse("moderation:item", args=[event["item"]]),
            }
        )

    async def chat_typing(self, event: dict[str, Any]) -> None:
        if event.get("room") != self.room.id or event["user_id"] == self.user.id or event["user_id"] in self.hidden:
            return
        await self.send_json({"type": "typing", "name": event["name"]})

    async def chat_presence(self, event: dict[str, Any]) -> None:
        if event.get("room") != self.room.id:
            return
        names = [p["name"] for p in event["people"] if p["id"] not in self.hidden]
        await self.send_json({"type": "presence", "people": names, "count": event["count"]})

    async def chat_unavailable(self, event: dict[str, Any]) -> None:
        """From the hub: it lost the channel layer, and with it this room's live events."""
        await self.close(code=LIVE_PAUSED)

    async def chat_ended(self, event: dict[str, Any]) -> None:
        if event.get("room") == self.room.id:
            await self.send_json({"type": "ended"})

    async def user_blocks(self, event: dict[str, Any]) -> None:
        self.user.__dict__.pop("_hearth_hidden_authors", None)
        self.hidden = await in_thread(hidden_author_ids)(self.user)

    async def user_notification(self, event: dict[str, Any]) -> None:
        await self.send_json(notification_frame(event))

    async def user_erased(self, event: dict[str, Any]) -> None:
        """The account was closed (hearth.privacy.erasure): say so, and close without reconnecting."""
        await self.send_json({"type": "error", "code": "forbidden", "detail": "This account is closed."})
        await self.close(code=4403)

    @classmethod
    async def encode_json(cls, content: dict[str, Any]) -> str:
        return json.dumps(content, separators=(",", ":"))
