"""Reporting one chat message: to the room's moderators (the global ones for a 1:1 chat), never revealing the
reporter, refused where the reporter may not see the message; pages and API."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from hearth.accounts.blocks import block_member
from hearth.accounts.models import BlockKind
from hearth.api.tests.helpers import post
from hearth.chat.models import Message
from hearth.chat.services import lobby_for, send_message
from hearth.core.errors import ApplicationError
from hearth.core.testing.factories import UserFactory
from hearth.forums.models import ContentStatus
from hearth.listeners.models import ListenerProfile, ListenerStatus, TrainingProgress
from hearth.listeners.services import accept_request, request_listener
from hearth.moderation.models import QueueItem, Report
from hearth.moderation.reports import report_message
from hearth.moderation.selectors import open_queue
from hearth.moderation.services import hide_item
from hearth.notifications.models import Notification

pytestmark = pytest.mark.django_db


def lobby_message(author, community, body="Hello, everyone.") -> Message:
    return send_message(author, lobby_for(community), body=body, client_id=f"report-{author.id}-{len(body)}").message


def report_url(message: Message) -> str:
    return reverse("chat:report", args=[message.room_id, message.seq])


def test_a_reported_message_reaches_the_rooms_moderators_without_the_reporter(
    member, other_member, moderator, community
):
    message = lobby_message(other_member, community, body="See you all at the walk on Sunday.")
    report = report_message(member, message, reason="harassment", details="Unkind to me earlier.")
    item = report.queue_item
    assert (item.community, item.author, item.kinds) == (community, other_member, ["report"])
    assert item.object_id == message.id
    assert [i.id for i in open_queue(moderator)] == [item.id]
    hide_item(moderator, item, reason="Unkind to another member.")
    message.refresh_from_db()
    assert message.status == ContentStatus.HIDDEN
    for note in Notification.objects.filter(user=other_member):
        assert member.username not in note.title + note.body


def test_a_risk_report_on_a_message_is_urgent(member, other_member, community):
    message = lobby_message(other_member, community, body="Thanks everyone, goodbye.")
    item = report_message(member, message, reason="risk").queue_item
    assert item.risk_level >= 3
    assert (item.due_at - item.created_at).total_seconds() == 15 * 60


def test_a_second_report_of_the_same_message_joins_its_item(member, other_member, moderator, community):
    message = lobby_message(other_member, community, body="Nobody here knows anything.")
    report_message(member, message, reason="harassment")
    report_message(moderator, message, reason="spam")
    assert QueueItem.objects.count() == 1
    assert Report.objects.filter(message=message).count() == 2


def test_you_cannot_report_your_own_message(member, community):
    message = lobby_message(member, community, body="A message of my own.")
    with pytest.raises(ApplicationError) as error:
        report_message(member, message, reason="spam")
    assert error.value.code == "own_message"
    assert not Report.objects.exists()


def test_a_report_in_a_support_chat_goes_to_the_global_moderators_only(member, moderator, community):
    listener = UserFactory(username="GentleOwl55", is_listener=True)
    TrainingProgress.objects.create(user=listener, passed_at=timezone.now(), lessons_read=[])
    ListenerProfile.objects.create(user=listener, status=ListenerStatus.AVAILABLE, topics=[], languages=["en"])
    support = accept_request(listener, request_listener(member, topics=[], language="en"))
    assert support.room is not None
    message = send_message(
        listener, support.room, body="Have you tried just cheering up?", client_id="support-0001"
    ).message
    global_moderator = UserFactory(username="WiseWillow3", is_global_moderator=True)
    item = report_message(member, message, reason="other", details="That felt dismissive.").queue_item
    assert item.community is None
    assert [i.id for i in open_queue(global_moderator)] == [item.id]
    assert open_queue(moderator) == []  # a community moderator never sees a 1:1 chat


def test_the_room_page_offers_report_on_others_messages_only(member_client, member, other_member, community):
    theirs = lobby_message(other_member, community, body="Hello from the other side of the room.")
    mine = lobby_message(member, community, body="And hello from me.")
    page = member_client.get(reverse("chat:room", args=[theirs.room_id])).content.decode()
    assert f'href="{report_url(theirs)}"' in page
    assert f'href="{report_url(mine)}"' not in page


def test_the_report_page_sends_the_report_and_returns_to_the_message(member_client, other_member, community):
    message = lobby_message(other_member, community, body="Some words in the lobby.")
    form = member_client.get(report_url(message))
    assert form.status_code == 200 and "Report a chat message" in form.content.decode()
    response = member_client.post(report_url(message), {"reason": "harassment", "details": "Aimed at me."})
    assert response.status_code == 302
    assert response["Location"] == reverse("chat:room", args=[message.room_id]) + f"#m-{message.seq}"
    report = Report.objects.get()
    assert (report.message, report.details) == (message, "Aimed at me.")


def test_the_report_page_keeps_the_details_when_the_reason_is_missing(member_client, other_member, community):
    message = lobby_message(other_member, community, body="More words in the lobby.")
    response = member_client.post(report_url(message), {"details": "Please keep me"})
    assert response.status_code == 400
    assert "Please keep me" in response.content.decode()
    assert not Report.objects.exists()


def test_outsiders_and_hidden_messages_get_not_found(outsider_client, member_client, member, other_member, community):
    message = lobby_message(other_member, community, body="Words an outsider may not read.")
    assert outsider_client.get(report_url(message)).status_code == 404
    assert outsider_client.post(report_url(message), {"reason": "spam"}).status_code == 404
    block_member(member, other_member, kind=BlockKind.BLOCK)  # the blocker no longer sees their messages
    assert member_client.get(report_url(message)).status_code == 404
    assert not Report.objects.exists()


def test_the_api_reports_a_message(member_client, outsider_client, other_member, community):
    message = lobby_message(other_member, community, body="Words in the lobby for the API.")
    path = f"/chat/rooms/{message.room_id}/messages/{message.seq}/reports"
    response = post(member_client, path, {"reason": "harassment", "details": "Unkind."})
    assert response.status_code == 201
    assert Report.objects.get(id=response.json()["id"]).message == message
    assert post(outsider_client, path, {"reason": "spam"}).status_code == 404
    assert post(member_client, path, {"reason": "not-a-reason"}).status_code == 422
