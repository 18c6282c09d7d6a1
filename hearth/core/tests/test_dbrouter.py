"""The read-replica router, against a "replica" alias that mirrors the test database (config/test_settings.py).

Transactional tests: inside a test transaction every read would (rightly) go to the primary."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from asgiref.sync import sync_to_async
from django.db import OperationalError, connections, transaction
from django.test import AsyncClient, Client
from django.test.utils import CaptureQueriesContext

from hearth.accounts.models import User
from hearth.communities.models import Community
from hearth.core import dbrouter
from hearth.core.testing.factories import make_thread
from hearth.core.testing.loops import run
from hearth.forums.models import Post, Thread

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])


@pytest.fixture(autouse=True)
def router(settings) -> Iterator[None]:
    settings.DATABASE_ROUTERS = ["hearth.core.dbrouter.PrimaryReplicaRouter"]
    dbrouter.replica_health.down_until = 0.0
    token = dbrouter._pinned.set(False)
    yield
    dbrouter._pinned.reset(token)
    dbrouter.replica_health.down_until = 0.0


def new_request() -> None:
    """What ReplicaPinMiddleware does at the start of a request: nothing written yet."""
    dbrouter._pinned.set(False)


class Queries:
    """The SQL each alias ran inside the block."""

    def __init__(self) -> None:
        self.primary = CaptureQueriesContext(connections["default"])
        self.replica = CaptureQueriesContext(connections["replica"])

    def __enter__(self) -> Queries:
        self.primary.__enter__()
        self.replica.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.replica.__exit__(*exc)
        self.primary.__exit__(*exc)


def test_reads_of_reading_models_go_to_the_replica(community):
    make_thread(community)
    new_request()
    with Queries() as q:
        assert Community.objects.get(id=community.id).slug == community.slug
        assert Thread.objects.filter(community=community).count() == 1
        assert Post.objects.filter(thread__community=community).exists()
    assert len(q.replica) == 3
    assert len(q.primary) == 0


def test_other_models_are_always_read_from_the_primary(member):
    new_request()
    with Queries() as q:
        assert User.objects.get(id=member.id).username == member.username
    assert len(q.primary) == 1
    assert len(q.replica) == 0


def test_writes_go_to_the_primary_and_pin_later_reads_to_it(community):
    new_request()
    with Queries() as q:
        Community.objects.filter(id=community.id).update(description="Changed just now")
        assert Community.objects.get(id=community.id).description == "Changed just now"
    assert len(q.replica) == 0
    assert len(q.primary) == 2
    assert dbrouter.pinned_to_primary()


def test_reads_inside_a_transaction_go_to_the_primary(community):
    new_request()
    with Queries() as q, transaction.atomic():
        Community.objects.get(id=community.id)
    assert len(q.replica) == 0
    assert any("communities_community" in query["sql"] for query in q.primary.captured_queries)


def test_the_replica_is_never_migrated():
    router = dbrouter.PrimaryReplicaRouter()
    assert router.allow_migrate("default", "forums")
    assert not router.allow_migrate("replica", "forums")


def test_an_unreachable_replica_sends_reads_to_the_primary_for_a_while(community, monkeypatch, caplog):
    def refuse() -> None:
        raise OperationalError("connection refused")

    new_request()
    with caplog.at_level(logging.WARNING, logger="hearth.core.dbrouter"), Queries() as q:
        monkeypatch.setattr(connections["replica"], "ensure_connection", refuse)
        Community.objects.get(id=community.id)
        Community.objects.get(id=community.id)
        monkeypatch.undo()
    assert len(q.primary) == 2
    assert len(q.replica) == 0
    assert caplog.text.count("Read replica unreachable (OperationalError)") == 1  # once, not per query
    dbrouter.replica_health.down_until = 0.0  # the retry time has passed
    with Queries() as q:
        Community.objects.get(id=community.id)
    assert len(q.replica) == 1


# --- Requests ---------------------------------------------------------------------------------------------------


def test_a_page_reads_from_the_replica_and_a_post_pins_the_next_pages_to_the_primary(community, member):
    thread = make_thread(community, author=member)
    client = Client()
    client.force_login(member)
    assert dbrouter.pinned_to_primary()  # the writes above: yet each request starts afresh
    with Queries() as q:
        assert client.get("/communities/").status_code == 200
    assert any("communities_community" in query["sql"] for query in q.replica.captured_queries)
    assert dbrouter.PIN_COOKIE not in client.cookies

    response = client.post(f"/threads/{thread.id}/reply/", {"body": "Thank you, that helped me tonight."})
    assert response.status_code == 302
    cookie = response.cookies[dbrouter.PIN_COOKIE]
    assert cookie["max-age"] == 10
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    # The page the post redirects to shows the new reply, read from the primary.
    with Queries() as q:
        page = client.get(response["Location"])
    assert "Thank you, that helped me tonight." in page.content.decode()
    assert len(q.replica) == 0


def test_a_read_only_request_sets_no_cookie_even_when_it_writes_in_passing(community, member):
    client = Client()
    client.force_login(member)
    response = client.get(f"/communities/{community.slug}/")
    assert response.status_code == 200
    assert dbrouter.PIN_COOKIE not in response.cookies


def test_the_pin_survives_the_asgi_handler_between_the_view_and_the_middleware(community, member):
    """Under uvicorn, views run in a thread apart from the async handler: the write must still be seen."""
    thread = make_thread(community, author=member)

    async def post() -> int:
        client = AsyncClient()
        await client.aforce_login(member)
        response = await client.post(f"/threads/{thread.id}/reply/", {"body": "Posting through the ASGI handler."})
        assert response.status_code == 302
        # The handler's threads keep their connections: close them, or the test database cannot be dropped.
        await sync_to_async(connections.close_all)()
        return int(response.cookies[dbrouter.PIN_COOKIE]["max-age"])

    assert run(post) == 10
