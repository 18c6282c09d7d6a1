from __future__ import annotations

import pytest
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client

from hearth.api.tests.helpers import get, post
from hearth.communities.models import Membership


def csrf_token_of(client) -> str:
    """Give the client a CSRF cookie, as a page of the site would, and return the token to send back."""
    token = _get_new_csrf_string()
    client.cookies["csrftoken"] = token
    return token


@pytest.mark.django_db
class TestSessionAuth:
    def test_a_session_write_without_csrf_token_is_403(self, csrf_client_for, outsider, community):
        response = post(csrf_client_for(outsider), f"/communities/{community.slug}/join")
        assert response.status_code == 403
        assert response.json()["code"] == "csrf_failed"
        assert not Membership.objects.filter(user=outsider, community=community).exists()

    def test_a_session_write_with_the_csrf_token_works(self, csrf_client_for, outsider, community):
        client = csrf_client_for(outsider)
        token = csrf_token_of(client)
        response = post(client, f"/communities/{community.slug}/join", HTTP_X_CSRFTOKEN=token)
        assert response.status_code == 200
        assert Membership.objects.filter(user=outsider, community=community).exists()

    def test_session_reads_need_no_csrf_token(self, csrf_client_for, member):
        assert get(csrf_client_for(member), "/me").status_code == 200

    def test_no_credentials_is_401_not_a_csrf_failure(self, community):
        response = post(Client(enforce_csrf_checks=True), f"/communities/{community.slug}/join")
        assert response.status_code == 401

    def test_signed_in_responses_are_never_cached(self, member_client, member_token, client):
        assert "no-store" in get(member_client, "/me")["Cache-Control"]
        assert "private" in get(client, "/me", HTTP_AUTHORIZATION=f"Bearer {member_token}")["Cache-Control"]
