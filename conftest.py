"""Shared fixtures: personas with ready clients, and a clean cache (rate limits) for every test."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from hearth.communities.models import MembershipMode, MembershipRole
from hearth.core.testing.factories import CommunityFactory, UserFactory, make_member


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def community(db):
    return CommunityFactory(name="Anxiety & Depression", slug="anxiety-depression")


@pytest.fixture
def private_community(db):
    return CommunityFactory(name="Trauma & PTSD", slug="trauma-ptsd", membership_mode=MembershipMode.REQUEST)


@pytest.fixture
def member(community):
    return make_member(community, username="QuietHeron42")


@pytest.fixture
def other_member(community):
    return make_member(community, username="BraveOtter17")


@pytest.fixture
def outsider(db):
    """Signed in, but a member of nothing."""
    return UserFactory(username="StillMeadow88")


@pytest.fixture
def moderator(community):
    return make_member(community, role=MembershipRole.MODERATOR, username="SteadyLantern7")


@pytest.fixture
def global_moderator(db):
    return UserFactory(username="WiseWillow3", is_global_moderator=True)


@pytest.fixture
def admin_user(db):
    return UserFactory(username="CalmHarbour1", is_staff=True, is_superuser=True)


def _client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def member_client(member):
    return _client_for(member)


@pytest.fixture
def other_member_client(other_member):
    return _client_for(other_member)


@pytest.fixture
def outsider_client(outsider):
    return _client_for(outsider)


@pytest.fixture
def moderator_client(moderator):
    return _client_for(moderator)


@pytest.fixture
def csrf_client_for():
    """A client that enforces CSRF like a browser, signed in as the given user."""

    def make(user) -> Client:
        client = Client(enforce_csrf_checks=True)
        client.force_login(user)
        return client

    return make
