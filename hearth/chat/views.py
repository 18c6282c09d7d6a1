"""Chat pages. They work without JavaScript (send, reply, react and read by reloading); chat.js makes them live."""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from hearth.accounts.blocks import hidden_author_ids
from hearth.chat import presence
from hearth.chat.consumers import CALL_ROOMS
from hearth.chat.forms import MessageForm, SessionForm
from hearth.chat.models import Room, RoomKind
from hearth.chat.selectors import HISTORY_PAGE, community_sessions, messages_before, with_reactions
from hearth.chat.services import delete_message, lobby_for, schedule_session, send_message, toggle_reaction
from hearth.communities.models import Community
from hearth.core.errors import ApplicationError
from hearth.core.security import allow_camera_and_microphone
from hearth.core.typealias import AuthedRequest
from hearth.forums.models import ContentStatus, ReactionKind
from hearth.listeners.forms import HandOverForm, RatingForm
from hearth.listeners.models import SupportRequest
from hearth.permissions import (
    access_community,
    access_message,
    access_room,
    can_post_in,
    check_post_permission,
    check_schedule_session_permission,
    filter_readable_communities,
    is_moderator,
    is_room_moderator,
    memberships_of,
)
from hearth.safety.resources import country_for_request
from hearth.safety.services import parse_acknowledged
from hearth.safety.submission import (
    SAFETY_HELP_SESSION_KEY,
    Outcome,
    after_writing,
    redacted_post_data,
    submit_screened,
)
from hearth.wellbeing.selectors import safety_plan_for


@login_required
def chat_index_view(request: AuthedRequest) -> HttpResponse:
    """The chats open to this person: each of their communities' rooms and the sessions coming up."""
    ids = list(memberships_of(request.user))
    communities = list(
        filter_readable_communities(Community.objects.filter(id__in=ids), request.user).order_by("sort_order", "name")
    )
    rooms = {r.community_id: r for r in Room.objects.filter(community__in=communities, kind=RoomKind.LOBBY)}
    sessions = list(
        Room.objects.filter(community__in=communities, kind=RoomKind.SESSION, ended_at__isnull=True)
        .filter(closes_at__gt=timezone.now())
        .select_related("community")
        .order_by("opens_at")[:20]
    )
    context = {"communities": [(c, rooms.get(c.id)) for c in communities], "sessions": sessions}
    return render(request, "chat/index/index.html", context)


@login_required
def lobby_view(request: AuthedRequest, slug: str) -> HttpResponse:
    community = access_community(request.user, slug)
    check_post_permission(request.user, community)
    return redirect("chat:room", room_id=lobby_for(community).id)


@login_required
def sessions_view(request: AuthedRequest, slug: str) -> HttpResponse:
    """A community's group sessions; its moderators schedule new ones here."""
    community = access_community(request.user, slug)
    if not can_post_in(request.user, community):
        raise PermissionDenied("Group sessions are for this community's members.")
    may_schedule = is_moderator(request.user, community)
    form = SessionForm(request.POST or None) if may_schedule else None
    status = 200
    if request.method == "POST":
        check_schedule_session_permission(request.user, community)
        form = form or SessionForm(request.POST)
        outcome = submit_screened(
            form,
            lambda data: schedule_session(
                request.user,
                community,
                title=data["title"],
                description=data["description"],
                opens_at=data["opens_at"],
                minutes=data["minutes"],
            ),
        )
        if outcome.result is not None:
            messages.success(request, "The session is scheduled. Members can see it now.")
            return redirect("chat:room", room_id=outcome.result.id)
        status = outcome.status
    context = {
        "community": community,
        "sessions": community_sessions(community, include_past=True),
        "form": form,
        "now": timezone.now(),
    }
    return render(request, "chat/sessions/index.html", context, status=status)


