"""Storing chat messages: numbers in order without gaps, and one message per client id even when two sends of it
race past the first check."""

from __future__ import annotations

from unittest import mock

import pytest

from hearth.chat.models import Message, Room
from hearth.chat.services import lobby_for, send_message

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


def test_a_client_id_sent_twice_at_once_is_stored_once_and_takes_no_number(member, community):
    room = lobby_for(community)
    first = send_message(member, room, body="Is anyone around tonight?", client_id="client-id-race")
    # The second send gets past the check for an existing message before the first one commits.
    no_match = mock.MagicMock()
    no_match.first.return_value = None
    real_filter = Message.objects.filter
    calls = {"n": 0}

    def filter_missing_once(*args, **kwargs):
        calls["n"] += 1
        return no_match if calls["n"] == 1 else real_filter(*args, **kwargs)

    with mock.patch.object(Message.objects, "filter", side_effect=filter_missing_once):
        again = send_message(member, room, body="Is anyone around tonight?", client_id="client-id-race")
    assert not again.created
    assert again.message.id == first.message.id
    assert Message.objects.filter(room=room).count() == 1
    # The losing send's number was rolled back with it: the next message follows on with no gap.
    assert Room.objects.get(id=room.id).last_seq == 1
    after = send_message(member, room, body="Still here.", client_id="client-id-next")
    assert after.message.seq == 2
