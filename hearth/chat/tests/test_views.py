"""Chat pages without JavaScript: who sees what, sending, nudges, and a constant number of queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hearth.chat.models import Message
from hearth.chat.services import lobby_for, send_message
from hearth.chat.services import toggle_reaction as react

pytestmark = pytest.mark.django_db


def test_the_lobby_link_opens_the_communitys_room(member_client, community):
    response = member_client.get(reverse("chat:lobby", args=[community.slug]))
    assert response.status_code == 302
    assert response["Location"] == reverse("chat:room", args=[lobby_for(community).id])


def test_outsiders_get_the_same_not_found_as_for_a_missing_room(outsider_client, community):
    room = lobby_for(community)
    assert outsider_client.get(reverse("chat:room", args=[room.id])).status_code == 404
    assert outsider_client.get(reverse("chat:room", args=[room.id + 100])).status_code == 404
    assert outsider_client.post(reverse("chat:send", args=[room.id]), {"body": "x"}).status_code == 404


def test_sending_by_form_stores_once_even_when_submitted_twice(member_client, community):
    room = lobby_for(community)
    form = {"body": "Hello from the form", "client_id": "form-client-01"}
    for _ in range(2):
        response = member_client.post(reverse("chat:send", args=[room.id]), form)
        assert response.status_code == 302
    assert Message.objects.count() == 1
    page = member_client.get(reverse("chat:room", args=[room.id]))
    assert "Hello from the form" in page.content.decode()


def test_a_nudge_keeps_what_was_typed_and_offers_redaction(member_client, community):
    room = lobby_for(community)
    form = {"body": "Call me on 07700 900123", "client_id": "form-client-02"}
    response = member_client.post(reverse("chat:send", args=[room.id]), form)
    assert response.status_code == 409
    html = response.content.decode()
    assert "Remove them for me" in html and "07700 900123" in html
    redacted = member_client.post(reverse("chat:send", args=[room.id]), {**form, "redact": "1"})
    assert redacted.status_code == 302
    assert "07700" not in Message.objects.get().body


def test_a_held_message_is_shown_to_its_author_only(member_client, other_member_client, community, member):
    room = lobby_for(community)
    crisis = "I can't do this anymore. I'm going to kill myself tonight, I've already written goodbye letters."
    response = member_client.post(reverse("chat:send", args=[room.id]), {"body": crisis, "client_id": "held-0001"})
    page = member_client.get(response["Location"]).content.decode()
    assert "You don't have to face it alone" in page and "Waiting for a moderator" in page
    assert "goodbye letters" not in other_member_client.get(reverse("chat:room", args=[room.id])).content.decode()


def test_the_room_page_costs_the_same_queries_for_5_or_40_messages(
    member, other_member, member_client, community, settings
):
    settings.HEARTH_API_RATE_LIMITS = {}
    room = lobby_for(community)
    url = reverse("chat:room", args=[room.id])

    def add(n, start):
        for i in range(start, start + n):
            message = send_message(other_member, room, body=f"note {i}", client_id=f"count-{i:05d}").message
            react(member, message, kind="hug")

    add(5, 0)
    member_client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert member_client.get(url).status_code == 200
    add(35, 5)
    with CaptureQueriesContext(connection) as many:
        assert member_client.get(url).status_code == 200
    assert len(many) == len(few)
