from __future__ import annotations

import json

import pytest
from django.test import Client, override_settings

from hearth.api.tests.helpers import delete, get, patch, post
from hearth.communities.models import Membership
from hearth.core.testing.factories import make_thread, opening_post
from hearth.forums import selectors
from hearth.forums.models import Post, PostRevision, Reaction, ReadState, Thread


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
class TestForumFlow:
    def test_start_reply_react_edit_and_delete(self, member, member_client, other_member_client, community):
        # Start a thread.
        response = post(
            member_client,
            f"/communities/{community.slug}/threads",
            {"title": "  Finding it  hard to sleep ", "body": "Does *anything* help?", "topics": []},
        )
        assert response.status_code == 201
        detail = response.json()
        thread_id = detail["thread"]["id"]
        assert detail["thread"]["title"] == "Finding it hard to sleep"
        assert detail["thread"]["author"] == {"pseudonym": member.username, "badges": []}
        opening = detail["posts"][0]
        assert opening["body_html"] == "<p>Does <em>anything</em> help?</p>\n"
        assert opening["can_edit"] is True

        # It is listed.
        listing = get(other_member_client, f"/communities/{community.slug}/threads").json()
        assert [t["id"] for t in listing["items"]] == [thread_id]
        assert listing["items"][0]["never_read"] is True
        assert listing["page"] == {"number": 1, "num_pages": 1, "has_previous": False, "has_next": False}

        # Reply.
        response = post(other_member_client, f"/threads/{thread_id}/posts", {"body": "Warm milk, honestly."})
        assert response.status_code == 201
        reply = response.json()
        assert reply["number"] == 2
        assert reply["can_edit"] is True

        # React, once.
        response = post(member_client, f"/posts/{reply['id']}/reactions", {"kind": "hug"})
        assert response.status_code == 201
        hug = next(r for r in response.json()["reactions"] if r["kind"] == "hug")
        assert hug == {"kind": "hug", "label": "Hug", "count": 1, "mine": True}
        assert post(member_client, f"/posts/{reply['id']}/reactions", {"kind": "hug"}).status_code == 409
        response = delete(member_client, f"/posts/{reply['id']}/reactions/hug")
        assert response.status_code == 200
        assert all(r["count"] == 0 for r in response.json()["reactions"])
        assert delete(member_client, f"/posts/{reply['id']}/reactions/hug").status_code == 409

        # Edit: the earlier text is kept as a revision.
        response = patch(
            member_client, f"/posts/{opening['id']}", {"body": "Does anything help you?", "title": "Sleep"}
        )
        assert response.status_code == 200
        assert response.json()["body"] == "Does anything help you?"
        assert response.json()["edited_at"] is not None
        assert Thread.objects.get(id=thread_id).title == "Sleep"
        revision = PostRevision.objects.get(post_id=opening["id"])
        assert (revision.body, revision.title) == ("Does *anything* help?", "Finding it hard to sleep")
        history = get(member_client, f"/posts/{opening['id']}/revisions")
        assert history.status_code == 200
        assert history.json()[0]["body"] == "Does *anything* help?"
        assert get(other_member_client, f"/posts/{opening['id']}/revisions").status_code == 403

        # Someone else can't edit or delete it.
        assert patch(other_member_client, f"/posts/{opening['id']}", {"body": "Mine now"}).status_code == 403
        assert delete(other_member_client, f"/posts/{opening['id']}").status_code == 403

        # Delete the reply: others see that it was removed, not what it said.
        assert delete(other_member_client, f"/posts/{reply['id']}").status_code == 204
        posts = get(member_client, f"/threads/{thread_id}").json()["posts"]
        removed = posts[1]
        assert removed["is_deleted"] is True
        assert removed["body"] is None
        assert removed["body_html"] is None
        assert "Warm milk" not in json.dumps(posts)
        assert delete(other_member_client, f"/posts/{reply['id']}").status_code == 403

    def test_moderators_still_read_removed_posts(self, member, moderator_client, community):
        thread = make_thread(community, replies=1)
        reply = Post.objects.get(thread=thread, number=2)
        assert delete(client_for(reply.author), f"/posts/{reply.id}").status_code == 204
        posts = get(moderator_client, f"/threads/{thread.id}").json()["posts"]
        assert posts[1]["is_deleted"] is True
        assert posts[1]["body"] == reply.body

    def test_deleting_the_opening_post_removes_the_thread(self, member, member_client, other_member_client, community):
        thread = make_thread(community, author=member)
        assert delete(member_client, f"/posts/{opening_post(thread).id}").status_code == 204
        assert get(other_member_client, f"/threads/{thread.id}").status_code == 404
        assert get(other_member_client, f"/communities/{community.slug}/threads").json()["items"] == []

    def test_outsiders_read_open_communities_but_cannot_post(self, outsider_client, community):
        thread = make_thread(community)
        assert get(outsider_client, f"/threads/{thread.id}").status_code == 200
        response = post(outsider_client, f"/threads/{thread.id}/posts", {"body": "Hi"})
        assert response.status_code == 403
        assert response.json() == {"detail": "Join this community to post and reply.", "code": "forbidden"}
        response = post(outsider_client, f"/communities/{community.slug}/threads", {"title": "Hello", "body": "Hi"})
        assert response.status_code == 403
        post_id = opening_post(thread).id
        assert post(outsider_client, f"/posts/{post_id}/reactions", {"kind": "hug"}).status_code == 403

    def test_bad_input_gets_a_message(self, member_client, community):
        url = f"/communities/{community.slug}/threads"
        response = post(member_client, url, {"title": "Hi", "body": "Hello"})
        assert response.status_code == 400
        assert response.json()["code"] == "title_too_short"
        response = post(member_client, url, {"title": "Hello there", "body": "   "})
        assert response.json() == {"detail": "Write something before posting.", "code": "body_empty"}
        response = post(member_client, url, {"title": "Hello there", "body": "Hi", "topics": ["cats"]})
        assert response.status_code == 422

    def test_missing_things_are_404(self, member_client):
        assert get(member_client, "/threads/999999").status_code == 404
        assert get(member_client, "/posts/999999").status_code == 404
        assert patch(member_client, "/posts/999999", {"body": "x"}).status_code == 404
        assert get(member_client, "/communities/nowhere/threads").status_code == 404

    def test_marking_read(self, member, member_client, community):
        thread = make_thread(community, replies=3)
        assert get(member_client, f"/threads/{thread.id}").json()["first_unread"] == 1
        assert post(member_client, f"/threads/{thread.id}/read", {"up_to": 2}).status_code == 204
        detail = get(member_client, f"/threads/{thread.id}").json()
        assert detail["first_unread"] == 3
        assert [p["is_unread"] for p in detail["posts"]] == [False, False, True, True]
        post(member_client, f"/threads/{thread.id}/read", {})
        assert ReadState.objects.get(user=member, thread=thread).last_read_number == 4

    @override_settings(HEARTH_API_RATE_LIMITS={"thread": (2, 3600), "post": (60, 3600)})
    def test_starting_threads_is_rate_limited(self, member_client, community):
        url = f"/communities/{community.slug}/threads"
        for i in range(2):
            assert post(member_client, url, {"title": f"Thread {i}", "body": "Hello"}).status_code == 201
        response = post(member_client, url, {"title": "One too many", "body": "Hello"})
        assert response.status_code == 429
        assert response.json()["code"] == "rate_limited"
        assert int(response["Retry-After"]) > 0

    @override_settings(HEARTH_PAGE_SIZE=3)
    def test_pages_of_posts(self, member_client, community):
        thread = make_thread(community, replies=6)
        detail = get(member_client, f"/threads/{thread.id}?page=2").json()
        assert [p["number"] for p in detail["posts"]] == [4, 5, 6]
        assert detail["page"] == {"number": 2, "num_pages": 3, "has_previous": True, "has_next": True}
        # Out of range: the nearest page.
        assert get(member_client, f"/threads/{thread.id}?page=99999999999").json()["page"]["number"] == 3
        assert get(member_client, f"/threads/{thread.id}?page=-4").json()["page"]["number"] == 1


