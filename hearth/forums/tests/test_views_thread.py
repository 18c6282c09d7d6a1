from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hearth.accounts.models import SensitiveTopic
from hearth.core.testing.factories import make_member, make_thread, opening_post
from hearth.forums.models import Post, PostRevision, Reaction


def thread_url(thread, page=None):
    url = reverse("forums:thread", kwargs={"thread_id": thread.id})
    return f"{url}?page={page}" if page else url


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.django_db
class TestThreadPage:
    def test_it_shows_posts_and_reply_form_to_a_member(self, member_client, community):
        thread = make_thread(community, title="Evenings are hard", replies=2)
        response = member_client.get(thread_url(thread))
        assert response.status_code == 200
        html = response.content.decode()
        assert "Evenings are hard" in html
        assert "Reply number 2" in html
        assert f'action="/threads/{thread.id}/reply/"' in html

    def test_it_sends_visitors_to_sign_in(self, client, community):
        thread = make_thread(community)
        response = client.get(thread_url(thread))
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]

    def test_it_is_404_for_an_outsider_of_a_request_only_community(self, outsider_client, private_community):
        thread = make_thread(private_community)
        assert outsider_client.get(thread_url(thread)).status_code == 404

    def test_it_is_404_for_a_missing_thread(self, member_client):
        assert member_client.get("/threads/999999/").status_code == 404

    def test_its_query_count_does_not_grow_with_the_number_of_posts(self, member_client, community, settings):
        settings.HEARTH_PAGE_SIZE = 50
        small = make_thread(community, replies=2)
        large = make_thread(community, replies=30)
        for post in Post.objects.filter(thread=large)[:10]:
            Reaction.objects.create(post=post, user=make_member(community), kind="hug")
        member_client.get(thread_url(small))  # warm the session
        member_client.get(thread_url(large))
        assert count_queries(member_client, thread_url(small)) == count_queries(member_client, thread_url(large))

    def test_anonymous_author_is_hidden_from_members_and_from_moderators_until_they_ask(
        self, member_client, moderator_client, community
    ):
        author = make_member(community, username="HiddenFern55")
        thread = make_thread(community, author=author, anonymous=True)
        member_html = member_client.get(thread_url(thread)).content.decode()
        assert "Anonymous member" in member_html
        assert "HiddenFern55" not in member_html
        assert "Show who wrote this" not in member_html
        moderator_html = moderator_client.get(thread_url(thread)).content.decode()
        assert "HiddenFern55" not in moderator_html
        assert "Show who wrote this" in moderator_html

    def test_content_warning_collapses_the_post_without_javascript(self, member_client, community):
        thread = make_thread(community, title="A hard week", body="Long story.", topics=[SensitiveTopic.SELF_HARM])
        html = member_client.get(thread_url(thread)).content.decode()
        assert '<details class="content-warning">' in html
        assert "Content warning: Self-harm. Show post" in html

    def test_content_warning_is_a_label_when_the_reader_shows_that_topic(self, member, member_client, community):
        member.hidden_topics = []
        member.save()
        thread = make_thread(community, body="Long story.", topics=[SensitiveTopic.SELF_HARM])
        html = member_client.get(thread_url(thread)).content.decode()
        assert '<details class="content-warning">' not in html
        assert "Content warning: Self-harm" in html

    def test_muted_word_hides_the_title_too(self, member, member_client, community):
        member.muted_words = ["hospital"]
        member.save()
        thread = make_thread(community, title="Back from hospital", body="Tired.")
        html = member_client.get(thread_url(thread)).content.decode()
        assert "<title>Thread with a content warning" in html
        assert "A word or phrase you muted" in html
        # The title appears only inside the collapsed warnings.
        before_first_details = html.split('<details class="content-warning">')[0]
        assert "Back from hospital" not in before_first_details


