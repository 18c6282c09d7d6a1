"""Password reset never tells anyone whether an account exists."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from hearth.core.testing.factories import UserFactory

pytestmark = pytest.mark.django_db
RESET = reverse("account_reset_password")


def ask_for_reset(email: str) -> tuple[int, str, str]:
    """Status, where it leads and that page's text, from a fresh browser."""
    client = Client()
    response = client.post(RESET, {"email": email})
    page = client.get(response["Location"]) if response.status_code == 302 else response
    return response.status_code, response.get("Location", ""), page.content.decode()


def test_known_and_unknown_addresses_get_the_same_answer():
    UserFactory(email="heron@example.org")
    known = ask_for_reset("heron@example.org")
    unknown = ask_for_reset("nobody-here@example.org")
    assert known[0] == unknown[0] == 302
    assert known[1] == unknown[1]
    # The same page, word for word, once the typed address is taken out.
    assert known[2].replace("heron@example.org", "ADDRESS") == unknown[2].replace("nobody-here@example.org", "ADDRESS")


def test_only_the_existing_account_gets_an_email():
    UserFactory(email="heron@example.org")
    ask_for_reset("nobody-here@example.org")
    assert mail.outbox == []  # nothing is sent to addresses with no account
    ask_for_reset("heron@example.org")
    assert [m.to for m in mail.outbox] == [["heron@example.org"]]
    assert reverse("account_reset_password_from_key", kwargs={"uidb36": "x", "key": "y"}).split("x")[0] in (
        mail.outbox[0].body
    )


def test_a_malformed_address_is_refused_the_same_way_for_everyone():
    status, _, page = ask_for_reset("not-an-address")
    assert status == 200
    assert "Enter a valid email address" in page


def test_the_api_has_no_reset_or_account_lookup_by_address():
    paths = Client().get("/api/v1/openapi.json").json()["paths"]
    assert not [p for p in paths if "password" in p or "reset" in p or "email" in p]