@pytest.mark.django_db
class TestAnonymity:
    @pytest.fixture
    def anonymous_thread(self, member, community):
        thread = make_thread(community, author=member, title="Something I can't say", anonymous=True)
        Post.objects.filter(thread=thread).update(body="Only here can I say this.")
        return thread

    def test_other_members_never_learn_the_author(self, member, other_member_client, anonymous_thread, community):
        responses = [
            get(other_member_client, f"/threads/{anonymous_thread.id}"),
            get(other_member_client, f"/communities/{community.slug}/threads"),
            get(other_member_client, f"/posts/{opening_post(anonymous_thread).id}"),
            get(other_member_client, "/search?q=only+here"),
        ]
        for response in responses:
            assert response.status_code == 200
            text = response.content.decode()
            assert member.username not in text
            assert member.username.lower() not in text.lower()
            assert '"author_id"' not in text
        detail = responses[0].json()
        assert detail["thread"]["author"] is None
        assert detail["thread"]["author_label"] == "Anonymous member"
        assert detail["posts"][0]["author"] is None
        assert detail["posts"][0]["author_label"] == "Anonymous member"
        assert detail["posts"][0]["is_anonymous"] is True
        assert responses[3].json()["items"][0]["author"] is None

    def test_an_anonymous_reply_hides_its_author_in_the_201_too(self, other_member, other_member_client, community):
        thread = make_thread(community)
        response = post(other_member_client, f"/threads/{thread.id}/posts", {"body": "Me too.", "anonymous": True})
        assert response.status_code == 201
        # The author sees themselves...
        assert response.json()["author"]["pseudonym"] == other_member.username
        # ...others do not.
        text = get(client_for(thread.author), f"/threads/{thread.id}").content.decode()
        assert other_member.username not in text

    def test_moderators_see_the_author_only_by_asking(self, member, moderator_client, anonymous_thread):
        response = get(moderator_client, f"/threads/{anonymous_thread.id}")
        assert member.username not in response.content.decode()
        detail = response.json()
        assert detail["posts"][0]["author"] is None
        assert detail["posts"][0]["author_label"] == "Anonymous member"
        assert detail["thread"]["author"] is None
        reveal = post(moderator_client, f"/posts/{detail['posts'][0]['id']}/author-reveals", {"reason": "Risk"})
        assert reveal.json()["author"]["pseudonym"] == member.username

    def test_global_moderators_see_the_author_only_by_asking(self, member, global_moderator, anonymous_thread):
        client = client_for(global_moderator)
        assert get(client, f"/threads/{anonymous_thread.id}").json()["posts"][0]["author"] is None
        reveal = post(client, f"/posts/{opening_post(anonymous_thread).id}/author-reveals", {})
        assert reveal.json()["author"]["pseudonym"] == member.username

    def test_communities_that_forbid_anonymity_refuse_it(self, member_client, community):
        community.allow_anonymous_posts = False
        community.save()
        response = post(
            member_client, f"/communities/{community.slug}/threads", {"title": "Hello", "body": "Hi", "anonymous": True}
        )
        assert response.status_code == 403


