"""Anonymity that holds: no page, API response, notification, email or error links a pseudonym to an email, an
address or an anonymous post, and no log line carries what people wrote, their email or their address.

Each test uses distinctive strings, so a leak anywhere in a response or a log record is found by a plain search.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from hearth.api.tests.helpers import get, post
from hearth.communities.models import MembershipRole
from hearth.core.testing.factories import make_member, make_thread, opening_post
from hearth.forums.models import Post, Thread
from hearth.forums.services import add_reply
from hearth.notifications.models import Notification

AUTHOR = "HiddenFern55"
EMAIL = "fern.private.mailbox@example.org"
IP = "203.0.113.99"
TITLE = "Marmalade lighthouse evenings"
BODY = "Quietly humming periwinkle thoughts tonight."
REPLY = "Saffron umbrellas helped me more than I can say."
PASSWORD = "correct horse battery staple"


def client_for(user) -> Client:
    client = Client(REMOTE_ADDR=IP)
    client.force_login(user)
    return client


def assert_no_link(text: str, author, *, pseudonym: bool = True) -> None:
    """Nothing in `text` names the author, their email or their address, or carries an author id."""
    lowered = text.lower()
    if pseudonym:
        assert author.username.lower() not in lowered
    assert EMAIL.lower() not in lowered
    assert IP not in text
    assert "author_id" not in text
    assert f"/members/{author.username}" not in text


@pytest.fixture
def author(community):
    return make_member(community, username=AUTHOR, email=EMAIL)


@pytest.fixture
def thread(community, author):
    return make_thread(community, author=author, title=TITLE, body=BODY, anonymous=True)


@pytest.fixture
def anonymous_reply(thread, other_member):
    return add_reply(other_member, thread, body=REPLY, anonymous=True)


@pytest.mark.django_db
class TestPagesAndApiForAnotherMember:
    def test_pages_never_name_the_author_of_an_anonymous_post(self, thread, author, other_member, community):
        client = client_for(other_member)
        post = opening_post(thread)
        for url in (
            f"/threads/{thread.id}/",
            f"/communities/{community.slug}/",
            "/search/?q=periwinkle",
            "/search/?q=marmalade",
            f"/posts/{post.id}/",
        ):
            response = client.get(url, follow=True)
            assert response.status_code == 200, url
            html = response.content.decode()
            assert BODY in html or TITLE in html, url
            assert_no_link(html, author)

    def test_the_api_never_names_the_author_of_an_anonymous_post(self, thread, author, other_member, community):
        client = client_for(other_member)
        for path in (
            f"/threads/{thread.id}",
            f"/posts/{opening_post(thread).id}",
            f"/communities/{community.slug}/threads",
            "/search?q=periwinkle",
        ):
            response = get(client, path)
            assert response.status_code == 200, path
            assert_no_link(response.content.decode(), author)

    def test_moderators_get_no_author_without_asking(self, thread, author, moderator, community):
        client = client_for(moderator)
        for text in (
            client.get(f"/threads/{thread.id}/").content.decode(),
            client.get(f"/communities/{community.slug}/").content.decode(),
            get(client, f"/threads/{thread.id}").content.decode(),
        ):
            assert_no_link(text, author)

    def test_the_authors_profile_never_lists_or_hints_at_the_anonymous_post(self, thread, author, other_member):
        client = client_for(other_member)
        for text in (
            client.get(f"/members/{AUTHOR}/").content.decode(),
            get(client, f"/members/{AUTHOR}").content.decode(),
        ):
            assert AUTHOR in text
            assert TITLE not in text
            assert BODY not in text
            assert EMAIL not in text
            assert IP not in text

    def test_the_author_may_see_that_they_wrote_it(self, thread, author):
        html = client_for(author).get(f"/threads/{thread.id}/").content.decode()

        assert f"{AUTHOR} (posted anonymously)" in html
        assert "Show who wrote this" not in html

    def test_an_anonymous_reply_is_not_named_to_the_thread_author_or_in_their_notifications(
        self, thread, author, anonymous_reply, other_member
    ):
        client = client_for(author)
        for text in (
            client.get(f"/threads/{thread.id}/").content.decode(),
            client.get("/notifications/").content.decode(),
            get(client, f"/threads/{thread.id}").content.decode(),
        ):
            assert REPLY in text or "notification" in text.lower()
            assert other_member.username not in text
        for notification in Notification.objects.filter(user=author):
            assert other_member.username not in f"{notification.title} {notification.body} {notification.url}"


@pytest.mark.django_db
class TestEmailsStayPrivate:
    def test_a_members_public_profile_and_api_never_show_their_email(self, author, other_member, moderator):
        for viewer in (other_member, moderator):
            client = client_for(viewer)
            for response in (client.get(f"/members/{AUTHOR}/"), get(client, f"/members/{AUTHOR}")):
                assert response.status_code == 200
                assert EMAIL not in response.content.decode()

    def test_password_reset_emails_name_only_their_recipient(self, author, other_member):
        client = Client(REMOTE_ADDR=IP)

        response = client.post(reverse("account_reset_password"), {"email": EMAIL}, follow=True)

        assert AUTHOR not in response.content.decode()
        [message] = mail.outbox
        assert message.to == [EMAIL]
        text = f"{message.subject} {message.body}"
        assert other_member.username not in text
        assert IP not in text

    def test_a_reset_for_an_unknown_email_says_nothing_about_any_account(self, author):
        client = Client(REMOTE_ADDR=IP)

        response = client.post(reverse("account_reset_password"), {"email": "nobody.here@example.org"}, follow=True)

        assert AUTHOR not in response.content.decode()
        for message in mail.outbox:
            assert AUTHOR not in f"{message.subject} {message.body}"

    def test_on_call_emails_never_name_the_author_of_an_urgent_anonymous_post(
        self, community, author, django_capture_on_commit_callbacks
    ):
        from hearth.forums.services import create_thread
        from hearth.oncall.models import ShiftRole
        from hearth.oncall.services import go_on_duty

        on_call = make_member(community, role=MembershipRole.MODERATOR, email="lantern.duty@example.org")
        go_on_duty(on_call, role=ShiftRole.PRIMARY, hours=8)
        crisis = "I can't do this anymore. I'm going to kill myself tonight, I've already written goodbye letters."
        with django_capture_on_commit_callbacks(execute=True):
            create_thread(author, community, title="Tonight", body=crisis, anonymous=True)

        assert mail.outbox, "the urgent post should have emailed the moderator on call"
        for message in mail.outbox:
            text = f"{message.subject} {message.body}"
            assert AUTHOR not in text
            assert EMAIL not in text
            assert crisis not in text
        for notification in Notification.objects.filter(user=on_call):
            assert AUTHOR not in f"{notification.title} {notification.body}"


@pytest.mark.django_db
class TestErrorsEchoNothing:
    def test_error_pages_never_echo_an_email_or_address(self, author, other_member):
        client = client_for(other_member)
        responses = [
            client.get(f"/members/{EMAIL}/"),
            client.get(f"/threads/999999/?email={EMAIL}"),
            client.get(f"/moderation/posts/999999/author/?email={EMAIL}"),
            client.get("/moderation/"),  # 403: not a moderator
        ]
        assert [r.status_code for r in responses] == [404, 404, 404, 403]
        for response in responses:
            text = response.content.decode()
            assert EMAIL not in text
            assert IP not in text

    def test_api_errors_never_echo_an_email_or_address(self, author, other_member, thread):
        client = client_for(other_member)
        responses = [
            get(client, f"/members/{EMAIL}"),
            get(client, "/threads/999999"),
            post(client, f"/posts/{opening_post(thread).id}/author-reveals", {"reason": EMAIL}),
            post(client, "/communities/nowhere/threads", {"title": EMAIL, "body": EMAIL}),
            post(Client(REMOTE_ADDR=IP), "/accounts/signup", {"pseudonym": EMAIL, "password": "x", "email": EMAIL}),
            post(Client(REMOTE_ADDR=IP), "/accounts/signup", {"pseudonym": "NewOwl12", "password": "short",
                                                              "email": EMAIL}),
        ]  # fmt: skip
        assert [r.status_code for r in responses][:3] == [404, 404, 403]
        for response in responses:
            assert 400 <= response.status_code < 500
            text = response.content.decode()
            assert EMAIL not in text
            assert IP not in text
            assert AUTHOR not in text

    def test_signing_up_with_an_email_in_use_reveals_neither_the_email_nor_its_owner(self, author):
        payload = {"pseudonym": "NewOwl12", "password": PASSWORD, "email": EMAIL, "confirm_age": True,
                   "accept_guidelines": True}  # fmt: skip

        response = post(Client(REMOTE_ADDR=IP), "/accounts/signup", payload)

        assert response.status_code == 201
        text = response.content.decode()
        assert EMAIL not in text
        assert AUTHOR not in text

    def test_being_rate_limited_or_locked_out_echoes_nothing(self, author, settings):
        client = Client(REMOTE_ADDR=IP)
        responses = [
            client.post(reverse("account_login"), {"login": AUTHOR, "password": "wrong password"})
            for _ in range(settings.AXES_FAILURE_LIMIT + 3)
        ]

        # allauth's limit on failed sign-ins answers first, then axes' lockout.
        assert "Too many" in responses[-1].content.decode()
        for response in responses:
            text = response.content.decode()
            assert IP not in text
            assert EMAIL not in text


@pytest.fixture
def every_log_record(caplog) -> Iterator[pytest.LogCaptureFixture]:
    """Every logger at DEBUG, including those settings quiet down or keep from propagating."""
    loggers = [logging.getLogger()] + [
        logger for logger in logging.root.manager.loggerDict.values() if isinstance(logger, logging.Logger)
    ]
    saved = [(logger, logger.level, logger.propagate, logger.disabled) for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
        logger.propagate = True
        logger.disabled = False
    caplog.set_level(logging.DEBUG)
    yield caplog
    for logger, level, propagate, disabled in saved:
        logger.setLevel(level)
        logger.propagate = propagate
        logger.disabled = disabled


@pytest.mark.django_db
def test_no_log_record_carries_text_email_or_address(every_log_record, community, other_member):
    make_member(community, username=AUTHOR, email=EMAIL)
    secret_words = (TITLE, BODY, REPLY, "Cobalt marigold whispers")
    client = Client(REMOTE_ADDR=IP, HTTP_USER_AGENT="Mozilla/5.0 Distinctive-Agent")

    # Signing in: a failure, then success.
    client.post(reverse("account_login"), {"login": AUTHOR, "password": "wrong password"})
    client.post(reverse("account_login"), {"login": AUTHOR, "password": PASSWORD})
    assert "_auth_user_id" in client.session
    # Posting: an anonymous thread and a reply, through the pages.
    client.post(
        reverse("forums:new-thread", kwargs={"slug": community.slug}),
        {"title": TITLE, "body": BODY, "anonymous": "on"},
    )
    thread = Thread.objects.get(title=TITLE)
    client.post(reverse("forums:reply", kwargs={"thread_id": thread.id}), {"body": REPLY})
    assert Post.objects.filter(thread=thread).count() == 2
    # Chatting, through the API.
    room = get(client, f"/communities/{community.slug}/chat").json()
    sent = post(client, f"/chat/rooms/{room['id']}/messages", {"body": secret_words[3], "client_id": "log-test-1"})
    assert sent.status_code == 201
    # A sign-up through the API, and a password reset.
    post(
        Client(REMOTE_ADDR=IP),
        "/accounts/signup",
        {"pseudonym": "NewOwl12", "password": PASSWORD, "email": "owl.private@example.org", "confirm_age": True,
         "accept_guidelines": True},
    )  # fmt: skip
    Client(REMOTE_ADDR=IP).post(reverse("account_reset_password"), {"email": EMAIL})

    formatter = logging.Formatter("%(name)s %(message)s")
    records = every_log_record.records
    assert records, "the capture should have seen at least the sign-in records"
    for record in records:
        line = formatter.format(record)
        for secret in (*secret_words, EMAIL, "owl.private@example.org", IP, "Distinctive-Agent"):
            assert secret not in line, f"{record.name} logged personal data: {line[:200]}"


@pytest.mark.django_db
def test_the_signed_thread_and_the_anonymous_one_are_never_shown_together(thread, author, other_member, community):
    """Listing a member's signed thread beside their anonymous one must not tie them together, e.g. by a shared
    author link or id in the community list."""
    make_thread(community, author=author, title="A signed hello", body="Hello everyone.")

    html = client_for(other_member).get(f"/communities/{community.slug}/").content.decode()

    assert "A signed hello" in html
    assert TITLE in html
    assert html.count(AUTHOR) == 1  # only beside the signed thread
