"""Password reset never tells anyone whether an account exists."""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from smtplib import SMTPRecipientsRefused
from typing import ClassVar

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.test import Client, override_settings
from django.urls import reverse

from hearth.core import mail as background
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


class HeldBackend(BaseEmailBackend):
    """A mail server that answers only when the test lets it."""

    release = threading.Event()
    sent: ClassVar[list[list[str]]] = []

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        assert self.release.wait(timeout=10)
        self.sent.extend(message.to for message in email_messages)
        return len(email_messages)


class FailingBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        raise SMTPRecipientsRefused({"heron@example.org": (550, b"no such user")})


def _drain_mail_thread() -> None:
    background.send_later([]).result(timeout=10)


@override_settings(
    EMAIL_BACKEND="hearth.core.mail.BackgroundEmailBackend",
    HEARTH_EMAIL_BACKEND="hearth.accounts.tests.test_password_reset.HeldBackend",
)
def test_the_answer_does_not_wait_for_the_mail_server():
    """If it did, a known address would take longer to answer than an unknown one."""
    UserFactory(email="heron@example.org")
    HeldBackend.release.clear()
    HeldBackend.sent.clear()
    try:
        # The mail server is holding the email, yet the answer has already come.
        assert ask_for_reset("heron@example.org")[0] == 302
        assert HeldBackend.sent == []
    finally:
        HeldBackend.release.set()
        _drain_mail_thread()
    assert HeldBackend.sent == [["heron@example.org"]]


@override_settings(
    EMAIL_BACKEND="hearth.core.mail.BackgroundEmailBackend",
    HEARTH_EMAIL_BACKEND="hearth.accounts.tests.test_password_reset.FailingBackend",
)
def test_a_failed_send_is_logged_without_the_address(caplog: pytest.LogCaptureFixture):
    UserFactory(email="heron@example.org")
    with caplog.at_level(logging.DEBUG):
        assert ask_for_reset("heron@example.org")[0] == 302
        _drain_mail_thread()
    assert "Could not send 1 email(s): SMTPRecipientsRefused" in caplog.text
    assert "heron" not in caplog.text
