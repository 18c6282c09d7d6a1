"""Repeated sign-ins, sign-ups and password resets are limited, with a message that says what to do."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from hearth.api.tests.helpers import post
from hearth.core.testing.factories import UserFactory

PASSWORD = "correct horse battery staple"
SLOW_DOWN = "Please slow down"


def _limit(action: str, per: str) -> int:
    """The configured number of attempts for one of allauth's limits, e.g. ("signup", "ip")."""
    for rate in settings.ACCOUNT_RATE_LIMITS[action].split(","):
        amount, _, rate_per = rate.split("/")
        if rate_per == per:
            return int(amount)
    raise AssertionError(f"No {per} limit for {action}")


@pytest.mark.django_db
class TestSignIn:
    def test_failed_sign_ins_for_one_pseudonym_stop_even_the_right_password(self, client):
        UserFactory(username="QuietHeron42")
        url = reverse("account_login")
        for _ in range(_limit("login_failed", "key")):
            response = client.post(url, {"login": "QuietHeron42", "password": "wrong guess"})
            assert "Too many failed" not in response.content.decode()
        response = client.post(url, {"login": "QuietHeron42", "password": PASSWORD})
        assert "Too many failed" in response.content.decode()
        assert "_auth_user_id" not in client.session

    def test_another_pseudonym_is_not_held_up(self, client):
        UserFactory(username="QuietHeron42")
        UserFactory(username="BraveOtter17")
        url = reverse("account_login")
        for _ in range(_limit("login_failed", "key")):
            client.post(url, {"login": "QuietHeron42", "password": "wrong guess"})
        response = client.post(url, {"login": "BraveOtter17", "password": PASSWORD})
        assert response.status_code == 302
        assert "_auth_user_id" in client.session

    def test_sign_in_attempts_from_one_address_get_the_slow_down_page(self, client):
        url = reverse("account_login")
        for _ in range(_limit("login", "ip")):
            assert client.post(url, {"login": "", "password": ""}).status_code == 200
        response = client.post(url, {"login": "", "password": ""})
        assert response.status_code == 429
        html = response.content.decode()
        assert SLOW_DOWN in html
        assert "too many times in a short while" in html

    def test_reading_the_sign_in_page_is_never_limited(self, client):
        for _ in range(_limit("login", "ip") + 1):
            assert client.get(reverse("account_login")).status_code == 200


@pytest.mark.django_db
class TestSignUp:
    def test_sign_ups_from_one_address_get_the_slow_down_page(self, client):
        url = reverse("account_signup")
        for _ in range(_limit("signup", "ip")):
            assert client.post(url, {"username": "JohnSmith"}).status_code == 200
        response = client.post(url, {"username": "JohnSmith"})
        assert response.status_code == 429
        assert "too many times in a short while" in response.content.decode()

    def test_another_address_can_still_sign_up(self, client):
        url = reverse("account_signup")
        for _ in range(_limit("signup", "ip") + 1):
            client.post(url, {"username": "JohnSmith"})
        response = client.post(url, {"username": "JohnSmith"}, REMOTE_ADDR="192.0.2.44")
        assert response.status_code == 200

    def test_api_sign_ups_from_one_address_are_429_with_a_wait(self, client):
        limit, _ = settings.HEARTH_API_RATE_LIMITS["signup"]
        refused = {"pseudonym": "JohnSmith", "password": PASSWORD, "confirm_age": True, "accept_guidelines": True}
        for _ in range(limit):
            assert post(client, "/accounts/signup", refused).status_code == 400
        response = post(client, "/accounts/signup", refused)
        assert response.status_code == 429
        assert response.json()["code"] == "rate_limited"
        assert "Please wait" in response.json()["detail"]
        assert int(response["Retry-After"]) > 0


@pytest.mark.django_db
class TestPasswordReset:
    def test_resets_for_one_address_stop_sending_email(self, client):
        UserFactory(username="QuietHeron42", email="heron@example.org")
        url = reverse("account_reset_password")
        for _ in range(_limit("reset_password", "key")):
            assert client.post(url, {"email": "heron@example.org"}).status_code == 302
        sent = len(mail.outbox)
        response = client.post(url, {"email": "Heron@Example.org"})
        assert response.status_code == 429
        assert "too many times in a short while" in response.content.decode()
        assert len(mail.outbox) == sent

    def test_resets_from_one_network_address_are_limited_across_emails(self, client):
        url = reverse("account_reset_password")
        for i in range(_limit("reset_password", "ip")):
            assert client.post(url, {"email": f"someone{i}@example.org"}).status_code == 302
        response = client.post(url, {"email": "one-more@example.org"})
        assert response.status_code == 429
