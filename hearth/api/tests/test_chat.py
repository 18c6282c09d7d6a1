"""Chat over the API: the same rules as the socket and the pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from hearth.accounts.blocks import block_member
from hearth.api.tests.helpers import delete, get, post
from hearth.chat.models import Message, Participant, ParticipantRole, Room, RoomKind
from hearth.chat.services import lobby_for, send_message

pytestmark = pytest.mark.django_db

CRISIS = "I can't do this anymore. I'm going to kill myself tonight, I've already written goodbye letters."


def _send(client, room, body, client_id="api-client-0001", **extra):
    return post(client, f"/chat/rooms/{room.id}/messages", {"body": body, "client_id": client_id, **extra})


def test_members_find_their_communitys_chat_and_send(member_client, other_member_client, community):
    room = get(member_client, f"/communities/{community.slug}/chat").json()
    assert room["kind"] == "lobby" and room["socket"] == f"/ws/chat/{room['id']}/"
    lobby = Room.objects.get(id=room["id"])
    first = _send(member_client, lobby, "Hello *all*")
    assert first.status_code == 201
    assert first.json()["seq"] == 1 and first.json()["duplicate"] is False and first.json()["help"] is None
    again = _send(member_client, lobby, "Hello *all*")
    assert again.status_code == 200 and again.json()["duplicate"] is True
    assert Message.objects.count() == 1
    history = get(other_member_client, f"/chat/rooms/{lobby.id}/messages").json()
    assert [(m["seq"], m["author"], m["mine"]) for m in history["messages"]] == [(1, "QuietHeron42", False)]


def test_history_after_a_number_is_exactly_the_gap_in_order(member, member_client, community):
    lobby = lobby_for(community)
    for n in range(1, 8):
        send_message(member, lobby, body=f"message {n}", client_id=f"gap-test-{n:04d}")
    page = get(member_client, f"/chat/rooms/{lobby.id}/messages?after=3&limit=3").json()
    assert [m["seq"] for m in page["messages"]] == [4, 5, 6] and page["more"] is True
    page = get(member_client, f"/chat/rooms/{lobby.id}/messages?after=6").json()
    assert [m["seq"] for m in page["messages"]] == [7] and page["more"] is False
    earlier = get(member_client, f"/chat/rooms/{lobby.id}/messages?before=4&limit=2").json()
    assert [m["seq"] for m in earlier["messages"]] == [2, 3] and earlier["more"] is True


def test_outsiders_cannot_read_or_write_a_communitys_chat(outsider_client, community):
    lobby = lobby_for(community)
    assert get(outsider_client, f"/communities/{community.slug}/chat").status_code == 403
    assert get(outsider_client, f"/chat/rooms/{lobby.id}/messages").status_code == 404
    assert _send(outsider_client, lobby, "hi").status_code == 404


def test_a_support_chat_is_private_to_its_two_people(member, other_member, admin_user, client):
    room = Room.objects.create(kind=RoomKind.SUPPORT, title="Support chat")
    Participant.objects.create(room=room, user=member, role=ParticipantRole.MEMBER)
    client.force_login(admin_user)
    assert get(client, f"/chat/rooms/{room.id}").status_code == 404
    assert get(client, f"/chat/rooms/{room.id}/messages").status_code == 404


def test_blocked_authors_are_left_out_of_history(member, other_member, member_client, community):
    lobby = lobby_for(community)
    send_message(other_member, lobby, body="from the other member", client_id="blocked-0001")
    block_member(member, other_member)
    assert get(member_client, f"/chat/rooms/{lobby.id}/messages").json()["messages"] == []


def test_a_message_at_risk_is_held_and_the_writer_gets_help(member_client, other_member_client, community):
    lobby = lobby_for(community)
    response = _send(member_client, lobby, CRISIS)
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "held"
    assert body["help"]["lines"] and "with a moderator" in body["help"]["message"]
    assert get(other_member_client, f"/chat/rooms/{lobby.id}/messages").json()["messages"] == []


def test_own_details_come_back_as_a_nudge_then_redaction_works(member_client, community):
    lobby = lobby_for(community)
    nudge = _send(member_client, lobby, "Text me on 07700 900123 if you want to talk.")
    assert nudge.status_code == 409 and nudge.json()["nudges"] == ["own_details"]
    redacted = _send(member_client, lobby, "Text me on 07700 900123 if you want to talk.", redact=True)
    assert redacted.status_code == 201
    assert "07700" not in Message.objects.get().body


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        ({"body": "hi", "client_id": "short"}, 422),
        ({"body": "", "client_id": "abcdefgh-01"}, 400),
        ({"body": "x" * 4001, "client_id": "abcdefgh-02"}, 422),
        ({"body": "hi", "client_id": "abcdefgh-03", "reply_to": 42}, 400),
        ({"body": "a\x00b", "client_id": "abcdefgh-04"}, 422),
    ],
)
def test_bad_messages_get_clear_errors_and_store_nothing(member_client, community, payload, status):
    lobby = lobby_for(community)
    response = post(member_client, f"/chat/rooms/{lobby.id}/messages", payload)
    assert response.status_code == status
    assert response.json()["detail"]
    assert not Message.objects.exists()


def test_reactions_toggle_and_authors_delete_their_own(member, member_client, other_member_client, community):
    lobby = lobby_for(community)
    send_message(member, lobby, body="a hard day", client_id="react-0001")
    added = post(other_member_client, f"/chat/rooms/{lobby.id}/messages/1/reactions", {"kind": "hug"}).json()
    assert added == {"added": True, "counts": {"hug": 1}}
    removed = post(other_member_client, f"/chat/rooms/{lobby.id}/messages/1/reactions", {"kind": "hug"}).json()
    assert removed == {"added": False, "counts": {}}
    assert delete(other_member_client, f"/chat/rooms/{lobby.id}/messages/1").status_code == 403
    assert delete(member_client, f"/chat/rooms/{lobby.id}/messages/1").status_code == 204
    assert get(other_member_client, f"/chat/rooms/{lobby.id}/messages").json()["messages"] == []


def test_moderators_schedule_sessions_that_open_at_their_time(moderator, community, member_client, client):
    client.force_login(moderator)
    opens = timezone.now() + timedelta(hours=2)
    payload = {"title": "Evening check-in", "opens_at": opens.isoformat(), "minutes": 60}
    created = post(client, f"/communities/{community.slug}/sessions", payload)
    assert created.status_code == 201
    session = created.json()
    assert session["kind"] == "session" and session["is_open"] is False and session["facilitator"] == moderator.username
    listed = get(member_client, f"/communities/{community.slug}/sessions").json()
    assert [s["id"] for s in listed] == [session["id"]]
    room = Room.objects.get(id=session["id"])
    early = _send(member_client, room, "hello?")
    assert early.status_code == 403 and "opens at" in early.json()["detail"]
    assert post(member_client, f"/communities/{community.slug}/sessions", payload).status_code == 403


def test_a_session_title_passes_the_safety_pipeline(moderator, community, client):
    client.force_login(moderator)
    opens = timezone.now() + timedelta(hours=1)
    title = "I know where you live and I will hurt you, you freak"
    payload = {"title": title, "opens_at": opens.isoformat(), "minutes": 30}
    response = post(client, f"/communities/{community.slug}/sessions", payload)
    assert response.status_code == 400 and response.json()["code"] == "description_held"
    assert not Room.objects.filter(kind=RoomKind.SESSION).exists()
