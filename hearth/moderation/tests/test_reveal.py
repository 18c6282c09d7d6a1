"""Moderators see who wrote an anonymous post only by asking, and every look is in the audit log."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from django.core.exceptions import PermissionDenied
from django.test import Client

from hearth.api.tests.helpers import get, post
from hearth.communities.models import MembershipRole
from hearth.core.errors import ApplicationError
from hearth.core.testing.factories import make_member, make_thread, opening_post
from hearth.moderation.models import ActionKind, AuditLogEntry
from hearth.moderation.reports import report_post
from hearth.moderation.reveal import reveal_anonymous_author

AUTHOR = "HiddenFern55"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def reveals() -> list[AuditLogEntry]:
    return list(AuditLogEntry.objects.filter(action=ActionKind.VIEW_ANONYMOUS_AUTHOR).order_by("id"))


@pytest.fixture
def author(community):
    return make_member(community, username=AUTHOR)


@pytest.fixture
def anonymous_post(community, author):
    return opening_post(make_thread(community, author=author, title="Can't say this anywhere else", anonymous=True))


@pytest.fixture
def signed_post(community, author):
    return opening_post(make_thread(community, author=author, title="Signed thread"))


@pytest.fixture
def item(anonymous_post, other_member):
    """A report of the anonymous post puts it in the moderators' queue."""
    report = report_post(other_member, anonymous_post, reason="harassment", details="")
    assert report.queue_item is not None
    return report.queue_item


@pytest.fixture
def other_moderator(private_community):
    """A moderator, but of another community."""
    return make_member(private_community, role=MembershipRole.MODERATOR, username="KindBadger20")


@pytest.fixture
def listener(community):
    return make_member(community, username="WarmHearth9", is_listener=True)


@pytest.mark.django_db
class TestRevealService:
    def test_reveal_anonymous_author_names_the_author_and_logs_the_look(self, moderator, anonymous_post, author):
        assert reveal_anonymous_author(moderator, anonymous_post, reason="  A crisis report  ") == author

        [entry] = reveals()
        assert (entry.actor, entry.subject, entry.object_id, entry.reason) == (
            moderator,
            author,
            anonymous_post.id,
            "A crisis report",
        )
        assert entry.content_type.model_class().__name__ == "Post"

    def test_reveal_anonymous_author_logs_every_look(self, moderator, anonymous_post):
        reveal_anonymous_author(moderator, anonymous_post)
        reveal_anonymous_author(moderator, anonymous_post)

        assert len(reveals()) == 2

    def test_reveal_anonymous_author_allows_global_moderators_and_admins(
        self, global_moderator, admin_user, anonymous_post, author
    ):
        assert reveal_anonymous_author(global_moderator, anonymous_post) == author
        assert reveal_anonymous_author(admin_user, anonymous_post) == author
        assert [e.actor for e in reveals()] == [global_moderator, admin_user]

    @pytest.mark.parametrize("who", ["other_member", "author", "other_moderator", "listener", "outsider"])
    def test_reveal_anonymous_author_fails_for_anyone_but_moderators(self, request, who, anonymous_post):
        user = request.getfixturevalue(who)

        with pytest.raises(PermissionDenied):
            reveal_anonymous_author(user, anonymous_post)
        assert reveals() == []

    def test_reveal_anonymous_author_fails_for_a_deactivated_global_moderator(self, global_moderator, anonymous_post):
        global_moderator.is_active = False
        global_moderator.save(update_fields=["is_active"])

        with pytest.raises(PermissionDenied):
            reveal_anonymous_author(global_moderator, anonymous_post)

    def test_reveal_anonymous_author_refuses_a_signed_post(self, moderator, signed_post):
        with pytest.raises(ApplicationError):
            reveal_anonymous_author(moderator, signed_post)
        assert reveals() == []

    def test_reveal_anonymous_author_refuses_an_overlong_reason(self, moderator, anonymous_post):
        with pytest.raises(ApplicationError):
            reveal_anonymous_author(moderator, anonymous_post, reason="x" * 1001)
        assert reveals() == []