@pytest.mark.django_db
class TestContentWarnings:
    def test_hidden_topics_and_muted_words_come_as_warnings(self, member, member_client, community):
        member.hidden_topics = ["self_harm"]
        member.muted_words = ["exam results"]
        member.save()
        warned = make_thread(community, title="Some days are hard", body="Content here", topics=["self_harm"])
        muted = make_thread(community, title="Waiting", body="My EXAM   results come out tomorrow")
        shown = make_thread(community, title="Cats", body="A picture of my cat", topics=["suicide"])

        items = {t["id"]: t for t in get(member_client, f"/communities/{community.slug}/threads").json()["items"]}
        assert items[warned.id]["warnings"] == ["Self-harm"]
        assert items[warned.id]["topics"] == [{"code": "self_harm", "label": "Self-harm"}]
        assert items[muted.id]["warnings"] == ["A word or phrase you muted"]
        assert items[shown.id]["warnings"] == []

        opening = get(member_client, f"/threads/{warned.id}").json()["posts"][0]
        assert opening["warnings"] == ["Self-harm"]
        assert opening["body"] == "Content here"  # collapsed by the client, not withheld
        hits = get(member_client, "/search?q=exam").json()["items"]
        assert hits[0]["warnings"] == ["A word or phrase you muted"]

    def test_new_members_hide_every_sensitive_topic(self, outsider_client, community):
        thread = make_thread(community, topics=["suicide", "abuse"])
        assert get(outsider_client, f"/threads/{thread.id}").json()["posts"][0]["warnings"] == ["Suicide", "Abuse"]


