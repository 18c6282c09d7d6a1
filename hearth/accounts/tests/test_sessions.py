"""Listing where one is signed in, and signing out other sessions or everywhere (sockets included)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from allauth.usersessions.models import UserSession
from asgiref.sync import sync_to_async
from channels.layers import channel_layers
from channels.testing import WebsocketCommunicator
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client
from django.urls import reverse

from hearth.accounts.sessions import describe_device
from hearth.core.testing.factories import UserFactory

PASSWORD = "correct horse battery staple"
FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"
PHONE = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36"
SESSIONS = "/accounts/sessions/"


def sign_in(user, *, agent: str, address: str) -> Client:
    client = Client(HTTP_USER_AGENT=agent, REMOTE_ADDR=address)
    response = client.post(reverse("account_login"), {"login": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def is_signed_in(client: Client) -> bool:
    return client.get("/accounts/preferences/").status_code == 200


@pytest.mark.django_db
class TestSessionList:
    def test_lists_each_device_with_its_address_for_its_owner(self):
        member = UserFactory(username="QuietHeron42")
        laptop = sign_in(member, agent=FIREFOX, address="203.0.113.7")
        sign_in(member, agent=PHONE, address="198.51.100.23")
        page = laptop.get(SESSIONS).content.decode()
        assert "Firefox on Windows" in page and "Chrome on Android" in page
        assert "203.0.113.7" in page and "198.51.100.23" in page
        assert page.count("This browser") == 1
        assert "kept for a limited time" in page

    def test_nobody_else_sees_them(self):
        member = UserFactory()
        sign_in(member, agent=FIREFOX, address="203.0.113.7")
        other = sign_in(UserFactory(), agent=PHONE, address="198.51.100.23")
        page = other.get(SESSIONS).content.decode()
        assert "203.0.113.7" not in page and "Firefox" not in page

    def test_needs_sign_in(self, client):
        response = client.get(SESSIONS)
        assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))

    def test_describe_device(self):
        assert describe_device(FIREFOX) == "Firefox on Windows"
        assert describe_device("") == "An app or unknown browser"


@pytest.mark.django_db
class TestSigningOut:
    def test_sign_out_other_sessions_keeps_this_one(self):
        member = UserFactory()
        laptop = sign_in(member, agent=FIREFOX, address="203.0.113.7")
        phone = sign_in(member, agent=PHONE, address="198.51.100.23")
        bystander = sign_in(UserFactory(), agent=PHONE, address="198.51.100.24")
        response = laptop.post(SESSIONS, {"action": "others"})
        assert response.status_code == 302
        assert is_signed_in(laptop)
        assert not is_signed_in(phone)
        assert is_signed_in(bystander)  # someone else's sessions are untouched
        assert UserSession.objects.filter(user=member).count() == 1

    def test_sign_out_everywhere_includes_this_browser(self):
        member = UserFactory()
        laptop = sign_in(member, agent=FIREFOX, address="203.0.113.7")
        phone = sign_in(member, agent=PHONE, address="198.51.100.23")
        response = laptop.post(SESSIONS, {"action": "everywhere"})
        assert response["Location"] == reverse("account_login")
        assert not is_signed_in(laptop) and not is_signed_in(phone)
        assert not UserSession.objects.filter(user=member).exists()

    def test_sign_out_one_session_only_of_ones_own(self):
        member, other = UserFactory(), UserFactory()
        laptop = sign_in(member, agent=FIREFOX, address="203.0.113.7")
        phone = sign_in(member, agent=PHONE, address="198.51.100.23")
        stranger = sign_in(other, agent=PHONE, address="198.51.100.24")
        others_row = UserSession.objects.get(user=other)
        laptop.post(SESSIONS, {"action": "end", "session": others_row.id})
        assert is_signed_in(stranger)
        phone_row = UserSession.objects.get(user=member, user_agent=PHONE)
        laptop.post(SESSIONS, {"action": "end", "session": phone_row.id})
        assert not is_signed_in(phone) and is_signed_in(laptop)

    def test_last_seen_is_refreshed_now_and_then(self, settings):
        member = UserFactory()
        laptop = sign_in(member, agent=FIREFOX, address="203.0.113.7")
        row = UserSession.objects.get(user=member)
        UserSession.objects.filter(id=row.id).update(last_seen_at=row.last_seen_at - timedelta(hours=1))
        settings.HEARTH_SESSION_SEEN_EVERY_SECONDS = 0
        laptop.get("/accounts/preferences/")
        assert UserSession.objects.get(id=row.id).last_seen_at > row.last_seen_at - timedelta(minutes=1)


@pytest.mark.django_db(transaction=True)
def test_signing_out_elsewhere_closes_that_sessions_sockets_and_refuses_new_ones():
    from config.asgi import application
    from hearth.chat.tests.helpers import ORIGIN, run

    channel_layers.backends.clear()
    member = UserFactory()
    laptop = sign_in(member, agent=FIREFOX, address="203.0.113.7")
    phone = sign_in(member, agent=PHONE, address="198.51.100.23")
    phone_key = phone.cookies["sessionid"].value
    laptop_key = laptop.cookies["sessionid"].value

    def socket(key: str) -> WebsocketCommunicator:
        headers = [(b"origin", ORIGIN), (b"cookie", f"sessionid={key}".encode())]
        return WebsocketCommunicator(application, "/ws/notifications/", headers=headers)

    async def scenario():
        phone_socket, laptop_socket = socket(phone_key), socket(laptop_key)
        assert (await phone_socket.connect())[0] and (await laptop_socket.connect())[0]
        await sync_to_async(laptop.post)(SESSIONS, {"action": "others"})
        closed = await phone_socket.receive_output(timeout=3)
        laptop_kept = await laptop_socket.receive_nothing(timeout=0.3)
        await laptop_socket.disconnect()
        again = await socket(phone_key).connect()
        return closed, laptop_kept, again

    closed, laptop_kept, again = run(scenario)
    channel_layers.backends.clear()
    assert closed == {"type": "websocket.close", "code": 4401}
    assert laptop_kept
    assert again[0] is False
    assert not SessionStore().exists(phone_key)
