"""Catching up after a gap: requests for one room that arrive together share one read of its history, and each
socket keeps only what its person may see."""

from __future__ import annotations

import asyncio
from unittest import mock

import pytest

from hearth.accounts.blocks import block_member
from hearth.chat import catchup
from hearth.chat.catchup import Row, SharedCatchUp, visible_to
from hearth.chat.models import Message
from hearth.chat.services import lobby_for, send_message
from hearth.chat.tests.helpers import connect, run
from hearth.forums.models import ContentStatus


def row(seq: int, author_id: int, *, published: bool = True) -> Row:
    return Row(data={"seq": seq, "author": f"member{author_id}"}, author_id=author_id, published=published)


ROWS = [row(1, 10), row(2, 11, published=False), row(3, 12), row(4, 10, published=False), row(5, 11)]


class TestWhatEachPersonKeeps:
    def test_members_keep_published_messages_and_their_own_after_their_number(self):
        kept = visible_to(ROWS, after=1, user_id=10, hidden=frozenset(), moderator=False)
        assert [(m["seq"], m["mine"]) for m in kept] == [(3, False), (4, True), (5, False)]

    def test_moderators_keep_held_messages_too(self):
        kept = visible_to(ROWS, after=0, user_id=99, hidden=frozenset(), moderator=True)
        assert [m["seq"] for m in kept] == [1, 2, 3, 4, 5]

    def test_nobody_keeps_messages_by_people_they_blocked_or_muted(self):
        assert [m["seq"] for m in visible_to(ROWS, after=0, user_id=10, hidden=frozenset({12}), moderator=False)] == [
            1,
            4,
            5,
        ]
        assert [m["seq"] for m in visible_to(ROWS, after=0, user_id=99, hidden=frozenset({11}), moderator=True)] == [
            1,
            3,
            4,
        ]


class FakeRoom:
    def __init__(self, room_id: int) -> None:
        self.id = room_id


# The read runs on the database thread, which closes stale connections first (a database touch).
@pytest.mark.django_db
def test_requests_that_arrive_together_share_one_read_from_the_lowest_number():
    reads: list[tuple[int, int]] = []

    def read_after(room_id: int, after: int) -> catchup.Batch:
        reads.append((room_id, after))
        return catchup.Batch(rows=[row(n, 10) for n in range(after + 1, 8)], more=False)

    async def scenario():
        shared = SharedCatchUp(window=0.05)
        together = [shared.after(FakeRoom(1), after) for after in (5, 3, 6)] + [shared.after(FakeRoom(2), 0)]
        answers = await asyncio.gather(*together)
        later = await shared.after(FakeRoom(1), 6)  # after the read began: a read of its own
        return answers, later

    with mock.patch.object(catchup, "read_after", read_after):
        answers, later = run(scenario)
    assert reads == [(1, 3), (2, 0), (1, 6)]
    assert [r.seq for r in answers[0].rows] == [4, 5, 6, 7]  # the shared read, from 3
    assert answers[0] is answers[1] is answers[2]
    assert [r.seq for r in later.rows] == [7]


# The read runs on the database thread, which closes stale connections first (a database touch).
@pytest.mark.django_db
def test_a_failed_read_reaches_every_request_that_shared_it():
    def read_after(room_id: int, after: int) -> catchup.Batch:
        raise RuntimeError("the database went away")

    async def scenario():
        shared = SharedCatchUp(window=0.01)
        return await asyncio.gather(*[shared.after(FakeRoom(1), n) for n in (1, 2)], return_exceptions=True)

    with mock.patch.object(catchup, "read_after", read_after):
        results = run(scenario)
    assert [type(r) for r in results] == [RuntimeError, RuntimeError]


@pytest.mark.django_db(transaction=True)
def test_sockets_that_sync_together_each_get_what_they_may_see(member, other_member, moderator, community):
    """A member who blocked another, the author of a held message and a moderator sync at once: one read, and
    each history is what that person's own read would have given."""
    lobby = lobby_for(community)
    for i, author in enumerate([member, other_member, other_member, member], start=1):
        send_message(author, lobby, body=f"Message number {i}", client_id=f"client-id-{i:03d}")
    Message.objects.filter(room=lobby, seq=3).update(status=ContentStatus.HELD)
    block_member(member, other_member)
    real_read = catchup.read_after
    reads: list[int] = []

    def counted(room_id: int, after: int) -> catchup.Batch:
        reads.append(after)
        return real_read(room_id, after)

    async def scenario():
        sockets = [await connect(person, lobby) for person in (member, other_member, moderator)]
        for socket, after in zip(sockets, (0, 1, 0), strict=True):
            await socket.send({"type": "sync", "after": after})
        histories = [await socket.receive_type("history") for socket in sockets]
        for socket in sockets:
            await socket.close()
        return histories

    # A wide window, so that the three requests share a read however slowly this machine runs today.
    with mock.patch.object(catchup, "read_after", counted), mock.patch.object(catchup, "WINDOW_SECONDS", 1.0):
        histories = run(scenario)
    assert reads == [0]
    blocker, author, mod = ([(m["seq"], m["mine"]) for m in h["messages"]] for h in histories)
    assert blocker == [(1, True), (4, True)]  # nothing by the person they blocked
    assert author == [(2, True), (3, True), (4, False)]  # their own held message, after their number
    assert mod == [(1, False), (2, False), (3, False), (4, False)]
    assert all(h["more"] is False for h in histories)
