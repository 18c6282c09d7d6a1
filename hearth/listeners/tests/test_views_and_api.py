"""1:1 support pages and API: who sees what, and bad input."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from hearth.api.tests.helpers import get, post, send
from hearth.listeners import training
from hearth.listeners.models import SupportRequest
from hearth.listeners.services import accept_request, request_listener

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_member_asks_waits_and_is_taken_to_the_chat_once_accepted(member, member_client, listener):
    response = member_client.post(reverse("listeners:talk"), {"language": "en", "topics": ["anxiety"]})
    assert response.status_code == 302
    page = member_client.get(reverse("listeners:talk")).content.decode()
    assert "You're next in the queue" in page
    status = member_client.get(reverse("listeners:status-json")).json()["request"]
    assert status["status"] == "waiting" and status["position"] == 1
    support = SupportRequest.objects.get()
    _client(listener).post(reverse("listeners:accept", args=[support.id]))
    support.refresh_from_db()
    assert member_client.get(reverse("listeners:talk"))["Location"] == reverse("chat:room", args=[support.room_id])
    room_page = member_client.get(reverse("chat:room", args=[support.room_id])).content.decode()
    assert f"You're talking with {listener.username}" in room_page and "End chat" in room_page


def test_other_members_cannot_see_or_touch_a_request(member, other_member, listener):
    support = accept_request(listener, request_listener(member, topics=[], language="en"))
    intruder = _client(other_member)
    for name in ("cancel", "accept", "end", "rate", "hand-over"):
        assert intruder.post(reverse(f"listeners:{name}", args=[support.id])).status_code == 404
    assert intruder.get(reverse("chat:room", args=[support.room_id])).status_code == 404


def test_the_dashboard_is_for_trained_listeners_and_shows_pseudonyms_only(member_client, listener, member):
    assert member_client.get(reverse("listeners:dashboard"))["Location"] == reverse("listeners:training")
    member.email = "heron.private@example.org"
    member.save(update_fields=["email"])
    request_listener(member, topics=["anxiety"], language="en")
    page = _client(listener).get(reverse("listeners:dashboard")).content.decode()
    assert member.username in page and "Accept" in page
    assert "heron.private" not in page


def test_training_pages_and_quiz(member_client):
    assert member_client.get(reverse("listeners:training")).status_code == 200
    quiz = member_client.post(reverse("listeners:quiz"), {})
    assert quiz.status_code == 400 and "Read every lesson" in quiz.content.decode()
    for lesson in training.LESSONS:
        assert member_client.get(reverse("listeners:lesson", args=[lesson.slug])).status_code == 200
    answers = {q.id: str(q.answer) for q in training.QUIZ}
    result = member_client.post(reverse("listeners:quiz"), answers).content.decode()
    assert "You passed" in result


def test_the_api_covers_the_whole_journey(member, member_client, listener):
    listener_client = _client(listener)
    asked = post(member_client, "/support/requests", {"topics": ["loneliness"], "language": "en"})
    assert asked.status_code == 201 and asked.json()["position"] == 1
    assert post(member_client, "/support/requests", {"language": "en"}).status_code == 409
    queue = get(listener_client, "/listener/queue").json()
    assert [q["member"] for q in queue] == [member.username] and "email" not in queue[0]
    request_id = asked.json()["id"]
    accepted = post(listener_client, f"/support/requests/{request_id}/accept").json()
    assert accepted["status"] == "active" and accepted["room_id"]
    current = get(member_client, "/support/requests/current").json()
    assert current["listener"] == listener.username and current["room_id"] == accepted["room_id"]
    assert post(member_client, f"/support/requests/{request_id}/end").json()["status"] == "ended"
    assert post(member_client, f"/support/requests/{request_id}/rating", {"rating": 9}).status_code == 422
    assert post(member_client, f"/support/requests/{request_id}/rating", {"rating": 5}).json()["rating"] == 5
    assert get(member_client, "/listener/queue").status_code == 403


def test_listeners_set_availability_and_members_take_the_training_over_the_api(member_client, listener):
    listener_client = _client(listener)
    saved = send(listener_client, "put", "/listener/availability", {"status": "away", "languages": ["en", "cy"]})
    assert saved.json() == {"status": "away", "topics": [], "languages": ["en", "cy"], "max_chats": 1}
    bad = send(listener_client, "put", "/listener/availability", {"status": "busy", "languages": ["en"]})
    assert bad.status_code == 422
    course = get(member_client, "/listener/training").json()
    assert len(course["lessons"]) == len(training.LESSONS) and "answer" not in course["quiz"][0]
    answers = {q.id: q.answer for q in training.QUIZ}
    result = post(member_client, "/listener/training/quiz", {"answers": answers}).json()
    assert result["passed"] is True and result["missed"] == []


def test_a_listener_at_capacity_or_a_chat_not_yet_ended_gets_a_clear_message_not_an_error(
    member, other_member, listener
):
    support = accept_request(listener, request_listener(member, topics=[], language="en"))
    waiting = request_listener(other_member, topics=[], language="en")
    response = _client(listener).post(reverse("listeners:accept", args=[waiting.id]), follow=True)
    assert response.status_code == 200
    assert "as many chats as you chose to take" in response.content.decode()

    member_client = _client(member)
    response = member_client.post(reverse("listeners:rate", args=[support.id]), {"rating": 5}, follow=True)
    assert response.status_code == 200
    assert "You can rate the chat once it has ended." in response.content.decode()
    support.refresh_from_db()
    assert support.rating is None

    assert member_client.post(reverse("listeners:end", args=[support.id])).status_code == 302
    response = _client(listener).post(reverse("listeners:end", args=[support.id]), follow=True)
    assert response.status_code == 200
    assert "This chat has already ended." in response.content.decode()