def _room_context(
    request: AuthedRequest, room: Room, *, before: int | None, form: MessageForm | None
) -> dict[str, Any]:
    rows, more = messages_before(room, request.user, before=before)
    data = with_reactions(rows)
    for item, row in zip(data, rows, strict=True):
        item["mine"] = row.author_id == request.user.id
        item["created"] = row.created_at
        item["reaction_buttons"] = [(v, label, item["reactions"].get(v, 0)) for v, label in ReactionKind.choices]
    reply_target = None
    reply_to = _int(request.GET.get("reply_to")) if form is None else _int(form.data.get("reply_to"))
    if reply_to:
        reply_target = next((m for m in data if m["seq"] == reply_to), None)
    if form is None:
        form = MessageForm(initial={"client_id": uuid.uuid4().hex, "reply_to": reply_to})
    state = presence.present(room.id)
    hidden = hidden_author_ids(request.user)
    support = None
    if room.kind == RoomKind.SUPPORT:
        support = SupportRequest.objects.select_related("member", "listener").filter(room=room).first()
    return {
        "room": room,
        "support": support,
        "support_role": _support_role(request.user.id, support),
        "hand_over_form": HandOverForm(),
        "rating_form": RatingForm(),
        "community": room.community,
        "chat_messages": data,
        "earlier": data[0]["seq"] if more and data else None,
        "later": before is not None,
        "form": form,
        "reply_target": reply_target,
        "present": [p["name"] for p in state["people"] if p["id"] not in hidden],
        "is_room_moderator": is_room_moderator(request.user, room),
        "is_open": room.is_open(),
        "calls_allowed": room.kind in CALL_ROOMS and room.is_open() and before is None,
        "ice_servers": json.dumps(settings.HEARTH_ICE_SERVERS),
        "reactions": ReactionKind.choices,
        "page_size": HISTORY_PAGE,
    }


def _support_role(user_id: int, support: SupportRequest | None) -> str | None:
    if support is None:
        return None
    if user_id == support.member_id:
        return "member"
    return "listener" if user_id == support.listener_id else "moderator"


def _int(value: object) -> int | None:
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


@login_required
def room_view(request: AuthedRequest, room_id: int) -> HttpResponse:
    room = access_room(request.user, room_id)
    context = _room_context(request, room, before=_int(request.GET.get("before")), form=None)
    help_state = request.session.pop(SAFETY_HELP_SESSION_KEY, None)
    if help_state:
        context["safety_help"] = {
            **help_state,
            "chat": True,
            "country": country_for_request(request),
            "plan": safety_plan_for(request.user),
        }
    return _room_page(request, context)


@login_required
@require_POST
def send_view(request: AuthedRequest, room_id: int) -> HttpResponse:
    room = access_room(request.user, room_id)
    form = MessageForm(redacted_post_data(request, "body") if request.POST.get("redact") else request.POST)
    outcome: Outcome[Any] = submit_screened(
        form,
        lambda d: send_message(
            request.user,
            room,
            body=d["body"],
            client_id=d["client_id"],
            reply_to=d["reply_to"],
            acknowledged=parse_acknowledged(request.POST.getlist("acknowledge")),
        ),
    )
    if outcome.result is not None:
        sent = outcome.result
        after_writing(request, sent.decision, held=sent.message.status != ContentStatus.PUBLISHED, noun="message")
        return redirect(reverse("chat:room", args=[room.id]) + f"#m-{sent.message.seq}")
    context = _room_context(request, room, before=None, form=form)
    context["nudge"] = outcome.nudge
    return _room_page(request, context, status=outcome.status)


def _room_page(request: AuthedRequest, context: dict[str, Any], *, status: int = 200) -> HttpResponse:
    response = render(request, "chat/room/index.html", context, status=status)
    # Only a page that can start a call may ask for the camera and microphone.
    return allow_camera_and_microphone(response) if context["calls_allowed"] else response


@login_required
def message_view(request: AuthedRequest, room_id: int, seq: int) -> HttpResponse:
    """A link to one message (from a notification or the queue): its place in the room's history."""
    room = access_room(request.user, room_id)
    message = access_message(request.user, room, seq)
    before = message.seq + HISTORY_PAGE // 2
    latest = room.last_seq
    query = f"?before={before}" if before <= latest else ""
    return redirect(reverse("chat:room", args=[room.id]) + query + f"#m-{message.seq}")


@login_required
@require_POST
def react_view(request: AuthedRequest, room_id: int, seq: int) -> HttpResponse:
    room = access_room(request.user, room_id)
    message = access_message(request.user, room, seq)
    try:
        toggle_reaction(request.user, message, kind=request.POST.get("kind", ""))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect(reverse("chat:room", args=[room.id]) + f"#m-{seq}")


@login_required
@require_POST
def delete_view(request: AuthedRequest, room_id: int, seq: int) -> HttpResponse:
    room = access_room(request.user, room_id)
    message = access_message(request.user, room, seq)
    delete_message(request.user, message)
    messages.success(request, "Your message is deleted.")
    return redirect("chat:room", room_id=room.id)
