"""Storing chat messages: numbers in order without gaps, and one message per client id even when two sends of it
race past the first check."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from hearth.chat.models import Message, Room
from hearth.chat.services import lobby_for, send_message
from hearth.core.errors import RateLimited
from hearth.moderation.sanctions import sanction_member

pytestmark = pytest.mark.django_db


def test_messages_are_numbered_in_order_and_the_room_records_the_newest(member, other_member, community):
    room = lobby_for(community)
    sent = [
        send_message(author, room, body=f"Message {i}", client_id=f"client-id-{i:03d}")
        for i, author in enumerate([member, other_member, member])
    ]
    assert [s.message.seq for s in sent] == [1, 2, 3]
    stored = Room.objects.get(id=room.id)
    assert stored.last_seq == 3
    assert stored.last_message_at == sent[-1].message.created_at


def test_a_client_id_sent_twice_is_stored_once_and_takes_no_number(member, community):
    room = lobby_for(community)
    first = send_message(member, room, body="Is anyone around tonight?", client_id="client-id-race")
    # Nothing looks for the stored message first: the second send reaches the insert, which the unique client id
    # refuses, as it does when two sends of one message race.
    again = send_message(member, room, body="Is anyone around tonight?", client_id="client-id-race")
    assert not again.created
    assert again.message.id == first.message.id
    assert Message.objects.filter(room=room).count() == 1
    # The losing send's number was rolled back with it: the next message follows on with no gap.
    assert Room.objects.get(id=room.id).last_seq == 1
    after = send_message(member, room, body="Still here.", client_id="client-id-next")
    assert after.message.seq == 2


def test_a_retry_is_answered_with_the_stored_message_even_after_a_mute(member, moderator, community):
    room = lobby_for(community)
    first = send_message(member, room, body="Is anyone around tonight?", client_id="client-id-muted")
    sanction_member(moderator, member, kind="mute", reason="Cooling off.", community=community, days=1)

    again = send_message(member, room, body="Is anyone around tonight?", client_id="client-id-muted")

    assert (again.created, again.message.id) == (False, first.message.id)
    with pytest.raises(PermissionDenied):  # a new message is refused
        send_message(member, room, body="And another thing.", client_id="client-id-after-mute")


def test_a_retry_over_the_rate_limit_is_answered_with_the_stored_message(member, community, settings):
    settings.HEARTH_API_RATE_LIMITS = {**settings.HEARTH_API_RATE_LIMITS, "chat": (1, 60)}
    room = lobby_for(community)
    first = send_message(member, room, body="Is anyone around tonight?", client_id="client-id-limit")

    again = send_message(member, room, body="Is anyone around tonight?", client_id="client-id-limit")

    assert (again.created, again.message.id) == (False, first.message.id)
    with pytest.raises(RateLimited):
        send_message(member, room, body="And another thing.", client_id="client-id-over-limit")


def test_storing_a_message_takes_five_statements(member, community, django_assert_num_queries):
    """The busiest write there is: a sanction check, the number, the message, its screening record, and the
    transaction around the last three (a savepoint here, inside the test's transaction)."""
    room = lobby_for(community)
    send_message(member, room, body="Warming up.", client_id="client-id-warm")
    with django_assert_num_queries(6):
        send_message(member, room, body="Is anyone around tonight?", client_id="client-id-counted")
