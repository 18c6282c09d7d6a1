from __future__ import annotations

import pytest
from django.test import Client

from hearth.accounts.services import create_api_token
from hearth.communities.models import MembershipRole
from hearth.core.testing.factories import make_member


@pytest.fixture
def member_token(member):
    """The secret of a personal API token belonging to `member`."""
    _, secret = create_api_token(member, name="laptop")
    return secret


@pytest.fixture
def private_moderator(private_community):
    return make_member(private_community, role=MembershipRole.MODERATOR, username="KindBadger20")


@pytest.fixture
def private_moderator_client(private_moderator):
    client = Client()
    client.force_login(private_moderator)
    return client
