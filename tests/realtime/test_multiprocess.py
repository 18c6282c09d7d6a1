"""Chat across two real server processes: delivery between them, surviving the death of one, and who may join.

Each test starts two uvicorn processes on the test database with Redis as the channel layer (conftest.py) and
talks to them over real sockets with bench/wsclient.py, the client a script or app would use.
"""

from __future__ import annotations

import asyncio

import pytest
from asgiref.sync import sync_to_async
from django.db import connection
from wsclient import ChatClient, ChatClosed, new_client_id

from hearth.accounts.services import create_api_token
from hearth.chat.models import Message, Room
from hearth.chat.services import lobby_for
from hearth.chat.tests.helpers import run as run_in_own_loop
from hearth.core.testing.factories import CommunityFactory, make_member

pytestmark = pytest.mark.django_db(transaction=True)


def token_for(user) -> str:
    return create_api_token(user, name="realtime test")[1]


@pytest.fixture
def lobby(community):
    return lobby_for(community)


@pytest.fixture
def people(community):
    """Two members of the lobby's community, with API tokens."""
    return {name: token_for(make_member(community, username=name)) for name in ("QuietHeron42", "BraveOtter17")}


def stored(client_id: str) -> int:
    return Message.objects.filter(client_id=client_id).count()


@sync_to_async
def stored_yet(client_id: str) -> bool:
    try:
        return stored(client_id) == 1
    finally:
        connection.close()  # a worker thread's own connection: none may stay open on the test database


def run(scenario):
    return run_in_own_loop(lambda: asyncio.wait_for(scenario(), timeout=45))


def test_a_message_sent_through_one_process_reaches_a_client_of_the_other(chat_servers, lobby, people):
    a, b = chat_servers
    heron_token, otter_token = people.values()

    async def scenario():
        heron = ChatClient([a.url(lobby.id)], token=heron_token, name="heron on A")
        otter = ChatClient([b.url(lobby.id)], token=otter_token, name="otter on B")
        await heron.start()
        await otter.start()
        try:
            from_a = await heron.send("Hello from the first process", client_id=new_client_id())
            await otter.wait_for_seq(from_a["seq"])
            from_b = await otter.send("And hello back from the second", client_id=new_client_id())
            await heron.wait_for_seq(from_b["seq"])
            await heron.wait_for_seq(from_a["seq"])  # their own message comes back to them too
            await otter.wait_for_seq(from_b["seq"])
            return from_a, from_b, heron, otter
        finally:
            await heron.close()
            await otter.close()

    from_a, from_b, heron, otter = run(scenario)
    assert from_a["type"] == from_b["type"] == "ack"
    assert (from_a["seq"], from_b["seq"]) == (1, 2)
    assert otter.messages[1]["client_id"] == from_a["client_id"]
    assert heron.messages[2]["client_id"] == from_b["client_id"]
    assert otter.messages[1]["mine"] is False and heron.messages[1]["mine"] is True
    assert stored(from_a["client_id"]) == stored(from_b["client_id"]) == 1
    assert heron.duplicates == otter.duplicates == 0
    assert sorted(heron.seqs) == sorted(otter.seqs) == [1, 2]


def test_a_client_whose_process_is_killed_reconnects_to_the_other_and_misses_nothing(chat_servers, lobby, people):
    a, b = chat_servers
    heron_token, otter_token = people.values()
    messages_from_otter = 40

    async def scenario():
        # Heron tries A first and B after it; Otter is on B and keeps talking throughout.
        heron = ChatClient([a.url(lobby.id), b.url(lobby.id)], token=heron_token, name="heron")
        otter = ChatClient([b.url(lobby.id)], token=otter_token, name="otter")
        await heron.start()
        await otter.start()
        otter_acks = []

        async def otter_talks():
            for i in range(messages_from_otter):
                otter_acks.append(await otter.send(f"Otter's message {i + 1}"))
                await asyncio.sleep(0.025)

        talking = asyncio.create_task(otter_talks())
        try:
            await heron.wait_until(lambda: len(heron.seqs) >= 5, what="five messages")
            before = await heron.send("Heron, just before the crash")
            # Stored by A, then A dies: whether or not its answer got back, Heron must retry this client_id.
            retried = new_client_id()
            await heron.send("Heron's message that A stored as it died", client_id=retried, wait=False)
            for _ in range(200):
                if await stored_yet(retried):
                    break
                await asyncio.sleep(0.01)
            else:
                raise AssertionError("process A did not store Heron's message within 2 s")
            # Sent at the moment of the crash: A may or may not have stored it; unanswered, it stays pending.
            in_flight = new_client_id()
            await heron.send("Heron's message sent as A died", client_id=in_flight, wait=False)
            connections = heron.connections
            a.kill()
            assert a.process.returncode == -9

            await heron.wait_until(lambda: heron.connections > connections, timeout=15, what="a new connection")
            await heron.wait_ready()
            assert heron.url == b.url(lobby.id)
            await heron.wait_until(lambda: not heron.pending, what="pending sends answered")
            retry = await heron.send("Heron's message that A stored as it died", client_id=retried)
            after = await heron.send("Heron, back on B")
            await talking
            last = max(ack["seq"] for ack in [*otter_acks, retry, after])
            await heron.wait_for_last_seq(last)
            await otter.wait_for_last_seq(last)
            return heron, otter, otter_acks, before, retry, after, retried, in_flight
        finally:
            talking.cancel()
            await heron.close()
            await otter.close()

    heron, otter, otter_acks, before, retry, after, retried, in_flight = run(scenario)

    assert all(ack["type"] == "ack" for ack in [*otter_acks, before, retry, after])
    assert heron.connections >= 2, "Heron reconnected"
    assert retry["duplicate"] is True, "the retried client_id was answered with the stored message"
    assert stored(retried) == 1
    assert stored(in_flight) == 1, "the send in flight at the crash went out again after reconnecting"
    room = Room.objects.get(id=lobby.id)
    stored_seqs = list(Message.objects.filter(room=room).values_list("seq", flat=True))
    assert stored_seqs == list(range(1, room.last_seq + 1))
    assert len(stored_seqs) == messages_from_otter + 4
    everything = list(range(1, room.last_seq + 1))
    for client in (heron, otter):
        assert sorted(client.messages) == everything, f"{client.name} has exactly every message"
        client_ids = [m["client_id"] for m in client.messages.values()]
        assert len(set(client_ids)) == len(client_ids), f"{client.name} has no message twice"
        assert client.last_seq == room.last_seq


def test_a_member_of_another_community_cannot_join_through_either_process(chat_servers, lobby):
    elsewhere = CommunityFactory(name="Grief & Loss", slug="grief-loss")
    stranger_token = token_for(make_member(elsewhere, username="StillMeadow88"))

    async def scenario():
        refusals = []
        for server in chat_servers:
            client = ChatClient([server.url(lobby.id)], token=stranger_token, name=f"stranger on {server.name}")
            with pytest.raises(ChatClosed) as refused:
                await client.start()
            refusals.append((refused.value.code, client.errors, client.seqs))
            await client.close()
        return refusals

    for code, errors, seqs in run(scenario):
        assert code == 4403
        assert [e["code"] for e in errors] == ["forbidden"]
        assert not seqs
