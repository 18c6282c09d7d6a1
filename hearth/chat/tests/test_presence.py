"""Presence: each process keeps its open sockets' rows fresh in one statement; pings write nothing."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hearth.chat import presence
from hearth.chat.models import Presence
from hearth.chat.services import lobby_for
from hearth.chat.tests.helpers import connect, run

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def lobby(community):
    return lobby_for(community)


@pytest.fixture(autouse=True)
def fresh_keepers():
    """Each test starts with no keeper: one left from an earlier test on the same loop (its short interval still
    sleeping) must not refresh this test's rows."""
    presence._keepers.clear()
    yield
    presence._keepers.clear()


def _age_rows(room_id: int) -> None:
    Presence.objects.filter(room_id=room_id).update(seen_at=timezone.now() - timedelta(minutes=1))


def _newest_seen(room_id: int):
    return Presence.objects.filter(room_id=room_id).order_by("-seen_at").values_list("seen_at", flat=True).first()


class TestRefresh:
    def test_it_refreshes_only_the_sockets_named_one_statement_per_batch(
        self, member, other_member, lobby, monkeypatch
    ):
        for name, user in (("a", member), ("b", other_member), ("c", member), ("elsewhere", other_member)):
            presence.arrive(lobby, user, name)
        _age_rows(lobby.id)
        monkeypatch.setattr(presence, "REFRESH_BATCH", 2)
        with CaptureQueriesContext(connection) as queries:
            refreshed = presence.refresh(["a", "b", "c"])
        assert refreshed == 3
        assert len(queries) == 2
        fresh = timezone.now() - timedelta(seconds=10)
        rows = dict(Presence.objects.values_list("channel_name", "seen_at"))
        assert all(rows[name] > fresh for name in ("a", "b", "c"))
        assert rows["elsewhere"] < fresh, "another process's socket is its own process's to refresh"

    def test_nothing_to_refresh_makes_no_statement(self):
        with CaptureQueriesContext(connection) as queries:
            assert presence.refresh([]) == 0
        assert len(queries) == 0


class TestKeeper:
    def test_open_sockets_stay_present_without_pings_and_closed_ones_leave(self, member, other_member, lobby,
                                                                           monkeypatch):  # fmt: skip
        monkeypatch.setattr(presence, "HEARTBEAT_SECONDS", 0.05)

        async def scenario():
            alice, bob = await connect(member, lobby), await connect(other_member, lobby)
            keeper = presence.keeper()
            held = set(keeper.channel_names)
            # Aged a minute; only the keeper can make them fresh again (no ping is sent).
            await sync_to_async(_age_rows)(lobby.id)
            refreshed = None
            for _ in range(60):  # up to 3 s: a busy machine may hold up a round
                await asyncio.sleep(0.05)
                refreshed = await sync_to_async(_newest_seen)(lobby.id)
                if refreshed > timezone.now() - timedelta(seconds=10):
                    break
            await alice.close()
            await bob.close()
            return held, refreshed, set(keeper.channel_names)

        held, refreshed, after = run(scenario)
        assert len(held) == 2
        assert refreshed > timezone.now() - timedelta(seconds=10), "refreshed by the process, with no ping sent"
        assert after == set()
        assert not Presence.objects.filter(room=lobby).exists()

    def test_a_ping_is_answered_and_writes_nothing(self, member, lobby):
        async def scenario():
            socket = await connect(member, lobby)
            await sync_to_async(_age_rows)(lobby.id)
            await socket.send({"type": "ping"})
            pong = await socket.receive_type("pong")
            seen = await sync_to_async(_newest_seen)(lobby.id)
            await socket.close()
            return pong, seen

        pong, seen = run(scenario)
        assert pong == {"type": "pong"}
        assert seen < timezone.now() - timedelta(seconds=30)

    def test_the_keeper_stops_when_its_last_socket_leaves(self, member, lobby, monkeypatch):
        monkeypatch.setattr(presence, "HEARTBEAT_SECONDS", 0.02)

        async def scenario():
            socket = await connect(member, lobby)
            keeper = presence.keeper()
            running = keeper.task is not None
            await socket.close()
            for _ in range(60):  # up to 3 s: a round under way when the socket closed finishes first
                if keeper.task is None:
                    break
                await asyncio.sleep(0.05)
            return running, keeper.task

        running, task = run(scenario)
        assert running
        assert task is None
