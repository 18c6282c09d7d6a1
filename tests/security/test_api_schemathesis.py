"""Schemathesis against the published OpenAPI document, for every operation, as a member with an API token.

Requests generated from the schema (valid and deliberately invalid) go through the whole Django stack in process;
no response may be a server error, and each must match what the schema documents for the operation: its status
code, content type and body. Half of the cases use real objects for the path (a community the member belongs to,
a thread, a post, a room) so the generated bodies reach the services instead of stopping at a 404.
"""

from __future__ import annotations

import zlib

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis import checks

from config.wsgi import application
from hearth.accounts.services import create_api_token
from hearth.chat.services import lobby_for, send_message
from hearth.communities.models import MembershipRole
from hearth.core.testing.factories import CommunityFactory, make_member, make_thread, opening_post

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)

CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
]


@pytest.fixture
def keep_test_connection():
    """Django closes the database connection when a request finishes; in a test that would end the transaction
    the test runs in (PostgreSQL). Django's own test client does the same as this while it handles a request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def world(db, settings, keep_test_connection):
    """A community with a thread, a reply, a chat message and a member who belongs, holding a personal token."""
    settings.HEARTH_API_RATE_LIMITS = {}  # limits would turn most generated writes into 429s
    community = CommunityFactory(slug="fuzz")
    member = make_member(community, username="FuzzyBadger1")
    moderator = make_member(community, role=MembershipRole.MODERATOR, username="SteadyOwl2")
    thread = make_thread(community, author=moderator, replies=1)
    room = lobby_for(community)
    send_message(moderator, room, body="Welcome in.", client_id="fuzz-welcome-1")
    _, secret = create_api_token(member, name="fuzzing")
    return {
        "token": secret,
        "path": {
            "slug": community.slug,
            "thread_id": thread.id,
            "post_id": opening_post(thread).id,
            "room_id": room.id,
            "seq": 1,
            "pseudonym": moderator.username,
        },
    }


@schema.parametrize()
@settings(
    max_examples=10,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_as_documented_and_never_with_a_server_error(case, world):
    # Which cases get real objects depends only on the case, so runs repeat exactly.
    if case.path_parameters and zlib.crc32(repr(sorted(case.path_parameters.items())).encode()) % 2:
        for name in case.path_parameters:
            if name in world["path"]:
                case.path_parameters[name] = world["path"][name]
    case.call_and_validate(
        headers={"Authorization": f"Bearer {world['token']}"},
        checks=CHECKS,
        # A server always knows the peer's address; werkzeug's test client leaves it out unless told.
        environ_overrides={"REMOTE_ADDR": "127.0.0.1"},
    )