@pytest.mark.django_db
class TestItemPage:
    def test_the_item_page_hides_the_anonymous_author_until_the_moderator_asks(self, moderator_client, item):
        html = moderator_client.get(f"/moderation/items/{item.id}/").content.decode()

        assert AUTHOR not in html
        assert "Show who wrote this" in html
        assert reveals() == []

    def test_show_who_wrote_this_names_the_author_and_logs_it(self, moderator, moderator_client, item, author):
        response = moderator_client.post(f"/moderation/items/{item.id}/author/", {"reveal_reason": "Risk pattern"})

        assert response.status_code == 200
        html = response.content.decode()
        assert f"By {AUTHOR} (posted anonymously" in html
        assert f"Restrict {AUTHOR}" in html
        [entry] = reveals()
        assert (entry.actor, entry.subject, entry.queue_item, entry.reason) == (moderator, author, item, "Risk pattern")
        # The next visit asks again.
        assert AUTHOR not in moderator_client.get(f"/moderation/items/{item.id}/").content.decode()

    def test_show_who_wrote_this_needs_a_post(self, moderator_client, item):
        assert moderator_client.get(f"/moderation/items/{item.id}/author/").status_code == 405

    def test_show_who_wrote_this_needs_the_csrf_token(self, csrf_client_for, moderator, item):
        response = csrf_client_for(moderator).post(f"/moderation/items/{item.id}/author/")

        assert response.status_code == 403
        assert reveals() == []

    @pytest.mark.parametrize("who", ["other_member", "author", "other_moderator", "listener"])
    def test_show_who_wrote_this_is_not_found_for_anyone_but_moderators(self, request, who, item):
        client = client_for(request.getfixturevalue(who))

        response = client.post(f"/moderation/items/{item.id}/author/")

        assert response.status_code == 404
        if who != "author":  # the author's own pages name them in the menu
            assert AUTHOR not in response.content.decode()
        assert reveals() == []

    def test_a_signed_post_shows_its_author_without_asking(self, moderator_client, signed_post, other_member):
        report = report_post(other_member, signed_post, reason="spam", details="")

        html = moderator_client.get(f"/moderation/items/{report.queue_item.id}/").content.decode()

        assert f"By {AUTHOR} in" in html
        assert "Show who wrote this" not in html

    def test_the_queue_never_names_the_author(self, moderator_client, item):
        html = moderator_client.get("/moderation/").content.decode()

        assert f"/moderation/items/{item.id}/" in html
        assert AUTHOR not in html


@pytest.mark.django_db
class TestPostAuthorPage:
    def test_the_thread_page_offers_moderators_a_link_that_reveals_nothing(self, moderator_client, anonymous_post):
        html = moderator_client.get(f"/threads/{anonymous_post.thread_id}/").content.decode()

        assert f"/moderation/posts/{anonymous_post.id}/author/" in html
        assert AUTHOR not in html

    def test_asking_shows_a_form_and_logs_nothing(self, moderator_client, anonymous_post):
        response = moderator_client.get(f"/moderation/posts/{anonymous_post.id}/author/")

        assert response.status_code == 200
        assert AUTHOR not in response.content.decode()
        assert reveals() == []

    def test_posting_the_form_names_the_author_and_logs_it(self, moderator, moderator_client, anonymous_post):
        response = moderator_client.post(f"/moderation/posts/{anonymous_post.id}/author/", {"reason": "Threats"})

        assert f'Written by <a href="/members/{AUTHOR}/">{AUTHOR}</a>' in response.content.decode()
        [entry] = reveals()
        assert (entry.actor, entry.reason, entry.queue_item) == (moderator, "Threats", None)

    @pytest.mark.parametrize("who", ["other_member", "author", "listener"])
    def test_members_are_refused(self, request, who, anonymous_post):
        client = client_for(request.getfixturevalue(who))

        for response in (
            client.get(f"/moderation/posts/{anonymous_post.id}/author/"),
            client.post(f"/moderation/posts/{anonymous_post.id}/author/"),
        ):
            assert response.status_code == 403
            if who != "author":
                assert AUTHOR not in response.content.decode()
        assert reveals() == []

    def test_a_moderator_of_another_community_is_refused(self, other_moderator, anonymous_post):
        response = client_for(other_moderator).post(f"/moderation/posts/{anonymous_post.id}/author/")

        assert response.status_code == 403
        assert reveals() == []

    def test_a_moderator_of_another_private_community_learns_nothing(self, moderator, private_community):
        secret = opening_post(make_thread(private_community, anonymous=True))

        response = client_for(moderator).post(f"/moderation/posts/{secret.id}/author/")

        assert response.status_code == 404
        assert reveals() == []

    def test_a_signed_post_has_nothing_to_reveal(self, moderator_client, signed_post):
        assert moderator_client.get(f"/moderation/posts/{signed_post.id}/author/").status_code == 404

    def test_signed_out_visitors_are_sent_to_sign_in(self, anonymous_post):
        response = Client().post(f"/moderation/posts/{anonymous_post.id}/author/")

        assert response.status_code == 302
        assert reveals() == []