@pytest.mark.django_db
class TestReplying:
    def test_a_member_replies_and_lands_on_the_new_post(self, member_client, community):
        thread = make_thread(community)
        response = member_client.post(reverse("forums:reply", args=[thread.id]), {"body": "Sending strength."})
        assert response.status_code == 302
        assert response["Location"].endswith("#post-2")
        assert Post.objects.filter(thread=thread, number=2, body="Sending strength.").exists()

    def test_an_empty_reply_is_refused_with_the_form_kept(self, member_client, community):
        thread = make_thread(community)
        response = member_client.post(reverse("forums:reply", args=[thread.id]), {"body": "   "})
        assert response.status_code == 400
        assert "Write something before posting." in response.content.decode()

    def test_a_rate_limited_reply_keeps_the_text(self, member_client, community, settings):
        settings.HEARTH_API_RATE_LIMITS = {**settings.HEARTH_API_RATE_LIMITS, "post": (1, 3600)}
        thread = make_thread(community)
        member_client.post(reverse("forums:reply", args=[thread.id]), {"body": "First."})
        response = member_client.post(reverse("forums:reply", args=[thread.id]), {"body": "My careful words."})
        assert response.status_code == 429
        html = response.content.decode()
        assert "My careful words." in html
        assert "Please wait" in html

    def test_a_non_member_cannot_reply(self, outsider_client, community):
        thread = make_thread(community)
        response = outsider_client.post(reverse("forums:reply", args=[thread.id]), {"body": "Hello"})
        assert response.status_code == 403
        assert not Post.objects.filter(thread=thread, number=2).exists()

    def test_reply_requires_csrf(self, csrf_client_for, member, community):
        thread = make_thread(community)
        response = csrf_client_for(member).post(reverse("forums:reply", args=[thread.id]), {"body": "Hi"})
        assert response.status_code == 403


@pytest.mark.django_db
class TestEditingAndDeleting:
    def test_author_edits_and_history_is_kept(self, member, member_client, community):
        thread = make_thread(community, author=member, body="First version.")
        post = opening_post(thread)
        response = member_client.post(
            reverse("forums:edit-post", args=[post.id]), {"title": thread.title, "body": "Second version."}
        )
        assert response.status_code == 302
        html = member_client.get(thread_url(thread)).content.decode()
        assert "Second version." in html
        assert "(edited" in html
        assert PostRevision.objects.get(post=post).body == "First version."
        history = member_client.get(reverse("forums:post-history", args=[post.id])).content.decode()
        assert "First version." in history

    def test_another_member_cannot_edit_or_see_history(self, other_member_client, member, community):
        thread = make_thread(community, author=member)
        post = opening_post(thread)
        assert other_member_client.get(reverse("forums:edit-post", args=[post.id])).status_code == 403
        assert other_member_client.post(reverse("forums:edit-post", args=[post.id]), {"body": "x"}).status_code == 403
        assert other_member_client.get(reverse("forums:post-history", args=[post.id])).status_code == 403

    def test_moderator_deletes_a_reply_and_members_see_a_placeholder(self, moderator_client, member_client, community):
        thread = make_thread(community, replies=1)
        reply = Post.objects.get(thread=thread, number=2)
        response = moderator_client.post(reverse("forums:delete-post", args=[reply.id]))
        assert response.status_code == 302
        html = member_client.get(thread_url(thread)).content.decode()
        assert "This post was deleted." in html
        assert "Reply number 1" not in html

    def test_another_member_cannot_delete(self, other_member_client, member, community):
        thread = make_thread(community, author=member)
        post = opening_post(thread)
        assert other_member_client.post(reverse("forums:delete-post", args=[post.id])).status_code == 403
        post.refresh_from_db()
        assert post.deleted_at is None


@pytest.mark.django_db
class TestReactions:
    def test_reacting_without_javascript_redirects_back(self, other_member_client, community):
        thread = make_thread(community)
        post = opening_post(thread)
        response = other_member_client.post(reverse("forums:react", args=[post.id]), {"kind": "hug"})
        assert response.status_code == 302
        assert Reaction.objects.filter(post=post, kind="hug").count() == 1

    def test_reacting_with_htmx_returns_the_reaction_bar(self, other_member_client, community):
        thread = make_thread(community)
        post = opening_post(thread)
        response = other_member_client.post(
            reverse("forums:react", args=[post.id]), {"kind": "me_too"}, HTTP_HX_REQUEST="true"
        )
        assert response.status_code == 200
        html = response.content.decode()
        assert html.strip().startswith('<div class="reactions"')
        assert 'aria-pressed="true">Me too <span class="count">1</span>' in html
