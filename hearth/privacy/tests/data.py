"""A member with something of every kind Hearth keeps, written through the services where they exist."""

from __future__ import annotations

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.utils import timezone

from hearth.accounts.blocks import block_member
from hearth.accounts.models import User
from hearth.accounts.services import create_api_token, update_preferences, update_profile
from hearth.chat.models import Message, Participant, ParticipantRole, Room, RoomKind
from hearth.chat.services import lobby_for, send_message
from hearth.chat.services import toggle_reaction as toggle_chat_reaction
from hearth.communities.models import Community
from hearth.core.testing.factories import make_thread, opening_post
from hearth.forums.models import Post, Thread
from hearth.forums.services import add_reaction, add_reply, edit_post
from hearth.listeners.models import ListenerProfile, RequestStatus, SupportRequest, TrainingProgress
from hearth.moderation.reports import report_post
from hearth.notifications.services import notify
from hearth.wellbeing.services import save_safety_plan


@dataclass
class Written:
    """What `populate` made, to look for afterwards."""

    user: User
    tag: str
    email: str
    thread: Thread
    anonymous_thread: Thread
    reply: Post
    message: Message
    support_room: Room


def populate(user: User, other: User, community: Community, *, tag: str) -> Written:
    """Give `user` data of every kind; `tag` (a distinctive word) is in every text they write. `other` is the
    person they talk to, react to, report and block."""
    email = f"{tag.lower()}@example.org"
    User.objects.filter(id=user.id).update(email=email)
    user.email = email
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
    update_profile(user, bio=f"Bio of {tag}: I like long walks.", show_communities=True)
    update_preferences(
        user, hidden_topics=["self_harm"], muted_words=[f"mute{tag}"], theme="dark", text_size="large",
        reduce_motion=True,
    )  # fmt: skip
    thread = make_thread(community, author=user, title=f"Sleep thread {tag}", body=f"Opening words {tag}.")
    edit_post(user, opening_post(thread), body=f"Edited opening words {tag}.", title=f"Sleep thread {tag}")
    anonymous = make_thread(
        community, author=user, title=f"Anonymous thread {tag}", body=f"Secret words {tag}.", anonymous=True
    )
    others_thread = make_thread(community, author=other, title="A thread by someone else", body="Hello all.")
    reply = add_reply(user, others_thread, body=f"My reply {tag}.")
    add_reaction(user, opening_post(others_thread), kind="hug")
    report_post(user, opening_post(others_thread), reason="spam", details=f"Report details {tag}.")
    block_member(user, other, kind="mute")
    notify(user, kind="test", title=f"Notification title {tag}", body="Something happened.")
    save_safety_plan(user, sections={"coping_alone": [f"Plan item {tag}"], "people_to_ask": ["My sister"]})
    lobby = lobby_for(community)
    message = send_message(user, lobby, body=f"Chat message {tag}.", client_id=f"c-{tag}").message
    their_message = send_message(
        other, lobby, body="A message from someone else.", client_id=f"client-other-{tag}"
    ).message
    toggle_chat_reaction(user, their_message, kind="hug")
    ListenerProfile.objects.create(user=user, topics=["anxiety"], languages=["en"])
    TrainingProgress.objects.create(user=user, lessons_read=["welcome"], attempts=1, last_score=9)
    room = Room.objects.create(kind=RoomKind.SUPPORT, title="1:1 support chat")
    Participant.objects.create(room=room, user=user, role=ParticipantRole.MEMBER)
    Participant.objects.create(room=room, user=other, role=ParticipantRole.LISTENER)
    SupportRequest.objects.create(
        member=user, listener=other, room=room, topics=["anxiety"], status=RequestStatus.ENDED,
        ended_at=timezone.now(), rating=5,
    )  # fmt: skip
    send_message(user, room, body=f"Support message {tag}.", client_id=f"s-{tag}")
    create_api_token(user, name=f"token-{tag}")
    TOTP.activate(user, generate_totp_secret())
    return Written(
        user=user, tag=tag, email=email, thread=thread, anonymous_thread=anonymous, reply=reply, message=message,
        support_room=room,
    )  # fmt: skip


def totp_code(user: User) -> str:
    """The current code of the member's authenticator app."""
    import time

    from allauth.mfa import app_settings
    from allauth.mfa.utils import decrypt

    secret = decrypt(Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP).data["secret"])
    counter = int(time.time()) // app_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(secret, counter))