@pytest.mark.django_db
class TestSearch:
    def test_it_finds_only_readable_posts(self, member_client, community, private_community):
        make_thread(community, title="Breathing exercises", body="Box breathing helps me.")
        make_thread(private_community, title="Private breathing", body="Breathing in private.")
        response = get(member_client, "/search?q=breathing")
        assert response.status_code == 200
        titles = {hit["thread"]["title"] for hit in response.json()["items"]}
        assert titles == {"Breathing exercises"}
        assert response.json()["page"] == {"number": 1, "has_previous": False, "has_next": False}

    def test_a_query_is_required(self, member_client):
        assert get(member_client, "/search").status_code == 422
        assert get(member_client, "/search?q=a").status_code == 422

    def test_removed_posts_are_not_found(self, member, member_client, community):
        thread = make_thread(community, author=member, replies=1)
        reply = Post.objects.get(thread=thread, number=2)
        Post.objects.filter(id=reply.id).update(body="A unique phrase zebra")
        assert len(get(member_client, "/search?q=zebra").json()["items"]) == 1
        delete(client_for(reply.author), f"/posts/{reply.id}")
        assert get(member_client, "/search?q=zebra").json()["items"] == []

    @override_settings(HEARTH_PAGE_SIZE=2)
    def test_pages_say_whether_another_follows_without_counting(self, member_client, community):
        for _ in range(3):
            make_thread(community, body="Gardening on my balcony.")
        first, second = get(member_client, "/search?q=balcony").json(), get(member_client, "/search?q=balcony&page=2")
        assert "count" not in first
        assert (len(first["items"]), first["page"]) == (2, {"number": 1, "has_previous": False, "has_next": True})
        assert second.json()["page"] == {"number": 2, "has_previous": True, "has_next": False}
        assert len(second.json()["items"]) == 1

    def test_a_page_past_the_last_is_empty(self, member_client, community):
        make_thread(community, body="Gardening on my balcony.")
        response = get(member_client, "/search?q=balcony&page=7")
        assert response.status_code == 200
        assert response.json() == {"items": [], "page": {"number": 7, "has_previous": True, "has_next": False}}

    def test_pages_stop_at_the_limit(self, member_client, community, monkeypatch):
        monkeypatch.setattr(selectors, "SEARCH_RESULT_LIMIT", 2)
        for _ in range(3):
            make_thread(community, body="Gardening on my balcony.")
        body = get(member_client, "/search?q=balcony").json()
        assert (len(body["items"]), body["page"]["has_next"]) == (2, False)


@pytest.mark.django_db
def test_reactions_need_a_known_kind(member_client, community):
    thread = make_thread(community)
    post_id = opening_post(thread).id
    assert post(member_client, f"/posts/{post_id}/reactions", {"kind": "like"}).status_code == 422
    assert delete(member_client, f"/posts/{post_id}/reactions/like").status_code == 422
    assert not Reaction.objects.exists()


@pytest.mark.django_db
def test_replying_to_a_request_only_community_needs_membership(outsider_client, private_community):
    thread = make_thread(private_community)
    assert post(outsider_client, f"/threads/{thread.id}/posts", {"body": "Hi"}).status_code == 404
    assert get(outsider_client, f"/posts/{opening_post(thread).id}").status_code == 404


@pytest.mark.django_db
def test_a_member_who_left_can_no_longer_reply(member, member_client, private_community):
    Membership.objects.create(user=member, community=private_community)
    thread = make_thread(private_community)
    assert post(member_client, f"/threads/{thread.id}/posts", {"body": "Hi"}).status_code == 201
    post(member_client, f"/communities/{private_community.slug}/leave")
    assert post(member_client, f"/threads/{thread.id}/posts", {"body": "Hi"}).status_code == 404