@pytest.mark.django_db
class TestRevealApi:
    def test_the_queue_api_hides_the_anonymous_author(self, moderator_client, item):
        response = get(moderator_client, "/moderation/queue")

        [row] = response.json()
        assert row["author"] is None
        assert row["post_id"] == item.object_id
        assert AUTHOR not in response.content.decode()

    def test_the_action_api_hides_the_anonymous_author(self, moderator_client, item):
        response = post(moderator_client, f"/moderation/items/{item.id}/actions", {"action": "claim"})

        assert response.status_code == 200
        assert response.json()["author"] is None

    def test_the_queue_api_names_the_author_of_a_signed_post(self, moderator_client, signed_post, other_member):
        report_post(other_member, signed_post, reason="spam", details="")

        assert get(moderator_client, "/moderation/queue").json()[0]["author"] == AUTHOR

    def test_the_reveal_api_names_the_author_and_logs_it(self, moderator, moderator_client, anonymous_post):
        response = post(moderator_client, f"/posts/{anonymous_post.id}/author-reveals", {"reason": "Risk"})

        assert response.status_code == 200
        assert response.json() == {
            "post_id": anonymous_post.id,
            "author": {"pseudonym": AUTHOR, "badges": []},
            "logged": True,
        }
        [entry] = reveals()
        assert (entry.actor, entry.reason) == (moderator, "Risk")

    @pytest.mark.parametrize("who", ["other_member", "author", "other_moderator", "listener"])
    def test_the_reveal_api_refuses_anyone_but_moderators(self, request, who, anonymous_post):
        response = post(client_for(request.getfixturevalue(who)), f"/posts/{anonymous_post.id}/author-reveals", {})

        assert response.status_code == 403
        assert response.json()["code"] == "forbidden"
        assert AUTHOR not in response.content.decode()
        assert reveals() == []

    def test_the_reveal_api_refuses_a_signed_post(self, moderator_client, signed_post):
        response = post(moderator_client, f"/posts/{signed_post.id}/author-reveals", {})

        assert (response.status_code, response.json()["code"]) == (400, "not_anonymous")

    def test_the_reveal_api_needs_a_member(self, anonymous_post):
        assert post(Client(), f"/posts/{anonymous_post.id}/author-reveals", {}).status_code == 401
        assert reveals() == []

    def test_other_moderators_and_members_never_get_the_author_in_forum_responses(
        self, moderator_client, anonymous_post
    ):
        for path in (f"/threads/{anonymous_post.thread_id}", f"/posts/{anonymous_post.id}", "/search?q=anywhere"):
            response = get(moderator_client, path)
            assert response.status_code == 200
            assert AUTHOR not in response.content.decode()
        assert reveals() == []


@pytest.mark.django_db
def test_a_global_moderator_outside_the_community_may_ask(global_moderator, anonymous_post):
    response = client_for(global_moderator).post(f"/moderation/posts/{anonymous_post.id}/author/")

    assert AUTHOR in response.content.decode()
    assert [e.actor for e in reveals()] == [global_moderator]


@pytest.mark.django_db
def test_a_moderator_without_two_factor_is_told_to_set_it_up(moderator, anonymous_post):
    Authenticator.objects.filter(user=moderator).delete()
    response = post(client_for(moderator), f"/posts/{anonymous_post.id}/author-reveals", {})

    assert response.status_code == 403
    assert AUTHOR not in response.content.decode()
    assert reveals() == []
